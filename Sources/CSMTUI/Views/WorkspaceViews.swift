import CSMModel

/// The Repos, Hosts and Tasks tabs: what csm.yaml declares, with session counts.
enum ReposView {
    static func lines(_ state: TUIState, width: Int) -> [StyledLine] {
        guard let snapshot = state.snapshot else { return [StyledLine(" Observing…", .dim)] }
        let repos = snapshot.workspace.repos.values.sorted { $0.name < $1.name }
        guard !repos.isEmpty else { return [StyledLine(" No repo is declared in csm.yaml.", .dim)] }
        let nameWidth = min(24, max(8, repos.map { DisplayWidth.of($0.name) }.max() ?? 8))
        var lines = [
            StyledLine(
                "   " + DisplayWidth.fit("NAME", to: nameWidth) + " " + DisplayWidth.fit("HOST", to: 10) + " "
                    + DisplayWidth.fit("BASE", to: 12) + " " + DisplayWidth.fitRight("SESSIONS", to: 8) + "  PATH", .dim
            )
        ]
        for repo in repos {
            let count = snapshot.sessions.count { $0.repo == repo.name }
            var line = StyledLine("   " + DisplayWidth.fit(repo.name, to: nameWidth) + " ", .bold)
            line.append(
                DisplayWidth.fit(repo.host ?? snapshot.workspace.defaults.host, to: 10) + " "
                    + DisplayWidth.fit(repo.baseBranch ?? "HEAD", to: 12) + " "
                    + DisplayWidth.fitRight(String(count), to: 8) + "  ")
            line.append(repo.path, .dim)
            lines.append(line)
            var prepared: [String] = []
            if !repo.setup.isEmpty {
                prepared.append("setup: \(repo.setup.count) command\(repo.setup.count == 1 ? "" : "s")")
            }
            if !repo.copy.isEmpty { prepared.append("copy: " + repo.copy.joined(separator: ", ")) }
            if !repo.scripts.isEmpty {
                prepared.append("scripts: " + repo.scripts.keys.sorted().joined(separator: ", "))
            }
            if !prepared.isEmpty {
                lines.append(StyledLine("     " + prepared.joined(separator: " · "), .dim))
            }
        }
        lines.append(StyledLine())
        lines.append(StyledLine(" x on a session runs one of its scripts in the session's terminal window.", .dim))
        return lines
    }
}

enum HostsView {
    static func lines(_ state: TUIState, width: Int) -> [StyledLine] {
        guard let snapshot = state.snapshot else { return [StyledLine(" Observing…", .dim)] }
        let hosts = snapshot.workspace.hosts.values.sorted {
            ($0.name == HostSpec.localName ? "0" : "1") + $0.name < ($1.name == HostSpec.localName ? "0" : "1")
                + $1.name
        }
        let nameWidth = min(20, max(8, hosts.map { DisplayWidth.of($0.name) }.max() ?? 8))
        var lines = [
            StyledLine(
                "   " + DisplayWidth.fit("NAME", to: nameWidth) + " " + DisplayWidth.fit("ADDRESS", to: 24) + " "
                    + DisplayWidth.fitRight("SESSIONS", to: 8) + "  STATE (ssh every 30 s)", .dim)
        ]
        for host in hosts {
            let count = snapshot.sessions.count { $0.row.host == host.name && $0.row.status != .unmanaged }
            var line = StyledLine("   " + DisplayWidth.fit(host.name, to: nameWidth) + " ", .bold)
            let address = host.ssh.map { $0 + (host.port.map { ":\($0)" } ?? "") } ?? "this machine"
            line.append(DisplayWidth.fit(address, to: 24) + " " + DisplayWidth.fitRight(String(count), to: 8) + "  ")
            if host.isLocal {
                line.append("● local", .color(.green))
            } else if let check = state.hostChecks[host.name] {
                if check.isReachable {
                    line.append("● reachable", .color(.green))
                    if let latency = check.latency { line.append(" \(Int((latency * 1000).rounded())) ms", .dim) }
                } else {
                    line.append("✕ unreachable: " + (check.message ?? "").replacingNewlines(), .color(.red))
                }
            } else if let reason = snapshot.unreachableHosts[host.name] {
                line.append("✕ unreachable: " + reason.replacingNewlines(), .color(.red))
            } else {
                line.append("checking…", .dim)
            }
            lines.append(line)
        }
        return lines
    }
}
