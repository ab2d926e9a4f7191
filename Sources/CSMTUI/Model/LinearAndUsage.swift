import CSMIntegrations
import Foundation

/// A Linear issue as the Tasks tab and the create form show it.
public struct TaskIssue: Sendable, Equatable {
    /// Linear's id (a UUID), used to change the state.
    public var id: String
    /// The key people use (`ENG-42`).
    public var identifier: String
    public var title: String
    /// The workflow state's name (`In Progress`).
    public var state: String
    /// The workflow state's type: `triage | backlog | unstarted | started | completed | canceled`.
    public var stateType: String
    public var url: String?
    /// The description (Markdown), when loaded.
    public var description: String?
    /// Linear's branch name suggestion.
    public var branchName: String?

    public init(
        id: String, identifier: String, title: String, state: String, stateType: String, url: String? = nil,
        description: String? = nil, branchName: String? = nil
    ) {
        self.id = id
        self.identifier = identifier
        self.title = title
        self.state = state
        self.stateType = stateType
        self.url = url
        self.description = description
        self.branchName = branchName
    }

    /// A session name derived from the issue as `csm create --linear` derives it: key and title lowercased,
    /// other runs of characters one `-`, cut at a word boundary within 64 characters (`eng-42-fix-the-login`).
    public var sessionName: String { IssueNaming.sessionName(identifier: identifier, title: title) }
}

/// A workflow state an issue can be moved to (`s` on the Tasks tab).
public struct TaskIssueState: Sendable, Equatable {
    public var id: String
    public var name: String
    public var type: String

    public init(id: String, name: String, type: String) {
        self.id = id
        self.name = name
        self.type = type
    }
}

/// What the Linear side of the data source reports.
public enum LinearEvent: Sendable, Equatable {
    /// csm.yaml has no Linear key (or no server offers Linear).
    case unavailable(String)
    /// My issues.
    case issues([TaskIssue])
    /// One issue with its description.
    case detail(TaskIssue)
    /// The states `s` offers for an issue.
    case states(issue: String, [TaskIssueState])
    /// Issues matching what the create form's search typed.
    case search(query: String, [TaskIssue])
    /// Reading Linear failed; the message says why.
    case failed(String)
}

/// The Tasks tab's filter (`f` cycles through them).
public enum TaskFilter: Int, Sendable, Equatable, CaseIterable {
    case all, inProgress, todo, backlog, done, canceled

    public var title: String {
        switch self {
        case .all: "all"
        case .inProgress: "in progress"
        case .todo: "todo"
        case .backlog: "backlog"
        case .done: "done"
        case .canceled: "canceled"
        }
    }

    /// Whether an issue of that state type passes the filter.
    public func admits(_ stateType: String) -> Bool {
        switch self {
        case .all: true
        case .inProgress: stateType == "started"
        case .todo: stateType == "unstarted"
        case .backlog: stateType == "backlog" || stateType == "triage"
        case .done: stateType == "completed"
        case .canceled: stateType == "canceled"
        }
    }
}

/// The Tasks tab's state: the issues, the filter, the search, the selection.
public struct TasksState: Sendable, Equatable {
    /// nil until the first answer.
    public var issues: [TaskIssue]?
    /// Why there are no issues (not configured, a failure).
    public var message: String?
    public var filter: TaskFilter = .all
    /// The `/` search (identifier or title, case-insensitive).
    public var search = ""
    public var isSearching = false
    public var selected: String?
    /// The issue whose detail is open, with its description once loaded.
    public var detail: TaskIssue?
    /// The state picker of `s`: the states and the highlighted one.
    public var statePicker: StatePicker?
    public var scroll = 0

    public init() {}

    /// `s`: the states an issue can move to, one highlighted.
    public struct StatePicker: Sendable, Equatable {
        public var issue: TaskIssue
        public var states: [TaskIssueState]
        public var index: Int
    }

    /// The order states are grouped in.
    static let groupOrder = ["started", "unstarted", "backlog", "triage", "completed", "canceled"]

    /// The issues shown, grouped by state type (in progress first), then by key.
    public var visible: [TaskIssue] {
        let needle = search.lowercased()
        return (issues ?? []).filter {
            filter.admits($0.stateType)
                && (needle.isEmpty || $0.identifier.lowercased().contains(needle)
                    || $0.title.lowercased().contains(needle))
        }.sorted { a, b in
            let ga = Self.groupOrder.firstIndex(of: a.stateType) ?? 99
            let gb = Self.groupOrder.firstIndex(of: b.stateType) ?? 99
            if ga != gb { return ga < gb }
            if a.state != b.state { return a.state < b.state }
            return a.identifier.localizedStandardCompare(b.identifier) == .orderedAscending
        }
    }

    public var selectedIssue: TaskIssue? {
        let visible = visible
        return visible.first { $0.identifier == selected } ?? visible.first
    }
}

/// One usage window of the footer's bars.
public struct UsageBar: Sendable, Equatable {
    /// `5h`, `week`, `opus` …
    public var label: String
    /// Used share of the window, 0…1.
    public var utilization: Double
    /// When the window resets.
    public var resetsAt: Date?
    /// The window's length in seconds (for the pace marker).
    public var length: Double?
    /// The share of the window elapsed when the report was read, as the server computed it.
    public var elapsed: Double?

    public init(
        label: String, utilization: Double, resetsAt: Date? = nil, length: Double? = nil, elapsed: Double? = nil
    ) {
        self.label = label
        self.utilization = utilization
        self.resetsAt = resetsAt
        self.length = length
        self.elapsed = elapsed
    }

    /// Where even use would be now (0…1): the share of the window already elapsed.
    public func pace(at now: Date) -> Double? {
        guard let resetsAt, let length, length > 0 else { return elapsed.map { min(1, max(0, $0)) } }
        return min(1, max(0, 1 - resetsAt.timeIntervalSince(now) / length))
    }
}

/// Claude usage: the 5-hour session window, the weekly one and per-model weekly windows.
public struct UsageBars: Sendable, Equatable {
    public var windows: [UsageBar]
    /// When the report was read (the pace is drawn against it, keeping rendering pure).
    public var fetchedAt: Date

    public init(windows: [UsageBar], fetchedAt: Date) {
        self.windows = windows
        self.fetchedAt = fetchedAt
    }
}
