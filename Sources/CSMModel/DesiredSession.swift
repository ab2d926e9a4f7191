/// A declared session with every default folded in: what the planner compares against reality.
public struct DesiredSession: Sendable, Equatable, Codable {
    public var name: String
    public var workspace: String
    public var host: String
    public var repo: String
    /// Absolute path of the source repository on `host`.
    public var repoPath: String
    /// `<worktreeBase>/<workspace>/<name>`.
    public var worktreePath: String
    public var branch: String
    /// The commit-ish a new branch starts from; nil means the repository's HEAD.
    public var base: String?
    public var agent: AgentSpec
    public var model: String?
    public var prompt: String?
    public var env: [String: String]
    public var linear: String?
    public var favorite: Bool
    /// Commands run once in a new worktree before the agent starts (the repo's, or the session's own).
    public var setup: [String]
    /// Globs of untracked files copied from the source checkout into a new worktree.
    public var copy: [String]
    /// Named commands for `csm run` (the repo's merged with the session's).
    public var scripts: [String: String]
    /// Claude Code's `--effort`.
    public var effort: Effort?
    /// Free text for the worktree's CLAUDE.md section.
    public var context: String?
    /// Hash of the fields whose change needs the agent restarted (stored as `@csm-spec` in tmux).
    public var specHash: String

    public init(
        name: String, workspace: String, host: String, repo: String, repoPath: String, worktreePath: String,
        branch: String, base: String?, agent: AgentSpec, model: String?, prompt: String?, env: [String: String],
        linear: String?, favorite: Bool, setup: [String] = [], copy: [String] = [], scripts: [String: String] = [:],
        effort: Effort? = nil, context: String? = nil
    ) {
        self.setup = setup
        self.copy = copy
        self.scripts = scripts
        self.effort = effort
        self.context = context
        self.name = name
        self.workspace = workspace
        self.host = host
        self.repo = repo
        self.repoPath = repoPath
        self.worktreePath = worktreePath
        self.branch = branch
        self.base = base
        self.agent = agent
        self.model = model
        self.prompt = prompt
        self.env = env
        self.linear = linear
        self.favorite = favorite
        self.specHash = DesiredSession.hash(
            agent: agent, model: model, env: env, worktreePath: worktreePath,
            extra: DesiredSession.lifecycleHashParts(setup: setup, effort: effort, context: context, linear: linear))
    }

    /// A stable hash of the setup commands, nil when there is no setup. Recorded with the setup's exit
    /// status in the worktree (`SetupStamp`), so a changed setup text runs again and an unchanged one never.
    public var setupHash: String? {
        setup.isEmpty ? nil : StableHash.fnv1a64(setup.joined(separator: "\u{0}"))
    }

    /// Whether csm writes a context section into the worktree's CLAUDE.md.
    public var hasContext: Bool { !(context ?? "").isEmpty || !(linear ?? "").isEmpty }

    /// The hash parts of the lifecycle fields. Empty when none is set, so sessions that use none of them
    /// keep the spec hash they had before these fields existed (no restart after an upgrade).
    static func lifecycleHashParts(setup: [String], effort: Effort?, context: String?, linear: String?) -> [String] {
        var parts: [String] = []
        if !setup.isEmpty { parts.append("setup=" + StableHash.fnv1a64(setup.joined(separator: "\u{0}"))) }
        if let effort { parts.append("effort=" + effort.rawValue) }
        if let context, !context.isEmpty { parts.append("context=" + context) }
        if let linear, !linear.isEmpty { parts.append("linear=" + linear) }
        return parts
    }

    /// The tmux session name (`csm-<name>`).
    public var tmuxName: String { CSMName.tmuxSessionName(for: name) }

    /// A stable hash of what the running agent was started with. Sorted keys keep it independent of
    /// dictionary order; FNV-1a is enough because this detects change, it does not authenticate.
    static func hash(
        agent: AgentSpec, model: String?, env: [String: String], worktreePath: String, extra: [String] = []
    ) -> String {
        var parts: [String] = ["cmd=" + agent.command]
        parts += agent.args.map { "arg=" + $0 }
        parts += agent.env.sorted { $0.key < $1.key }.map { "aenv=\($0.key)=\($0.value)" }
        parts += env.sorted { $0.key < $1.key }.map { "env=\($0.key)=\($0.value)" }
        parts.append("model=" + (model ?? ""))
        // Only a non-default mode joins the hash, so sessions applied before the setting existed keep theirs.
        if agent.permissionMode != .default { parts.append("permissionMode=" + agent.permissionMode.rawValue) }
        parts.append("path=" + worktreePath)
        parts += extra
        return StableHash.fnv1a64(parts.joined(separator: "\u{0}"))
    }
}

/// Small deterministic hashes (Swift's `Hasher` is seeded per process, so it cannot be stored).
public enum StableHash {
    /// 64-bit FNV-1a of the UTF-8 bytes, as 16 lowercase hex digits.
    public static func fnv1a64(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension Workspace {
    /// The worktree base folder for sessions on `host`.
    public func worktreeBase(forHost host: String) -> String {
        hosts[host]?.worktreeBase ?? defaults.worktreeBase
    }

    /// Every declared session with defaults applied, sorted by name.
    ///
    /// Assumes a validated workspace (every referenced repo exists); a session naming an unknown repo
    /// is skipped rather than guessed at.
    public func resolvedSessions() -> [DesiredSession] {
        sessions.values.sorted { $0.name < $1.name }.compactMap(resolve)
    }

    /// The declared session `name` with defaults applied (one session resolved, not all of them); nil
    /// when it is not declared or names an unknown repo.
    public func resolvedSession(named name: String) -> DesiredSession? {
        sessions[name].flatMap(resolve)
    }

    private func resolve(_ spec: SessionSpec) -> DesiredSession? {
        guard let repo = repos[spec.repo] else { return nil }
        let host = spec.host ?? repo.host ?? defaults.host
        let base = worktreeBase(forHost: host)
        let agent = spec.agent?.applied(to: defaults.agent) ?? defaults.agent
        return DesiredSession(
            name: spec.name, workspace: name, host: host, repo: repo.name, repoPath: repo.path,
            worktreePath: Paths.join(base, name, spec.name),
            branch: spec.branch ?? defaults.branchPrefix + spec.name,
            base: spec.base ?? repo.baseBranch, agent: agent, model: spec.model, prompt: spec.prompt,
            env: repo.env.merging(spec.env) { _, session in session }, linear: spec.linear,
            favorite: spec.favorite || favorites.contains(spec.name), setup: spec.setup ?? repo.setup,
            copy: spec.copy ?? repo.copy, scripts: repo.scripts.merging(spec.scripts) { _, session in session },
            effort: spec.effort, context: spec.context
        )
    }
}

/// Path helpers that need no file system.
public enum Paths {
    /// Joins path components with single slashes.
    public static func join(_ first: String, _ rest: String...) -> String {
        var out = first
        for part in rest {
            if out.hasSuffix("/") { out.removeLast() }
            out += "/" + (part.hasPrefix("/") ? String(part.dropFirst()) : part)
        }
        return out
    }
}
