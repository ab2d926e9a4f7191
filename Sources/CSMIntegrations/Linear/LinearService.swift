/// The Linear operations csm uses. `LinearClient` talks to the GraphQL API; `CachingLinearService`
/// wraps any implementation with a short cache; tests of code above this seam may pass their own.
public protocol LinearService: Sendable {
    /// The person the API key belongs to.
    func viewer() async throws -> LinearUser
    /// A page of issues: assigned to me when `query.text` is nil, else a full-text search.
    func issues(_ query: IssueQuery) async throws -> IssuePage
    /// One issue by identifier (`ENG-123`) or id.
    func issue(_ id: String) async throws -> LinearIssue
    /// The comments of an issue, oldest first.
    func comments(issue id: String) async throws -> [LinearComment]
    /// Adds a comment to an issue.
    func addComment(issue id: String, body: String) async throws -> LinearComment
    /// Workflow states of one team (key or id), or of every team when nil.
    func states(team: String?) async throws -> [LinearState]
    /// The teams the key can see, with their labels.
    func teams() async throws -> [LinearTeam]
    /// Creates an issue (the team is resolved when the draft names none and there is one).
    func createIssue(_ draft: IssueDraft) async throws -> LinearIssue
    /// Moves an issue to a workflow state by id.
    func moveIssue(_ id: String, toStateID stateID: String) async throws -> LinearIssue
}

extension LinearService {
    /// Moves an issue to the state of its team with this name or type (case-insensitive), or this id.
    public func moveIssue(_ id: String, toState nameOrID: String) async throws -> LinearIssue {
        let issue = try await issue(id)
        let wanted = nameOrID.lowercased()
        let states = try await states(team: issue.team?.id)
        guard
            let state = states.first(where: { $0.id == nameOrID })
                ?? states.first(where: { $0.name.lowercased() == wanted })
                ?? LinearState.sorted(states).first(where: { $0.type == wanted })
        else {
            throw LinearError.notFound(what: "a state '\(nameOrID)' of team \(issue.team?.key ?? "?")")
        }
        return try await moveIssue(issue.id, toStateID: state.id)
    }

    /// The states of an issue's team.
    public func states(ofIssue id: String) async throws -> [LinearState] {
        try await states(team: try await issue(id).team?.id)
    }
}
