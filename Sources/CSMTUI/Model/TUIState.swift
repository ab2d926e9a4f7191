import CSMModel
import Foundation

/// The tabs, in the order Tab cycles through them.
public enum Tab: Int, Sendable, Equatable, CaseIterable {
    case sessions, repos, hosts, tasks, config

    /// The name in the tab bar.
    public var title: String {
        switch self {
        case .sessions: "Sessions"
        case .repos: "Repos"
        case .hosts: "Hosts"
        case .tasks: "Tasks"
        case .config: "Config"
        }
    }
}

/// Which tmux window an attach opens.
public enum AttachWindow: String, Sendable, Equatable {
    case agent = "claude"
    case terminal
}

/// The create form (`c`): fields edited in place, repo chosen among the declared ones.
public struct CreateForm: Sendable, Equatable {
    /// The form fields, in the order Tab visits them.
    public enum Field: Int, Sendable, Equatable, CaseIterable {
        case linear, name, repo, host, branch, effort, prompt

        /// The label shown before the field.
        public var label: String {
            switch self {
            case .linear: "Issue"
            case .name: "Name"
            case .repo: "Repo"
            case .host: "Host"
            case .branch: "Branch"
            case .effort: "Effort"
            case .prompt: "Prompt"
            }
        }
    }

    /// The effort levels ←/→ cycles through ("" is Claude Code's default).
    public static let efforts = ["", "low", "medium", "high", "xhigh", "max"]

    /// The Linear issue search typed in the Issue field (only offered when Linear is available).
    public var linearQuery = ""
    /// The chosen issue's key.
    public var linear: String?
    /// What the search found; ↑/↓ pick, Enter takes one.
    public var linearResults: [TaskIssue] = []
    public var linearIndex = 0
    /// Whether the Issue field is shown (Linear answers through the server).
    public var offersLinear = false
    /// The declared hosts; `hostIndex` picks one (nil: the repo's or default host).
    public var hosts: [String] = []
    public var hostIndex: Int?
    public var effortIndex = 0

    /// The fields shown, in Tab order.
    public var fields: [Field] { Field.allCases.filter { $0 != .linear || offersLinear } }
    /// The chosen host, nil for the repo's or default one.
    public var host: String? { hostIndex.flatMap { hosts.indices.contains($0) ? hosts[$0] : nil } }
    public var effort: String? { Self.efforts[effortIndex].isEmpty ? nil : Self.efforts[effortIndex] }

    /// The session name being typed.
    public var name = ""
    /// The declared repos, sorted; `repoIndex` picks one.
    public var repos: [String]
    /// The chosen repo (←/→ on the Repo field).
    public var repoIndex = 0
    /// The branch; empty means the default (branch prefix + name).
    public var branch = ""
    /// The first prompt; empty means none.
    public var prompt = ""
    /// The field keys go to.
    public var focus: Field = .name
    /// Why the last submit was refused, shown under the form.
    public var error: String?

    public init(repos: [String], preferredRepo: String? = nil) {
        self.repos = repos
        repoIndex = preferredRepo.flatMap { repos.firstIndex(of: $0) } ?? 0
    }

    /// The chosen repo name.
    public var repo: String? { repos.indices.contains(repoIndex) ? repos[repoIndex] : nil }

    /// The text of an editable field.
    public subscript(field: Field) -> String {
        get {
            switch field {
            case .linear: linearQuery
            case .name: name
            case .repo: repo ?? ""
            case .host: host ?? ""
            case .branch: branch
            case .effort: effort ?? ""
            case .prompt: prompt
            }
        }
        set {
            switch field {
            case .linear: linearQuery = newValue
            case .name: name = newValue
            case .branch: branch = newValue
            case .prompt: prompt = newValue
            case .repo, .host, .effort: break
            }
        }
    }
}

/// What `c` asks the runner to create.
public struct CreateRequest: Sendable, Equatable {
    /// The new session's name.
    public var name: String
    /// The declared repo it branches from.
    public var repo: String
    /// The branch; nil means the default (branch prefix + name).
    public var branch: String?
    /// The first prompt, if any.
    public var prompt: String?
    /// The host, nil for the repo's or the default one.
    public var host: String?
    /// The Linear issue key.
    public var linear: String?
    /// Claude Code's `--effort`.
    public var effort: String?

    public init(
        name: String, repo: String, branch: String? = nil, prompt: String? = nil, host: String? = nil,
        linear: String? = nil, effort: String? = nil
    ) {
        self.name = name
        self.repo = repo
        self.branch = branch
        self.prompt = prompt
        self.host = host
        self.linear = linear
        self.effort = effort
    }
}

/// What occupies the screen besides the tab's list.
public enum Mode: Sendable, Equatable {
    case list
    case detail(session: String)
    case plan(scroll: Int)
    case help
    case create(CreateForm)
    /// Typing the `/` filter.
    case filter
    /// The `p` panel (last message, git changes, a diff).
    case preview(Preview)
    /// `i`: typing a message to a session.
    case message(MessageDraft)
    /// `e`: rename, Linear issue, favorite.
    case edit(EditForm)
    /// `x`: pick one of the session's scripts.
    case scripts(ScriptPicker)
    /// `m`: merge options and the message.
    case merge(MergeForm)
}

/// A question on the status line that `y` answers.
public enum Confirmation: Sendable, Equatable {
    case kill(session: String)
    case apply(destroys: [String])
    /// After a merge: archive the session now?
    case archive(session: String)
}

/// A one-line message on the status line.
public struct StatusMessage: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case info, success, warning, error }
    /// How the message is coloured.
    public var kind: Kind
    /// One line; cut or wrapped by the view.
    public var text: String

    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }
}

/// The whole screen state. Changed only by `Reducer.reduce`, drawn only by `Screen.render`.
public struct TUIState: Sendable, Equatable {
    /// The terminal size the frame is drawn for.
    public var size: TerminalSize
    /// The tab shown in list mode.
    public var tab: Tab = .sessions
    /// What the body shows.
    public var mode: Mode = .list
    /// A pending `[y/N]` question; the next key answers it.
    public var confirmation: Confirmation?
    /// The last observation; nil until the first arrives.
    public var snapshot: WorkspaceSnapshot?
    /// The selected session's name, kept across refreshes and attaches.
    public var selected: String?
    /// A session being created: selected as soon as an observation shows it.
    public var pendingSelection: String?
    /// The `/` filter (case-insensitive substring of name, repo, branch).
    public var filter = ""
    /// How far the Repos, Hosts and Config tabs are scrolled (reset when the tab changes).
    public var scroll = 0
    /// The message on the status line, cleared by the next key.
    public var status: StatusMessage?
    /// The last observation error, shown until the next success.
    public var dataError: String?
    /// Where the data comes from, shown in the header.
    public var connection = "connecting…"
    /// Events of the session in the detail view.
    public var events: [String: [SessionEvent]] = [:]
    /// Tool requests waiting for a person (only a server reports them).
    public var approvals: [PendingApproval] = []
    /// The last probe of each remote host.
    public var hostChecks: [String: HostCheck] = [:]
    /// An effect that takes time (apply, kill, create) is running; its progress line.
    public var busy: String?
    /// Set when the reducer asked to quit.
    public var isQuitting = false
    /// Where the workspace was read from (absent for legacy configuration).
    public var configPath: String?
    /// The zone times are shown in (the user's; tests fix it).
    public var timeZone: TimeZone = .current
    /// The `csm server` feeding the dashboard (`127.0.0.1:3917`); nil when it observes on its own. The
    /// keys that need a server (approvals, messages) say so when it is nil.
    public var server: String?
    /// The agent's recent text per session (the server streams the transcript's assistant records).
    public var assistantText: [String: [String]] = [:]
    /// Claude usage for the footer, when available.
    public var usage: UsageBars?
    /// The Tasks tab.
    public var tasks = TasksState()
    /// The session whose detail a form (`i`, `e`, `x`, `m`) was opened from; Esc and Enter go back to it.
    public var returnToDetail: String?
    /// How many events a session keeps in memory for the detail view.
    public static let eventLimit = 200

    public init(size: TerminalSize, configPath: String? = nil) {
        self.size = size
        self.configPath = configPath
    }

    /// The sessions the Sessions tab lists, in display order (grouped by repo, favorites first within a
    /// group, then by name) after the filter.
    public var visibleSessions: [SessionItem] {
        guard let snapshot else { return [] }
        let needle = filter.lowercased()
        let matching = snapshot.sessions.filter { item in
            needle.isEmpty || item.name.lowercased().contains(needle) || (item.repo ?? "").lowercased().contains(needle)
                || (item.row.branch ?? "").lowercased().contains(needle)
        }
        return matching.sorted { a, b in
            let ga = Self.groupKey(a), gb = Self.groupKey(b)
            if ga != gb { return ga < gb }
            if a.isFavorite != b.isFavorite { return a.isFavorite }
            return a.name < b.name
        }
    }

    /// Repos sort alphabetically; sessions without a declared repo come last.
    static func groupKey(_ item: SessionItem) -> String { item.repo.map { "0" + $0 } ?? "1" }

    /// The selected session among the visible ones (the first when the selection is gone).
    public var selectedSession: SessionItem? {
        let visible = visibleSessions
        return visible.first { $0.name == selected } ?? visible.first
    }
}

extension TUIState {
    /// Whether Linear can answer: csm.yaml has a key and a server (which talks to Linear) feeds the dashboard.
    public var offersLinear: Bool {
        server != nil && snapshot?.workspace.integrations.linearAPIKey != nil && tasks.message == nil
    }
}
