import Foundation

/// A `LinearService` that keeps reads for `ttl` seconds, so a dashboard or TUI showing many sessions does
/// not send Linear one request per session per refresh. Writes go straight through and drop what they
/// make stale (the issue, the lists, its comments). Errors are not cached, except by `cachedTitle`.
public actor CachingLinearService: LinearService {
    private let base: any LinearService
    private let ttl: TimeInterval
    private let now: @Sendable () -> Date
    private var entries: [String: (expires: Date, value: any Sendable)] = [:]

    public init(_ base: any LinearService, ttl: TimeInterval, now: @escaping @Sendable () -> Date = { Date() }) {
        self.base = base
        self.ttl = ttl
        self.now = now
    }

    private func cached<T: Sendable>(_ key: String, _ load: () async throws -> T) async throws -> T {
        if let entry = entries[key], entry.expires > now(), let value = entry.value as? T { return value }
        let value = try await load()
        if ttl > 0 { entries[key] = (now().addingTimeInterval(ttl), value) }
        return value
    }

    private func forget(prefix: String) {
        entries = entries.filter { !$0.key.hasPrefix(prefix) }
    }

    private func forgetIssue(_ issue: LinearIssue, requested: String) {
        for key in [issue.id, issue.identifier, requested] {
            entries["issue:\(key.uppercased())"] = nil
            entries["comments:\(key.uppercased())"] = nil
        }
        forget(prefix: "issues:")
    }

    public func viewer() async throws -> LinearUser { try await cached("viewer") { try await base.viewer() } }

    public func issues(_ query: IssueQuery) async throws -> IssuePage {
        let key =
            "issues:\(query.text ?? "")|\(query.state ?? "")|\(query.team ?? "")|\(query.assignedToMe)|\(query.first)|\(query.after ?? "")"
        return try await cached(key) { try await base.issues(query) }
    }

    public func issue(_ id: String) async throws -> LinearIssue {
        try await cached("issue:\(id.uppercased())") { try await base.issue(id) }
    }

    public func comments(issue id: String) async throws -> [LinearComment] {
        try await cached("comments:\(id.uppercased())") { try await base.comments(issue: id) }
    }

    public func addComment(issue id: String, body: String) async throws -> LinearComment {
        let comment = try await base.addComment(issue: id, body: body)
        entries["comments:\(id.uppercased())"] = nil
        return comment
    }

    public func states(team: String?) async throws -> [LinearState] {
        try await cached("states:\(team?.uppercased() ?? "*")") { try await base.states(team: team) }
    }

    public func teams() async throws -> [LinearTeam] { try await cached("teams") { try await base.teams() } }

    public func createIssue(_ draft: IssueDraft) async throws -> LinearIssue {
        let issue = try await base.createIssue(draft)
        forget(prefix: "issues:")
        return issue
    }

    public func moveIssue(_ id: String, toStateID stateID: String) async throws -> LinearIssue {
        let issue = try await base.moveIssue(id, toStateID: stateID)
        forgetIssue(issue, requested: id)
        entries["issue:\(issue.identifier.uppercased())"] = (now().addingTimeInterval(ttl), issue)
        return issue
    }

    /// The title of an issue for a session list: from the cache, else one read; nil when Linear fails
    /// (and then nothing is asked again for `ttl`, so a broken key does not slow every list).
    public func cachedTitle(_ id: String) async -> String? {
        let key = "title:\(id.uppercased())"
        if let entry = entries[key], entry.expires > now() { return entry.value as? String }
        let title = try? await issue(id).title
        entries[key] = (now().addingTimeInterval(max(ttl, 30)), title)
        return title
    }
}
