/// The desired state as declared in `csm.yaml` (schema version 1), after parsing and validation.
///
/// Paths are already absolute (`~` expanded, relative paths resolved against the file's folder) and
/// `${VAR}` references are already substituted. Defaults are *not* folded into sessions here; see
/// `Workspace.resolvedSessions()` for the effective per-session values.
public struct Workspace: Sendable, Equatable, Codable {
    /// The schema version; only 1 exists.
    public var version: Int
    /// The name that tags everything this workspace owns (tmux options, worktree folder, markers).
    public var name: String
    public var defaults: Defaults
    /// Declared hosts by name. `local` is always present (implicit when not declared).
    public var hosts: [String: HostSpec]
    public var repos: [String: RepoSpec]
    public var sessions: [String: SessionSpec]
    public var favorites: [String]
    public var rules: [ToolRule]
    public var server: ServerSettings
    public var integrations: Integrations
    /// The file this workspace was read from, if any (absent for in-memory or legacy workspaces).
    public var sourcePath: String?

    public init(
        version: Int = 1, name: String, defaults: Defaults = Defaults(), hosts: [String: HostSpec] = [:],
        repos: [String: RepoSpec] = [:], sessions: [String: SessionSpec] = [:], favorites: [String] = [],
        rules: [ToolRule] = [], server: ServerSettings = ServerSettings(), integrations: Integrations = Integrations(),
        sourcePath: String? = nil
    ) {
        self.version = version
        self.name = name
        self.defaults = defaults
        var hosts = hosts
        if hosts[HostSpec.localName] == nil { hosts[HostSpec.localName] = HostSpec(name: HostSpec.localName) }
        self.hosts = hosts
        self.repos = repos
        self.sessions = sessions
        self.favorites = favorites
        self.rules = rules
        self.server = server
        self.integrations = integrations
        self.sourcePath = sourcePath
    }
}

/// Workspace-wide defaults (`defaults:`).
public struct Defaults: Sendable, Equatable, Codable {
    /// Folder under which `<workspace>/<session>` worktrees are created.
    public var worktreeBase: String
    /// Prefix of the branch csm creates for a session (`csm/` gives `csm/<session>`).
    public var branchPrefix: String
    /// Host used by repos and sessions that name none.
    public var host: String
    public var agent: AgentSpec

    /// The built-in worktree base when neither the file nor the host sets one.
    public static let defaultWorktreeBase = "~/.local/share/csm/worktrees"

    public init(
        worktreeBase: String = Defaults.defaultWorktreeBase, branchPrefix: String = "csm/",
        host: String = HostSpec.localName, agent: AgentSpec = AgentSpec()
    ) {
        self.worktreeBase = worktreeBase
        self.branchPrefix = branchPrefix
        self.host = host
        self.agent = agent
    }
}

/// How the agent is launched (`agent:` in defaults or a session).
public struct AgentSpec: Sendable, Equatable, Codable {
    /// The program, looked up on `PATH` when it has no slash. Default `claude`.
    public var command: String
    /// Extra arguments appended after csm's own (`--session-id`, `--settings`, `--model`).
    public var args: [String]
    /// Environment variables for the agent process.
    public var env: [String: String]
    /// Passed as `--permission-mode`.
    public var permissionMode: PermissionMode

    public init(command: String = "claude", args: [String] = [], env: [String: String] = [:], permissionMode: PermissionMode = .default) {
        self.command = command
        self.args = args
        self.env = env
        self.permissionMode = permissionMode
    }
}

/// A partial agent override in a session: only the fields written in the file replace the defaults.
public struct AgentOverride: Sendable, Equatable, Codable {
    public var command: String?
    public var args: [String]?
    /// Merged over the default agent env (session keys win).
    public var env: [String: String]?
    public var permissionMode: PermissionMode?

    public init(command: String? = nil, args: [String]? = nil, env: [String: String]? = nil, permissionMode: PermissionMode? = nil) {
        self.command = command
        self.args = args
        self.env = env
        self.permissionMode = permissionMode
    }

    /// The effective agent: this override applied on top of `base`.
    public func applied(to base: AgentSpec) -> AgentSpec {
        AgentSpec(
            command: command ?? base.command,
            args: args ?? base.args,
            env: base.env.merging(env ?? [:]) { _, new in new },
            permissionMode: permissionMode ?? base.permissionMode
        )
    }
}

/// A machine that runs sessions (`hosts:`). `local` is this machine.
public struct HostSpec: Sendable, Equatable, Codable {
    /// The name of the implicit host that means "this machine".
    public static let localName = "local"

    public var name: String
    /// `user@host` (or an ssh config alias) for remote hosts; nil for `local`.
    public var ssh: String?
    public var port: Int?
    public var identityFile: String?
    /// Overrides `defaults.worktreeBase` for sessions on this host.
    public var worktreeBase: String?

    public init(name: String, ssh: String? = nil, port: Int? = nil, identityFile: String? = nil, worktreeBase: String? = nil) {
        self.name = name
        self.ssh = ssh
        self.port = port
        self.identityFile = identityFile
        self.worktreeBase = worktreeBase
    }

    /// Whether sessions on this host run on this machine.
    public var isLocal: Bool { ssh == nil }
}

/// A source repository sessions branch from (`repos:`).
public struct RepoSpec: Sendable, Equatable, Codable {
    public var name: String
    /// Absolute path of the repository on its host.
    public var path: String
    /// The host the repository lives on; nil means `defaults.host`.
    public var host: String?
    /// The branch new session branches start from; nil means the repository's HEAD.
    public var baseBranch: String?
    /// Shell commands run once in a new worktree before the agent starts (`setup:`), in order.
    public var setup: [String]
    /// Globs of untracked files copied from the source checkout into a new worktree (`copy:`).
    public var copy: [String]
    /// Variables for the agent and the terminal window of every session of this repo (`env:`).
    public var env: [String: String]
    /// Named commands `csm run SESSION NAME` types into the session's terminal window (`scripts:`).
    public var scripts: [String: String]

    public init(
        name: String, path: String, host: String? = nil, baseBranch: String? = nil, setup: [String] = [],
        copy: [String] = [], env: [String: String] = [:], scripts: [String: String] = [:]
    ) {
        self.name = name
        self.path = path
        self.host = host
        self.baseBranch = baseBranch
        self.setup = setup
        self.copy = copy
        self.env = env
        self.scripts = scripts
    }
}

/// How hard Claude Code thinks (`effort:`, passed as `--effort`).
public enum Effort: String, Sendable, Equatable, Codable, CaseIterable {
    case low, medium, high, xhigh, max
}

/// One declared session (`sessions:`).
public struct SessionSpec: Sendable, Equatable, Codable {
    public var name: String
    /// The repo (a key of `repos:`).
    public var repo: String
    /// The host; nil means the repo's host, then `defaults.host`.
    public var host: String?
    /// The branch; nil means `defaults.branchPrefix + name`.
    public var branch: String?
    /// The commit-ish a new branch starts from; nil means the repo's `baseBranch`, then its HEAD.
    public var base: String?
    /// The first prompt, given to the agent when the session is created.
    public var prompt: String?
    public var model: String?
    public var agent: AgentOverride?
    /// Variables for the agent and the terminal window.
    public var env: [String: String]
    /// A Linear issue key such as `ENG-123`.
    public var linear: String?
    public var favorite: Bool
    /// Replaces the repo's `setup` for this session when set (an empty list means no setup).
    public var setup: [String]?
    /// Replaces the repo's `copy` for this session when set.
    public var copy: [String]?
    /// Merged over the repo's `scripts` (session names win).
    public var scripts: [String: String]
    /// Claude Code's `--effort`.
    public var effort: Effort?
    /// Free text written into the worktree's CLAUDE.md section for the agent.
    public var context: String?

    public init(
        name: String, repo: String, host: String? = nil, branch: String? = nil, base: String? = nil,
        prompt: String? = nil, model: String? = nil, agent: AgentOverride? = nil, env: [String: String] = [:],
        linear: String? = nil, favorite: Bool = false, setup: [String]? = nil, copy: [String]? = nil,
        scripts: [String: String] = [:], effort: Effort? = nil, context: String? = nil
    ) {
        self.setup = setup
        self.copy = copy
        self.scripts = scripts
        self.effort = effort
        self.context = context
        self.name = name
        self.repo = repo
        self.host = host
        self.branch = branch
        self.base = base
        self.prompt = prompt
        self.model = model
        self.agent = agent
        self.env = env
        self.linear = linear
        self.favorite = favorite
    }
}

/// What a tool-approval rule decides.
public enum RuleAction: String, Sendable, Equatable, Codable, CaseIterable {
    case allow, deny, ask
}

/// One tool-approval rule (`rules:`); the first rule that matches a tool request decides it.
public struct ToolRule: Sendable, Equatable, Codable {
    /// A tool name (`Bash`, `Read`, `mcp__server__tool`) or `*`.
    public var tool: String
    /// A glob matched against the tool's primary input; nil matches any input.
    public var pattern: String?
    public var action: RuleAction

    public init(tool: String, pattern: String? = nil, action: RuleAction) {
        self.tool = tool
        self.pattern = pattern
        self.action = action
    }
}

/// `server:` settings.
public struct ServerSettings: Sendable, Equatable, Codable {
    /// `HOST:PORT` the server binds.
    public var listen: String
    /// Seconds between reconcile passes.
    public var reconcileInterval: Double
    /// Whether the server's reconciler may destroy undeclared sessions.
    public var prune: Bool
    /// Seconds a hook waits for a person to decide a tool request before answering `ask`.
    public var approvalTimeout: Double

    public init(listen: String = "127.0.0.1:3000", reconcileInterval: Double = 15, prune: Bool = false, approvalTimeout: Double = 120) {
        self.listen = listen
        self.reconcileInterval = reconcileInterval
        self.prune = prune
        self.approvalTimeout = approvalTimeout
    }
}

/// `integrations:` settings (docs/integrations.md).
public struct Integrations: Sendable, Equatable, Codable {
    /// `integrations.linear.apiKey` (or the original tool's `linearApiKey`).
    public var linearAPIKey: String?
    /// `integrations.linear.endpoint`; nil is Linear's own.
    public var linearEndpoint: String?
    /// Seconds Linear reads are cached (`integrations.linear.cacheTTL`); nil is the default (60).
    public var linearCacheTTL: Double?
    /// `integrations.linear.promptTemplate`: the initial prompt of a session created from an issue.
    public var linearPromptTemplate: String?
    /// `integrations.claude.baseURL` of the OAuth usage endpoint; nil is Anthropic's.
    public var claudeBaseURL: String?
    /// `integrations.claude.credentialsFile`; nil is Claude Code's (`~/.claude/.credentials.json`).
    public var claudeCredentialsFile: String?
    /// Seconds the subscription usage is cached (`integrations.claude.cacheTTL`); nil is the default (30).
    public var claudeCacheTTL: Double?
    /// `integrations.prices`: per model family, replacing or adding to the built-in price table.
    public var prices: [String: TokenPrices]

    public init(
        linearAPIKey: String? = nil, linearEndpoint: String? = nil, linearCacheTTL: Double? = nil,
        linearPromptTemplate: String? = nil, claudeBaseURL: String? = nil, claudeCredentialsFile: String? = nil,
        claudeCacheTTL: Double? = nil, prices: [String: TokenPrices] = [:]
    ) {
        self.linearAPIKey = linearAPIKey
        self.linearEndpoint = linearEndpoint
        self.linearCacheTTL = linearCacheTTL
        self.linearPromptTemplate = linearPromptTemplate
        self.claudeBaseURL = claudeBaseURL
        self.claudeCredentialsFile = claudeCredentialsFile
        self.claudeCacheTTL = claudeCacheTTL
        self.prices = prices
    }

    /// Whether a Linear API key is set.
    public var hasLinear: Bool { !(linearAPIKey ?? "").isEmpty }
}

/// Dollars per million tokens of one model family, as written in `integrations.prices`.
public struct TokenPrices: Sendable, Equatable, Codable {
    public var input: Double
    public var output: Double
    public var cacheWrite: Double
    public var cacheRead: Double

    public init(input: Double, output: Double, cacheWrite: Double, cacheRead: Double) {
        self.input = input
        self.output = output
        self.cacheWrite = cacheWrite
        self.cacheRead = cacheRead
    }
}
