import CSMModel
import Foundation

/// A workflow state as an issue carries it.
public struct LinearStateRef: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// `triage`, `backlog`, `unstarted`, `started`, `completed` or `canceled`.
    public var type: String
    @NullIfAbsent public var color: String?

    public init(id: String, name: String, type: String, color: String? = nil) {
        self.id = id
        self.name = name
        self.type = type
        self.color = color
    }

    /// The order states are shown in: work in progress first, finished last.
    public static let typeOrder = ["started", "unstarted", "triage", "backlog", "completed", "canceled"]
    /// The order of a team's workflow (Linear's board order).
    public static let workflowOrder = ["triage", "backlog", "unstarted", "started", "completed", "canceled"]
}

/// A team, with its labels when read for the create form.
public struct LinearTeam: Sendable, Equatable, Codable {
    public var id: String
    public var key: String
    public var name: String
    public var labels: [LinearLabel]?

    public init(id: String, key: String, name: String, labels: [LinearLabel]? = nil) {
        self.id = id
        self.key = key
        self.name = name
        self.labels = labels
    }
}

/// A person in Linear.
public struct LinearUser: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    @NullIfAbsent public var displayName: String?
    @NullIfAbsent public var avatarUrl: String?

    enum CodingKeys: String, CodingKey { case id, name, displayName, avatarUrl }

    public init(id: String, name: String, displayName: String? = nil, avatarUrl: String? = nil) {
        self.id = id
        self.name = name
        self.displayName = displayName
        self.avatarUrl = avatarUrl
    }
}

/// An issue label.
public struct LinearLabel: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    @NullIfAbsent public var color: String?

    public init(id: String, name: String, color: String? = nil) {
        self.id = id
        self.name = name
        self.color = color
    }
}

/// One issue, in the shape every Linear route of the API answers with (docs/integrations.md).
public struct LinearIssue: Sendable, Equatable, Codable {
    public var id: String
    /// `ENG-123`.
    public var identifier: String
    public var title: String
    public var url: String
    /// Markdown.
    public var description: String?
    /// 0 none, 1 urgent, 2 high, 3 medium, 4 low.
    public var priority: Int
    public var priorityLabel: String
    public var state: LinearStateRef?
    public var team: LinearTeam?
    public var assignee: LinearUser?
    public var labels: [LinearLabel]
    public var createdAt: String?
    public var updatedAt: String?

    public init(
        id: String, identifier: String, title: String, url: String, description: String? = nil, priority: Int = 0,
        priorityLabel: String? = nil, state: LinearStateRef? = nil, team: LinearTeam? = nil,
        assignee: LinearUser? = nil, labels: [LinearLabel] = [], createdAt: String? = nil, updatedAt: String? = nil
    ) {
        self.id = id
        self.identifier = identifier
        self.title = title
        self.url = url
        self.description = description
        self.priority = priority
        self.priorityLabel = priorityLabel ?? Self.label(forPriority: priority)
        self.state = state
        self.team = team
        self.assignee = assignee
        self.labels = labels
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Linear's names for priorities.
    public static func label(forPriority priority: Int) -> String {
        switch priority {
        case 1: "Urgent"
        case 2: "High"
        case 3: "Medium"
        case 4: "Low"
        default: "No priority"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, identifier, title, url, description, priority, priorityLabel, state, team, assignee, labels
        case createdAt, updatedAt
    }

    // Absent values are written as null, never left out, so clients can rely on every key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(identifier, forKey: .identifier)
        try container.encode(title, forKey: .title)
        try container.encode(url, forKey: .url)
        try container.encode(description, forKey: .description)
        try container.encode(priority, forKey: .priority)
        try container.encode(priorityLabel, forKey: .priorityLabel)
        try container.encode(state, forKey: .state)
        try container.encode(team.map { LinearTeam(id: $0.id, key: $0.key, name: $0.name) }, forKey: .team)
        try container.encode(assignee.map(PersonBody.init), forKey: .assignee)
        try container.encode(labels, forKey: .labels)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            identifier: try container.decode(String.self, forKey: .identifier),
            title: try container.decode(String.self, forKey: .title),
            url: try container.decodeIfPresent(String.self, forKey: .url) ?? "",
            description: try container.decodeIfPresent(String.self, forKey: .description),
            priority: Int(try container.decodeIfPresent(Double.self, forKey: .priority) ?? 0),
            priorityLabel: try container.decodeIfPresent(String.self, forKey: .priorityLabel),
            state: try container.decodeIfPresent(LinearStateRef.self, forKey: .state),
            team: try container.decodeIfPresent(LinearTeam.self, forKey: .team),
            assignee: try container.decodeIfPresent(LinearUser.self, forKey: .assignee),
            labels: try container.decodeIfPresent(LinearLabel.Connection.self, forKey: .labels)?.nodes ?? [],
            createdAt: try container.decodeIfPresent(String.self, forKey: .createdAt),
            updatedAt: try container.decodeIfPresent(String.self, forKey: .updatedAt))
    }
}

/// `{id, name, displayName}`: a person as an issue shows it.
struct PersonBody: Encodable {
    var id: String
    var name: String
    @NullIfAbsent var displayName: String?

    init(_ user: LinearUser) {
        id = user.id
        name = user.name
        displayName = user.displayName
    }
}

extension LinearLabel {
    /// GraphQL's `{nodes: [...]}` wrapper, which also accepts a plain array (the API's own JSON).
    struct Connection: Decodable {
        var nodes: [LinearLabel]

        init(from decoder: any Decoder) throws {
            if let array = try? decoder.singleValueContainer().decode([LinearLabel].self) {
                nodes = array
            } else {
                nodes = try decoder.container(keyedBy: Key.self).decode([LinearLabel].self, forKey: .nodes)
            }
        }
        enum Key: String, CodingKey { case nodes }
    }
}

/// A comment on an issue.
public struct LinearComment: Sendable, Equatable, Codable {
    public var id: String
    /// Markdown.
    public var body: String
    public var createdAt: String
    public var updatedAt: String?
    public var user: LinearUser?

    public init(id: String, body: String, createdAt: String, updatedAt: String? = nil, user: LinearUser? = nil) {
        self.id = id
        self.body = body
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.user = user
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(body, forKey: .body)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt ?? createdAt, forKey: .updatedAt)
        try container.encode(user, forKey: .user)
    }
}

/// A workflow state of a team.
public struct LinearState: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var type: String
    public var color: String?
    public var position: Double
    public var team: LinearTeam?

    public init(
        id: String, name: String, type: String, color: String? = nil, position: Double = 0, team: LinearTeam? = nil
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.color = color
        self.position = position
        self.team = team
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(type, forKey: .type)
        try container.encode(color, forKey: .color)
        try container.encode(position, forKey: .position)
        try container.encode(team.map { LinearTeam(id: $0.id, key: $0.key, name: $0.name) }, forKey: .team)
    }

    /// Sorted as a team's board: by team, then workflow type, then position.
    public static func sorted(_ states: [LinearState]) -> [LinearState] {
        func rank(_ type: String) -> Int { LinearStateRef.workflowOrder.firstIndex(of: type) ?? 99 }
        return states.sorted {
            ($0.team?.key ?? "", rank($0.type), $0.position, $0.name) < (
                $1.team?.key ?? "", rank($1.type), $1.position, $1.name
            )
        }
    }
}

/// Which issues to list.
public struct IssueQuery: Sendable, Equatable, Hashable {
    /// Full-text search; nil lists the issues assigned to me.
    public var text: String?
    /// A state type, or `open` (neither completed nor canceled).
    public var state: String?
    /// A team key such as `ENG`.
    public var team: String?
    /// Only issues assigned to me (always true without `text`).
    public var assignedToMe: Bool
    /// Page size, 1–100.
    public var first: Int
    /// The cursor of the page before.
    public var after: String?

    public init(
        text: String? = nil, state: String? = nil, team: String? = nil, assignedToMe: Bool = false, first: Int = 50,
        after: String? = nil
    ) {
        self.text = text
        self.state = state
        self.team = team
        self.assignedToMe = assignedToMe
        self.first = first
        self.after = after
    }

    /// The state filter values `state` accepts.
    public static let stateValues = ["open"] + LinearStateRef.workflowOrder
}

/// One page of issues.
public struct IssuePage: Sendable, Equatable {
    public var issues: [LinearIssue]
    public var hasNextPage: Bool
    public var endCursor: String?

    public init(issues: [LinearIssue], hasNextPage: Bool = false, endCursor: String? = nil) {
        self.issues = issues
        self.hasNextPage = hasNextPage
        self.endCursor = endCursor
    }

    /// The page's issues grouped by state (work in progress first), each group in page order.
    public var groups: [(state: LinearStateRef?, issues: [LinearIssue])] {
        var order: [String] = []
        var byKey: [String: (LinearStateRef?, [LinearIssue])] = [:]
        for issue in issues {
            let key = issue.state?.id ?? ""
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = (issue.state, [])
            }
            byKey[key]?.1.append(issue)
        }
        func rank(_ state: LinearStateRef?) -> Int {
            state.flatMap { LinearStateRef.typeOrder.firstIndex(of: $0.type) } ?? LinearStateRef.typeOrder.count
        }
        let keys = order.enumerated().sorted {
            (rank(byKey[$0.element]!.0), $0.offset) < (rank(byKey[$1.element]!.0), $1.offset)
        }
        return keys.map { (byKey[$0.element]!.0, byKey[$0.element]!.1) }
    }
}

/// A new issue.
public struct IssueDraft: Sendable, Equatable {
    public var title: String
    public var description: String?
    /// A team key or id; nil when the viewer has exactly one team.
    public var team: String?
    public var priority: Int?
    public var labelIDs: [String]
    public var stateID: String?
    public var assignToMe: Bool

    public init(
        title: String, description: String? = nil, team: String? = nil, priority: Int? = nil, labelIDs: [String] = [],
        stateID: String? = nil, assignToMe: Bool = false
    ) {
        self.title = title
        self.description = description
        self.team = team
        self.priority = priority
        self.labelIDs = labelIDs
        self.stateID = stateID
        self.assignToMe = assignToMe
    }
}
