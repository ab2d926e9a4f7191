import CSMModel
import Foundation
import Logging

/// `LinearService` over Linear's GraphQL API (`POST endpoint`, header `Authorization: <key>`).
///
/// Errors are mapped once, here: HTTP 401/403 and authentication errors → `authenticationFailed`; HTTP
/// 429 or a `RATELIMITED` error → `rateLimited` with the delay from `Retry-After` or
/// `X-RateLimit-Requests-Reset`; "not found" errors → `notFound`; other `errors` → `graphQL`. The key is
/// never logged.
public struct LinearClient: LinearService {
    public static let defaultEndpoint = "https://api.linear.app/graphql"

    public var endpoint: String
    private let apiKey: String
    private let transport: any HTTPTransport
    private let timeout: Duration
    private let logger = Logger(label: "csm.integrations")

    public init(
        apiKey: String, endpoint: String = LinearClient.defaultEndpoint,
        transport: any HTTPTransport = AsyncHTTPTransport(),
        timeout: Duration = .seconds(15)
    ) {
        self.apiKey = apiKey
        self.endpoint = endpoint
        self.transport = transport
        self.timeout = timeout
    }

    /// Runs one GraphQL operation and returns its `data`.
    public func execute(_ document: String, variables: [String: JSONValue] = [:]) async throws -> JSONValue {
        let body = try JSONEncoder().encode(
            JSONValue.object(["query": .string(document), "variables": .object(variables)]))
        let answer: HTTPAnswer
        do {
            answer = try await transport.send(
                method: "POST", url: endpoint,
                headers: [
                    ("Content-Type", "application/json"), ("Accept", "application/json"), ("Authorization", apiKey),
                ],
                body: body, timeout: timeout)
        } catch {
            logger.warning("Linear unreachable", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            throw LinearError.unreachable(endpoint: endpoint, reason: "\(error)")
        }
        return try Self.data(of: answer)
    }

    /// The `data` of an answer, or the error it carries.
    static func data(of answer: HTTPAnswer) throws -> JSONValue {
        let json = JSONValue.parse(answer.body)
        let errors = json?["errors"]?.arrayValue ?? []
        if answer.status == 429 || errors.contains(where: { $0["extensions"]?["code"]?.stringValue == "RATELIMITED" }) {
            throw LinearError.rateLimited(retryAfter: retryAfter(answer))
        }
        if answer.status == 401 || answer.status == 403
            || errors.contains(where: {
                ["AUTHENTICATION_ERROR", "FORBIDDEN"].contains($0["extensions"]?["code"]?.stringValue ?? "")
            })
        {
            throw LinearError.authenticationFailed(
                message: errors.first?["message"]?.stringValue ?? "HTTP \(answer.status)")
        }
        if !errors.isEmpty {
            let messages = errors.map { $0["message"]?.stringValue ?? $0.jsonText }
            let isNotFound = errors.contains {
                $0["extensions"]?["code"]?.stringValue == "NOT_FOUND"
                    || ($0["message"]?.stringValue ?? "").lowercased().contains("not found")
            }
            if isNotFound { throw LinearError.notFound(what: messages.joined(separator: "; ")) }
            throw LinearError.graphQL(messages: messages)
        }
        guard (200..<300).contains(answer.status), let data = json?["data"], data != .null else {
            let text = String(decoding: answer.body.prefix(200), as: UTF8.self)
            throw LinearError.badResponse(status: answer.status, detail: text.isEmpty ? "an empty body" : text)
        }
        return data
    }

    /// Seconds to wait, from `Retry-After` (seconds) or `X-RateLimit-Requests-Reset` (epoch milliseconds).
    static func retryAfter(_ answer: HTTPAnswer, now: Date = Date()) -> Int? {
        if let value = answer.header("Retry-After"), let seconds = Int(value.trimmingCharacters(in: .whitespaces)) {
            return max(0, seconds)
        }
        if let value = answer.header("X-RateLimit-Requests-Reset"), let millis = Double(value) {
            return max(1, Int((millis / 1000 - now.timeIntervalSince1970).rounded(.up)))
        }
        return nil
    }

    static func decode<T: Decodable>(_ type: T.Type, _ value: JSONValue?, _ what: String) throws -> T {
        guard let value, value != .null else { throw LinearError.notFound(what: what) }
        do {
            return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
        } catch {
            throw LinearError.badResponse(status: 200, detail: "unexpected \(what): \(error)")
        }
    }

    public func viewer() async throws -> LinearUser {
        try Self.decode(LinearUser.self, try await execute(LinearQueries.viewer)["viewer"], "the viewer")
    }

    public func issues(_ query: IssueQuery) async throws -> IssuePage {
        var variables: [String: JSONValue] = ["first": .number(Double(min(max(query.first, 1), 100)))]
        if let after = query.after { variables["after"] = .string(after) }
        var filter: [String: JSONValue] = [:]
        switch query.state {
        case "open"?: filter["state"] = ["type": ["nin": ["completed", "canceled"]]]
        case let type?: filter["state"] = ["type": ["eq": .string(type)]]
        case nil: break
        }
        if let team = query.team { filter["team"] = ["key": ["eq": .string(team.uppercased())]] }
        if !filter.isEmpty { variables["filter"] = .object(filter) }
        let connection: JSONValue?
        if let text = query.text, !text.isEmpty {
            if query.assignedToMe { filter["assignee"] = ["isMe": ["eq": true]] }
            if !filter.isEmpty { variables["filter"] = .object(filter) }
            variables["term"] = .string(text)
            connection = try await execute(LinearQueries.searchIssues, variables: variables)["searchIssues"]
        } else {
            connection = try await execute(LinearQueries.myIssues, variables: variables)["viewer"]?["assignedIssues"]
        }
        let nodes = try Self.decode([LinearIssue].self, connection?["nodes"], "the issue list")
        let info = connection?["pageInfo"]
        return IssuePage(
            issues: nodes, hasNextPage: info?["hasNextPage"] == .bool(true), endCursor: info?["endCursor"]?.stringValue)
    }

    public func issue(_ id: String) async throws -> LinearIssue {
        try Self.decode(
            LinearIssue.self, try await execute(LinearQueries.issue, variables: ["id": .string(id)])["issue"],
            "issue \(id)")
    }

    public func comments(issue id: String) async throws -> [LinearComment] {
        let data = try await execute(LinearQueries.comments, variables: ["id": .string(id)])
        guard let issue = data["issue"], issue != .null else { throw LinearError.notFound(what: "issue \(id)") }
        return try Self.decode([LinearComment].self, issue["comments"]?["nodes"], "comments of \(id)")
            .sorted { $0.createdAt < $1.createdAt }
    }

    public func addComment(issue id: String, body: String) async throws -> LinearComment {
        let target = try await issue(id)
        let data = try await execute(
            LinearQueries.createComment, variables: ["issueId": .string(target.id), "body": .string(body)])
        return try Self.decode(LinearComment.self, data["commentCreate"]?["comment"], "the new comment")
    }

    public func states(team: String?) async throws -> [LinearState] {
        var variables: [String: JSONValue] = [:]
        if let team {
            let resolved = try await resolveTeam(team)
            variables["filter"] = ["team": ["id": ["eq": .string(resolved.id)]]]
        }
        let data = try await execute(LinearQueries.workflowStates, variables: variables)
        return LinearState.sorted(
            try Self.decode([LinearState].self, data["workflowStates"]?["nodes"], "the workflow states"))
    }

    public func teams() async throws -> [LinearTeam] {
        try Self.decode([TeamNode].self, try await execute(LinearQueries.teams)["teams"]?["nodes"], "the teams")
            .map(\.team).sorted { $0.key < $1.key }
    }

    /// The team with this key or id.
    func resolveTeam(_ keyOrID: String) async throws -> LinearTeam {
        let all = try await teams()
        guard let team = all.first(where: { $0.id == keyOrID || $0.key.lowercased() == keyOrID.lowercased() }) else {
            throw LinearError.notFound(what: "team '\(keyOrID)'")
        }
        return team
    }

    public func createIssue(_ draft: IssueDraft) async throws -> LinearIssue {
        let team: LinearTeam
        if let name = draft.team {
            team = try await resolveTeam(name)
        } else {
            let all = try await teams()
            guard all.count == 1, let only = all.first else { throw LinearError.teamRequired(teams: all.map(\.key)) }
            team = only
        }
        var input: [String: JSONValue] = ["title": .string(draft.title), "teamId": .string(team.id)]
        if let description = draft.description { input["description"] = .string(description) }
        if let priority = draft.priority { input["priority"] = .number(Double(priority)) }
        if !draft.labelIDs.isEmpty { input["labelIds"] = .array(draft.labelIDs.map(JSONValue.string)) }
        if let state = draft.stateID { input["stateId"] = .string(state) }
        if draft.assignToMe { input["assigneeId"] = .string(try await viewer().id) }
        let data = try await execute(LinearQueries.createIssue, variables: ["input": .object(input)])
        return try Self.decode(LinearIssue.self, data["issueCreate"]?["issue"], "the new issue")
    }

    public func moveIssue(_ id: String, toStateID stateID: String) async throws -> LinearIssue {
        let data = try await execute(
            LinearQueries.updateIssueState, variables: ["id": .string(id), "stateId": .string(stateID)])
        return try Self.decode(LinearIssue.self, data["issueUpdate"]?["issue"], "the updated issue")
    }

    /// A team node with its `labels { nodes }` connection.
    struct TeamNode: Decodable {
        var team: LinearTeam
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            team = LinearTeam(
                id: try container.decode(String.self, forKey: .id),
                key: try container.decode(String.self, forKey: .key),
                name: try container.decode(String.self, forKey: .name),
                labels: try container.decodeIfPresent(LinearLabel.Connection.self, forKey: .labels)?.nodes ?? [])
        }
        enum Keys: String, CodingKey { case id, key, name, labels }
    }
}
