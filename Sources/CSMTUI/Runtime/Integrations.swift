import CSMModel
import Foundation

/// Linear and Claude usage as the dashboard needs them. A protocol so reducer-to-runner tests use fakes;
/// `ServerIntegrations` is the real one, over the server's routes (docs/integrations.md).
public protocol IntegrationsAPI: Sendable {
    /// Issues assigned to me, every state.
    func myIssues() async throws -> [TaskIssue]
    /// One issue with its description.
    func issue(id: String) async throws -> TaskIssue
    /// The workflow states of the issue's team.
    func states(for issue: TaskIssue) async throws -> [TaskIssueState]
    /// Moves the issue; returns it as updated.
    func setState(of issue: TaskIssue, to state: TaskIssueState) async throws -> TaskIssue
    /// Issues matching a text.
    func search(_ query: String) async throws -> [TaskIssue]
    /// The 5-hour, weekly and per-model windows.
    func usage() async throws -> UsageBars
}

/// `IntegrationsAPI` over `csm server`'s `/api/linear/…` and `/api/claude-usage` routes.
public struct ServerIntegrations: IntegrationsAPI {
    public let api: any ServerAPI

    public init(api: any ServerAPI) { self.api = api }

    public func myIssues() async throws -> [TaskIssue] {
        try await Self.issues(api.get("/api/linear/issues?first=100"))
    }

    public func issue(id: String) async throws -> TaskIssue {
        let body = try await api.get("/api/linear/issues/\(Self.query(id))")
        guard let issue = Self.issue(body["issue"] ?? .null) else { throw Self.unreadable("issue") }
        return issue
    }

    public func states(for issue: TaskIssue) async throws -> [TaskIssueState] {
        let body = try await api.get("/api/linear/states?issue=\(Self.query(issue.identifier))")
        return (body["states"]?.arrayValue ?? []).compactMap { state in
            guard let id = state["id"]?.stringValue, let name = state["name"]?.stringValue else { return nil }
            return TaskIssueState(id: id, name: name, type: state["type"]?.stringValue ?? "")
        }
    }

    public func setState(of issue: TaskIssue, to state: TaskIssueState) async throws -> TaskIssue {
        let body = try await api.request(
            "POST", "/api/linear/issues/\(Self.query(issue.identifier))/state", body: ["stateId": .string(state.id)])
        return Self.issue(body["issue"] ?? .null) ?? issue
    }

    public func search(_ query: String) async throws -> [TaskIssue] {
        try await Self.issues(api.get("/api/linear/issues?first=8&query=\(Self.query(query))"))
    }

    public func usage() async throws -> UsageBars {
        let body = try await api.get("/api/claude-usage")
        var windows: [UsageBar] = []
        for (key, label) in [("session", "5h"), ("weekly", "week"), ("sonnet", "sonnet"), ("opus", "opus")] {
            guard let window = body[key], let utilization = window["utilization"]?.numberValue else { continue }
            windows.append(
                UsageBar(
                    label: label, utilization: utilization,
                    resetsAt: window["resetsAt"]?.stringValue.flatMap(Self.date),
                    length: window["windowSeconds"]?.numberValue, elapsed: window["elapsedFraction"]?.numberValue))
        }
        let fetchedAt = body["fetchedAt"]?.stringValue.flatMap(Self.date) ?? Date()
        return UsageBars(windows: windows, fetchedAt: fetchedAt)
    }

    static func issues(_ body: JSONValue) throws -> [TaskIssue] {
        guard let list = body["issues"]?.arrayValue else { throw unreadable("issue list") }
        return list.compactMap(issue)
    }

    /// One `Issue` of the contract.
    static func issue(_ json: JSONValue) -> TaskIssue? {
        guard let id = json["id"]?.stringValue, let identifier = json["identifier"]?.stringValue else { return nil }
        return TaskIssue(
            id: id, identifier: identifier, title: json["title"]?.stringValue ?? "",
            state: json["state"]?["name"]?.stringValue ?? "No state",
            stateType: json["state"]?["type"]?.stringValue ?? "",
            url: json["url"]?.stringValue, description: json["description"]?.stringValue,
            branchName: json["branchName"]?.stringValue)
    }

    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }

    static func date(_ text: String) -> Date? {
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    static func unreadable(_ what: String) -> APIFailure {
        APIFailure(status: 200, code: "unreadable", message: "csm server's \(what) could not be read")
    }
}

extension WorkspaceEffectRunner {
    /// The Tasks tab's and the create form's Linear effects.
    func performLinear(_ effect: TUIEffect, emit: @escaping @Sendable (TUIEvent) -> Void) async throws {
        guard let linear = integrations() else {
            if case .searchIssues = effect { return }  // the form simply offers no results
            let configured = (try? environment.loadWorkspace())?.integrations.linearAPIKey != nil
            emit(
                .data(
                    .linear(
                        .unavailable(
                            configured
                                ? "Linear is configured; its issues come through csm server: start 'csm server' for this workspace."
                                : "Linear is not configured: set integrations.linear.apiKey in csm.yaml (issues come through csm server)."
                        ))))
            return
        }
        do {
            switch effect {
            case .loadIssues:
                emit(.data(.linear(.issues(try await linear.myIssues()))))
            case let .loadIssue(id):
                emit(.data(.linear(.detail(try await linear.issue(id: id)))))
            case let .loadStates(issue):
                emit(.data(.linear(.states(issue: issue.id, try await linear.states(for: issue)))))
            case let .setIssueState(issue, state):
                let updated = try await linear.setState(of: issue, to: state)
                emit(.data(.linear(.detail(updated))))
                emit(.data(.linear(.issues(try await linear.myIssues()))))
                emit(.effect(.succeeded("\(issue.identifier) is now \(updated.state).")))
            case let .searchIssues(query):
                emit(.data(.linear(.search(query: query, try await linear.search(query)))))
            default:
                break
            }
        } catch let failure as APIFailure where failure.code == "linear_not_configured" {
            emit(.data(.linear(.unavailable("Linear is not configured: set integrations.linear.apiKey in csm.yaml."))))
        } catch {
            emit(.data(.linear(.failed(String(describing: error)))))
        }
    }
}
