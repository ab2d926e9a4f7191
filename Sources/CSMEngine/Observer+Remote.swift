import CSMDrivers
import CSMModel

extension Observer {
    /// The SSH hosts' part of an observation: with `remote` set, one ssh round trip per host, all in
    /// parallel; without (engine tests with in-memory drivers), every SSH host is unreachable.
    func observeRemoteHosts(_ workspace: Workspace) async -> (
        sessions: [ObservedTmuxSession], worktrees: [ObservedWorktree], unreachable: [String: String]
    ) {
        guard let remote else {
            var unreachable: [String: String] = [:]
            for (name, host) in workspace.hosts where !host.isLocal {
                unreachable[name] = "no SSH transport is configured for this observer"
            }
            return ([], [], unreachable)
        }
        return await remote.observeAll(workspace)
    }

    /// The git driver that reads worktrees on `host`.
    func gitDriver(forHost host: String) async -> any GitDriver {
        if let remote, await remote.isRemote(host) { return remote.git(host) }
        return git
    }
}

extension Observer {
    /// The tmux driver of the server on `host`: the local one, or the host's over ssh.
    public func tmuxDriver(forHost host: String) async -> any TmuxDriver {
        if let remote, await remote.isRemote(host) { return remote.tmux(host) }
        return tmux
    }
}
