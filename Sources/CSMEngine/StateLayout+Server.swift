import CSMModel

extension StateLayout {
    /// The folder of a workspace's event files: `sessions/<name>.jsonl` and `reconcile.jsonl`.
    public func eventsDirectory(workspace: String) -> String {
        Paths.join(root, "workspaces", workspace, "events")
    }

    /// The lock a process holds for as long as it may reconcile the workspace (`csm server`).
    public func serverLockFile(workspace: String) -> String {
        Paths.join(root, "workspaces", workspace, "server.lock")
    }

    /// The lock held while a plan is applied (a server's pass, `csm apply`, `create`, `kill`).
    public func applyLockFile(workspace: String) -> String {
        Paths.join(root, "workspaces", workspace, "apply.lock")
    }

    /// The API token of `csm server` (256 bits, hex, mode 0600), shared by every workspace.
    public var tokenFile: String { Paths.join(root, "token") }
}

extension StateLayout {
    /// Where `csm server` writes the address it listens on (`{"host":…,"port":…}`), so that `csm hook`
    /// finds it without parsing csm.yaml.
    public func serverAddressFile(workspace: String) -> String {
        Paths.join(root, "workspaces", workspace, "server.json")
    }
}
