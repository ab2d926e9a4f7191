import CSMModel

/// The Config tab: the effective configuration, secrets masked, with the file it came from.
enum ConfigView {
    static func lines(_ state: TUIState, width: Int, height: Int) -> [StyledLine] {
        guard let snapshot = state.snapshot else { return [StyledLine(" Observing…", .dim)] }
        let ws = snapshot.workspace
        var lines: [StyledLine] = []
        func key(_ indent: Int, _ name: String, _ value: String? = nil, _ style: Style = .plain) {
            var line = StyledLine(String(repeating: "  ", count: indent) + " " + name + ":", .color(.cyan))
            if let value { line.append(" " + value.replacingNewlines(), style) }
            lines.append(line)
        }
        lines.append(
            StyledLine(" Source ", .dim) + StyledLine(ws.sourcePath ?? state.configPath ?? "(not a csm.yaml)", .bold))
        key(0, "workspace", ws.name)
        key(0, "defaults")
        key(1, "worktreeBase", ws.defaults.worktreeBase)
        key(1, "branchPrefix", ws.defaults.branchPrefix)
        key(1, "host", ws.defaults.host)
        agent(ws.defaults.agent, indent: 1, into: &lines)
        key(0, "hosts")
        for host in ws.hosts.values.sorted(by: { $0.name < $1.name }) {
            var parts: [String] = [host.ssh.map { "ssh \($0)" } ?? "this machine"]
            if let port = host.port { parts.append("port \(port)") }
            if host.identityFile != nil { parts.append("identityFile set") }
            if let base = host.worktreeBase { parts.append("worktreeBase \(base)") }
            key(1, host.name, parts.joined(separator: ", "))
        }
        key(0, "repos", ws.repos.isEmpty ? "none" : nil)
        for repo in ws.repos.values.sorted(by: { $0.name < $1.name }) {
            key(
                1, repo.name,
                repo.path + (repo.host.map { " on \($0)" } ?? "") + (repo.baseBranch.map { ", base \($0)" } ?? ""))
        }
        key(0, "sessions", "\(ws.sessions.count) declared (Sessions tab)")
        key(0, "favorites", ws.favorites.isEmpty ? "none" : ws.favorites.joined(separator: ", "))
        key(
            0, "rules",
            ws.rules.isEmpty ? "none (every tool request goes to Claude Code's own prompt)" : "first match wins")
        for (index, rule) in ws.rules.enumerated() {
            lines.append(
                StyledLine("     \(index + 1). ", .dim) + StyledLine(rule.action.rawValue, ruleStyle(rule.action))
                    + StyledLine(" " + rule.tool + (rule.pattern.map { " \"\($0)\"" } ?? "")))
        }
        key(0, "server")
        key(1, "listen", ws.server.listen)
        key(1, "reconcileInterval", "\(formatted(ws.server.reconcileInterval)) s")
        key(1, "prune", ws.server.prune ? "true" : "false")
        key(1, "approvalTimeout", "\(formatted(ws.server.approvalTimeout)) s")
        let integrations = ws.integrations
        key(0, "integrations")
        key(1, "linear")
        key(
            2, "apiKey", integrations.linearAPIKey == nil ? "not set" : mask,
            integrations.linearAPIKey == nil ? .dim : .plain)
        if let endpoint = integrations.linearEndpoint { key(2, "endpoint", endpoint) }
        if let ttl = integrations.linearCacheTTL { key(2, "cacheTTL", "\(formatted(ttl)) s") }
        if integrations.linearPromptTemplate != nil { key(2, "promptTemplate", "set") }
        if integrations.claudeBaseURL != nil || integrations.claudeCredentialsFile != nil
            || integrations.claudeCacheTTL != nil
        {
            key(1, "claude")
            if let url = integrations.claudeBaseURL { key(2, "baseURL", url) }
            if let file = integrations.claudeCredentialsFile { key(2, "credentialsFile", file) }
            if let ttl = integrations.claudeCacheTTL { key(2, "cacheTTL", "\(formatted(ttl)) s") }
        }
        if !integrations.prices.isEmpty { key(1, "prices", integrations.prices.keys.sorted().joined(separator: ", ")) }
        return lines
    }

    static let mask = "•••••••• (set)"

    static func agent(_ agent: AgentSpec, indent: Int, into lines: inout [StyledLine]) {
        let pad = String(repeating: "  ", count: indent)
        lines.append(
            StyledLine(pad + " agent:", .color(.cyan))
                + StyledLine(" " + ([agent.command] + agent.args).joined(separator: " ")))
        for (name, value) in agent.env.sorted(by: { $0.key < $1.key }) {
            lines.append(
                StyledLine(pad + "   " + name + "=", .dim)
                    + StyledLine(isSecret(name) ? mask : value.replacingNewlines()))
        }
    }

    /// Environment names that usually hold credentials.
    static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASS", "AUTH", "CREDENTIAL"].contains { upper.contains($0) }
    }

    static func ruleStyle(_ action: RuleAction) -> Style {
        switch action {
        case .allow: .color(.green)
        case .deny: .color(.red)
        case .ask: .color(.yellow)
        }
    }

    static func formatted(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
