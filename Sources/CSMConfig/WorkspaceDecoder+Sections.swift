import CSMAgent
import CSMModel

/// The schema of csm.yaml version 1, one method per section.
extension WorkspaceDecoder {
    static let rootKeys = [
        "version", "workspace", "defaults", "hosts", "repos", "sessions", "favorites", "rules", "server",
        "integrations",
    ]
    static let defaultsKeys = ["worktreeBase", "branchPrefix", "host", "agent"]
    static let agentKeys = ["command", "args", "env", "permissionMode"]
    static let hostKeys = ["ssh", "port", "identityFile", "worktreeBase"]
    static let repoKeys = ["path", "host", "baseBranch", "setup", "copy", "env", "scripts"]
    static let sessionKeys = [
        "repo", "host", "branch", "base", "prompt", "model", "agent", "env", "linear", "favorite", "setup", "copy",
        "scripts", "effort", "context",
    ]
    static let ruleKeys = ["tool", "pattern", "action"]
    static let serverKeys = ["listen", "reconcile", "approvalTimeout"]
    static let reconcileKeys = ["interval", "prune"]
    static let integrationsKeys = ["linear", "claude", "prices"]
    static let linearKeys = ["apiKey", "endpoint", "cacheTTL", "promptTemplate"]
    static let claudeKeys = ["baseURL", "credentialsFile", "cacheTTL"]
    static let priceKeys = ["input", "output", "cacheWrite", "cacheRead"]

    /// Decodes the whole document; nil when any error was found (see `diagnostics`).
    mutating func decode(_ root: YAMLNode?) -> Workspace? {
        let fileName = source.file.split(separator: "/").last.map(String.init) ?? source.file
        guard let root, !root.isNull else {
            error(SourceText.origin, "\(fileName) is empty; expected 'version: 1' and 'workspace: NAME'")
            return nil
        }
        guard let top = fields(root, path: "", allowed: Self.rootKeys, required: ["version", "workspace"]) else {
            return nil
        }

        if let node = top["version"], let version = integer(node, path: "version"), version != 1 {
            error(node.start, "unsupported version \(version); this csm reads version 1", hint: "write 'version: 1'")
        }
        var name = ""
        if let node = top["workspace"], let value = string(node, path: "workspace") {
            if CSMName.isValid(value) {
                name = value
            } else {
                error(node.start, "invalid workspace name '\(value)': use \(CSMName.ruleDescription)")
            }
        }
        let hosts = decodeHosts(top["hosts"])
        var defaults = decodeDefaults(top["defaults"])
        let isRemote = { (host: String?) in hosts[host ?? defaults.host]?.ssh != nil }
        let repos = decodeRepos(top["repos"], isRemote: isRemote)
        let sessions = decodeSessions(top["sessions"], repos: repos)
        var workspace = Workspace(
            name: name, hosts: hosts, repos: repos.mapValues(\.spec), sessions: sessions.mapValues(\.spec),
            favorites: decodeFavorites(top["favorites"], sessions: Array(sessions.keys)),
            rules: decodeRules(top["rules"]), server: decodeServer(top["server"]),
            integrations: decodeIntegrations(top["integrations"]))

        // References are checked once every section is known, so their order in the file does not matter.
        let hostNames = Array(workspace.hosts.keys)
        if let node = top["defaults"]?.value(forKey: "host"), workspace.hosts[defaults.host] == nil {
            unknownReference(
                node, name: defaults.host, kind: "host", section: "hosts", declared: hostNames,
                usedBy: "'defaults.host'")
        }
        for (repoName, repo) in repos {
            if let host = repo.spec.host, workspace.hosts[host] == nil, let node = repo.hostNode {
                unknownReference(
                    node, name: host, kind: "host", section: "hosts", declared: hostNames, usedBy: "repo '\(repoName)'")
            }
        }
        // git checks a branch out in one worktree only: two sessions of a repo (on one host) cannot share one.
        var branchOwners: [String: String] = [:]
        for (sessionName, session) in sessions.sorted(by: { $0.key < $1.key }) {
            let spec = session.spec
            let host = spec.host ?? repos[spec.repo]?.spec.host ?? defaults.host
            let branch = spec.branch ?? defaults.branchPrefix + sessionName
            // A name such as "v2." is a valid session name but makes an invalid default branch.
            if spec.branch == nil, GitBranchName.problem(defaults.branchPrefix + "name") == nil,
                let problem = GitBranchName.problem(branch), let node = session.branchNode
            {
                error(
                    node.start, "session '\(sessionName)' needs a 'branch:': its default branch '\(branch)' is not valid (\(problem))",
                    hint: "rename the session or give it a branch git accepts")
                continue
            }
            let key = "\(host)\u{0}\(spec.repo)\u{0}\(branch)"
            if let owner = branchOwners[key], let node = session.branchNode {
                error(
                    node.start, "sessions '\(owner)' and '\(sessionName)' both use branch '\(branch)' of repo '\(spec.repo)'",
                    hint: "git checks a branch out in one worktree only; give one of them another 'branch:'")
            } else {
                branchOwners[key] = sessionName
            }
        }
        // tmux writes '.' in a session name as '_': "a.b" and "a_b" would be one tmux session.
        var tmuxOwners: [String: String] = [:]
        for (sessionName, session) in sessions.sorted(by: { $0.key < $1.key }) {
            let tmuxName = CSMName.tmuxSessionName(for: sessionName)
            if let owner = tmuxOwners[tmuxName] {
                error(
                    session.keyNode.start,
                    "sessions '\(owner)' and '\(sessionName)' would share the tmux session '\(tmuxName)'",
                    hint: "tmux turns '.' into '_' in session names; rename one of them")
            } else {
                tmuxOwners[tmuxName] = sessionName
            }
        }
        for (sessionName, session) in sessions {
            if let host = session.spec.host, workspace.hosts[host] == nil, let node = session.hostNode {
                unknownReference(
                    node, name: host, kind: "host", section: "hosts", declared: hostNames,
                    usedBy: "session '\(sessionName)'")
            }
        }
        if defaults.worktreeBase == Defaults.defaultWorktreeBase, top["defaults"]?.value(forKey: "worktreeBase") == nil,
            let home, !home.isEmpty
        {
            defaults.worktreeBase = ValueParsers.normalize(home + "/" + Defaults.defaultWorktreeBase.dropFirst())
        }
        workspace.defaults = defaults
        guard diagnostics.isEmpty else { return nil }
        return workspace
    }

    mutating func decodeAgent(_ node: YAMLNode, path: String, owner: YAMLNode?) -> AgentOverride? {
        guard let map = fields(node, path: path, allowed: Self.agentKeys, owner: owner) else { return nil }
        return AgentOverride(
            command: optionalString(map["command"], path: map.path("command")),
            args: stringList(map["args"], path: map.path("args")),
            env: environmentMap(map["env"], path: map.path("env")),
            permissionMode: map["permissionMode"].flatMap { enumeration($0, path: map.path("permissionMode"), as: PermissionMode.self) })
    }

    mutating func decodeDefaults(_ node: YAMLNode?) -> Defaults {
        var defaults = Defaults()
        guard let node, let map = fields(node, path: "defaults", allowed: Self.defaultsKeys) else { return defaults }
        if let value = path(map["worktreeBase"], path: "defaults.worktreeBase") { defaults.worktreeBase = value }
        if let value = optionalString(map["branchPrefix"], path: "defaults.branchPrefix") {
            // The prefix is checked with a name after it, as it will be used.
            if let node = map["branchPrefix"], let problem = GitBranchName.problem(value + "name") {
                error(node.start, "invalid branchPrefix '\(value)': \(problem) (git's branch name rules)")
            }
            defaults.branchPrefix = value
        }
        if let value = optionalString(map["host"], path: "defaults.host") { defaults.host = value }
        if let agentNode = map["agent"], !agentNode.isNull,
            let agent = decodeAgent(agentNode, path: "defaults.agent", owner: map.pairs["agent"]?.key)
        {
            defaults.agent = agent.applied(to: AgentSpec())
        }
        return defaults
    }

    mutating func decodeHosts(_ node: YAMLNode?) -> [String: HostSpec] {
        var hosts: [String: HostSpec] = [:]
        for entry in namedEntries(node, path: "hosts", kind: "host") {
            let isLocal = entry.name == HostSpec.localName
            let required = isLocal ? [] : ["ssh"]
            guard
                let map = fields(
                    entry.value, path: "hosts.\(entry.name)", allowed: Self.hostKeys, required: required,
                    owner: entry.key)
            else { continue }
            var host = HostSpec(name: entry.name)
            if isLocal, let sshNode = map.pairs["ssh"]?.key {
                error(
                    sshNode.start, "host 'local' is this machine and cannot have 'ssh'",
                    hint: "give the remote host another name, for example 'remote'")
            } else {
                host.ssh = optionalString(map["ssh"], path: map.path("ssh"))
                if let node = map["ssh"], host.ssh == nil, node.isNull {
                    error(
                        node.start, "expected a string for 'hosts.\(entry.name).ssh', found null",
                        hint: "write user@host or an ssh config alias")
                }
            }
            if let portNode = map["port"], let port = integer(portNode, path: map.path("port")) {
                if (1...65535).contains(port) {
                    host.port = port
                } else {
                    error(portNode.start, "port \(port) of host '\(entry.name)' is out of range; expected 1-65535")
                }
            }
            host.identityFile = path(map["identityFile"], path: map.path("identityFile"))
            host.worktreeBase = path(map["worktreeBase"], path: map.path("worktreeBase"), isRemote: !isLocal)
            hosts[entry.name] = host
        }
        return hosts
    }

    struct DecodedRepo {
        var spec: RepoSpec
        var hostNode: YAMLNode?
    }

    mutating func decodeRepos(_ node: YAMLNode?, isRemote: (String?) -> Bool) -> [String: DecodedRepo] {
        var repos: [String: DecodedRepo] = [:]
        for entry in namedEntries(node, path: "repos", kind: "repo") {
            let keyPath = "repos.\(entry.name)"
            guard
                let map = fields(
                    entry.value, path: keyPath, allowed: Self.repoKeys, required: ["path"], owner: entry.key)
            else { continue }
            let host = optionalString(map["host"], path: map.path("host"))
            let path = path(map["path"], path: map.path("path"), isRemote: isRemote(host))
            let spec = RepoSpec(
                name: entry.name, path: path ?? "", host: host,
                baseBranch: branchName(map["baseBranch"], path: map.path("baseBranch")),
                setup: commands(map["setup"], path: map.path("setup")) ?? [],
                copy: stringList(map["copy"], path: map.path("copy")) ?? [],
                env: environmentMap(map["env"], path: map.path("env")) ?? [:],
                scripts: scripts(map["scripts"], path: map.path("scripts")) ?? [:])
            repos[entry.name] = DecodedRepo(spec: spec, hostNode: map["host"])
        }
        return repos
    }

    struct DecodedSession {
        var spec: SessionSpec
        var hostNode: YAMLNode?
        /// Where a problem with the session's branch is reported: its `branch:` value, else its name.
        var branchNode: YAMLNode?
        /// The session's name in the file.
        var keyNode: YAMLNode
    }

    mutating func decodeSessions(_ node: YAMLNode?, repos: [String: DecodedRepo]) -> [String: DecodedSession] {
        var sessions: [String: DecodedSession] = [:]
        let onlyRepo = repos.count == 1 ? repos.keys.first : nil
        for entry in namedEntries(node, path: "sessions", kind: "session") {
            let keyPath = "sessions.\(entry.name)"
            guard
                let map = fields(
                    entry.value, path: keyPath, allowed: Self.sessionKeys,
                    required: onlyRepo == nil ? ["repo"] : [], owner: entry.key)
            else { continue }
            var repo = onlyRepo ?? ""
            if let repoNode = map["repo"], let value = string(repoNode, path: map.path("repo")) {
                repo = value
                if repos[value] == nil {
                    unknownReference(
                        repoNode, name: value, kind: "repo", section: "repos", declared: Array(repos.keys),
                        usedBy: "session '\(entry.name)'")
                }
            }
            var agent: AgentOverride?
            if let agentNode = map["agent"], !agentNode.isNull {
                agent = decodeAgent(agentNode, path: map.path("agent"), owner: map.pairs["agent"]?.key)
            }
            let spec = SessionSpec(
                name: entry.name, repo: repo, host: optionalString(map["host"], path: map.path("host")),
                branch: branchName(map["branch"], path: map.path("branch")),
                base: optionalString(map["base"], path: map.path("base")),
                prompt: optionalString(map["prompt"], path: map.path("prompt")),
                model: optionalString(map["model"], path: map.path("model")), agent: agent,
                env: environmentMap(map["env"], path: map.path("env")) ?? [:],
                linear: optionalString(map["linear"], path: map.path("linear")),
                favorite: bool(map["favorite"], path: map.path("favorite")) ?? false,
                setup: commands(map["setup"], path: map.path("setup")),
                copy: stringList(map["copy"], path: map.path("copy")),
                scripts: scripts(map["scripts"], path: map.path("scripts")) ?? [:],
                effort: map["effort"].flatMap {
                    $0.isNull ? nil : enumeration($0, path: map.path("effort"), as: Effort.self)
                },
                context: optionalString(map["context"], path: map.path("context")))
            sessions[entry.name] = DecodedSession(
                spec: spec, hostNode: map["host"], branchNode: map["branch"] ?? entry.key, keyNode: entry.key)
        }
        return sessions
    }

    mutating func decodeFavorites(_ node: YAMLNode?, sessions: [String]) -> [String] {
        guard let node, !node.isNull else { return [] }
        guard let items = node.items else {
            typeError(node, expected: "a list of session names", path: "favorites")
            return []
        }
        var out: [String] = []
        var listed: Set<String> = []
        let declared = Set(sessions)
        for (index, item) in items.enumerated() {
            guard let name = string(item, path: "favorites[\(index)]") else { continue }
            if !declared.contains(name) {
                unknownReference(
                    item, name: name, kind: "session", section: "sessions", declared: sessions, usedBy: "'favorites'")
            } else if !listed.insert(name).inserted {
                error(item.start, "session '\(name)' is listed twice in 'favorites'")
            } else {
                out.append(name)
            }
        }
        return out
    }

    mutating func decodeRules(_ node: YAMLNode?) -> [ToolRule] {
        guard let node, !node.isNull else { return [] }
        guard let items = node.items else {
            typeError(node, expected: "a list of rules", path: "rules")
            return []
        }
        var rules: [ToolRule] = []
        for (index, item) in items.enumerated() {
            let keyPath = "rules[\(index)]"
            guard let map = fields(item, path: keyPath, allowed: Self.ruleKeys, required: ["tool", "action"]) else {
                continue
            }
            var tool: String?
            if let toolNode = map["tool"], let value = string(toolNode, path: map.path("tool")) {
                if value.isEmpty {
                    error(
                        toolNode.start, "'\(keyPath).tool' is empty", hint: "name a tool such as Bash, or '*' for any")
                } else {
                    tool = value
                }
            }
            let action = map["action"].flatMap { enumeration($0, path: map.path("action"), as: RuleAction.self) }
            let pattern = optionalString(map["pattern"], path: map.path("pattern"))
            if let tool, let action {
                let rule = ToolRule(tool: tool, pattern: pattern, action: action)
                if let problem = ToolRuleSet.problems(in: [rule]).first, let toolNode = map["tool"] {
                    error(toolNode.start, "invalid rule '\(keyPath)': \(problem.reason)")
                } else {
                    rules.append(rule)
                }
            }
        }
        return rules
    }

    mutating func decodeServer(_ node: YAMLNode?) -> ServerSettings {
        var server = ServerSettings()
        guard let node, let map = fields(node, path: "server", allowed: Self.serverKeys) else { return server }
        if let listenNode = map["listen"], !listenNode.isNull, let listen = string(listenNode, path: "server.listen") {
            if ValueParsers.listenAddress(listen) != nil {
                server.listen = listen
            } else {
                error(
                    listenNode.start, "invalid listen address '\(listen)' for 'server.listen'",
                    hint: "write HOST:PORT with a port from 1 to 65535, for example 127.0.0.1:3000")
            }
        }
        if let value = duration(map["approvalTimeout"], path: "server.approvalTimeout") {
            server.approvalTimeout = value
        }
        if let reconcileNode = map["reconcile"],
            let reconcile = fields(reconcileNode, path: "server.reconcile", allowed: Self.reconcileKeys)
        {
            if let value = duration(reconcile["interval"], path: "server.reconcile.interval") {
                server.reconcileInterval = value
            }
            if let value = bool(reconcile["prune"], path: "server.reconcile.prune") { server.prune = value }
        }
        return server
    }

    mutating func decodeIntegrations(_ node: YAMLNode?) -> Integrations {
        var integrations = Integrations()
        guard let node, let map = fields(node, path: "integrations", allowed: Self.integrationsKeys) else {
            return integrations
        }
        if let linearNode = map["linear"],
            let linear = fields(linearNode, path: "integrations.linear", allowed: Self.linearKeys)
        {
            integrations.linearAPIKey = optionalString(linear["apiKey"], path: "integrations.linear.apiKey")
            integrations.linearEndpoint = url(linear["endpoint"], path: "integrations.linear.endpoint",
                example: "https://api.linear.app/graphql")
            integrations.linearCacheTTL = duration(linear["cacheTTL"], path: "integrations.linear.cacheTTL")
            integrations.linearPromptTemplate = optionalString(
                linear["promptTemplate"], path: "integrations.linear.promptTemplate")
        }
        if let claudeNode = map["claude"],
            let claude = fields(claudeNode, path: "integrations.claude", allowed: Self.claudeKeys)
        {
            integrations.claudeBaseURL = url(claude["baseURL"], path: "integrations.claude.baseURL",
                example: "https://api.anthropic.com")
            integrations.claudeCredentialsFile = path(claude["credentialsFile"], path: "integrations.claude.credentialsFile")
            integrations.claudeCacheTTL = duration(claude["cacheTTL"], path: "integrations.claude.cacheTTL")
        }
        if let pricesNode = map["prices"], !pricesNode.isNull {
            guard let pairs = pricesNode.pairs else {
                typeError(pricesNode, expected: "a mapping of model families", path: "integrations.prices")
                return integrations
            }
            for pair in pairs {
                guard let family = pair.key.scalar?.value, !family.isEmpty else {
                    error(pair.key.start, "model family names in 'integrations.prices' must be strings")
                    continue
                }
                let path = "integrations.prices.\(family)"
                guard let price = fields(pair.value, path: path, allowed: Self.priceKeys, required: Self.priceKeys, owner: pair.key)
                else { continue }
                let values = Self.priceKeys.compactMap { key in price[key].flatMap { number($0, path: "\(path).\(key)") } }
                if values.count == 4 {
                    integrations.prices[family] = TokenPrices(
                        input: values[0], output: values[1], cacheWrite: values[2], cacheRead: values[3])
                }
            }
        }
        return integrations
    }

    /// A price: a plain non-negative number (dollars per million tokens).
    mutating func number(_ node: YAMLNode, path: String) -> Double? {
        if let scalar = node.scalar, let value = Double(scalar.value), value < 0 {
            error(node.start, "negative price \(scalar.value) for '\(path)'",
                  hint: "write US dollars per million tokens, for example 3 or 0.3")
            return nil
        }
        guard let scalar = node.scalar, scalar.style == .plain, let value = Double(scalar.value), value.isFinite
        else {
            error(node.start, "expected a non-negative number for '\(path)', found \(node.kindDescription)",
                  hint: "write US dollars per million tokens, for example 3 or 0.3")
            return nil
        }
        return value
    }

    /// An optional http(s) URL.
    mutating func url(_ node: YAMLNode?, path: String, example: String) -> String? {
        guard let node, let value = optionalString(node, path: path) else { return nil }
        guard ValueParsers.isHTTPURL(value) else {
            error(node.start, "invalid URL '\(value)' for '\(path)'",
                  hint: "write an http:// or https:// URL, for example \(example)")
            return nil
        }
        return value
    }
}

extension WorkspaceDecoder {
    /// An optional branch name that git accepts (`GitBranchName`); an invalid one is an error at its node.
    mutating func branchName(_ node: YAMLNode?, path: String) -> String? {
        guard let value = optionalString(node, path: path), let node else { return nil }
        if let problem = GitBranchName.problem(value) {
            error(
                node.start, "invalid branch name '\(value)' in '\(path)': \(problem)",
                hint: "use a name git accepts, such as 'feature/login-fix'")
        }
        return value
    }
}
