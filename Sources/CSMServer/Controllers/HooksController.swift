import CSMAgent
import CSMEngine
import CSMModel
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /api/hooks/:session`: where `csm hook` delivers each Claude Code hook payload.
///
/// Authenticated by the session's own hook secret (`StateLayout.hookSecretFile`, written by `AgentLaunch`)
/// in the `X-CSM-Hook-Secret` header, not by the API token (`GuardMiddleware` exempts `/api/hooks/`). A
/// secret opens only its own session: another session's secret is a 403. Every payload becomes an
/// `agent.hook` event; `PreToolUse` and `PermissionRequest` are decided by the rules of the current
/// csm.yaml (`agent.tool_auto_allowed` / `agent.tool_auto_denied`); without a matching rule the request
/// becomes a pending approval (`agent.approval_pending`) that a person decides through
/// `POST /api/sessions/:name/approve-tool`; after `server.approvalTimeout` the answer is `ask` (Claude
/// Code shows its own prompt).
struct HooksController {
    static let secretHeader = HTTPField.Name("X-CSM-Hook-Secret")!

    let service: WorkspaceService
    let dependencies: ServerDependencies

    func register(_ routes: RouteRegistrar) {
        routes.on(.post, "/api/hooks/:session", use: receive)
    }

    /// The answer `csm hook` turns into Claude Code's hook output.
    struct DecisionBody: Encodable {
        /// `allow`, `deny` or `ask`; nil for events that take no decision.
        var decision: String?
        var reason: String?
        /// The exact stdout `csm hook` prints (Claude Code's format), nil for none.
        var output: String?
    }

    @Sendable func receive(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = context.parameters.get("session") ?? ""
        guard CSMName.isValid(name) else { throw APIError.invalidName(name) }
        let workspace = try await service.document().workspace
        try authorize(request, session: name, workspace: workspace.name)
        let payload = try await request.decodeJSON(JSONValue.self)
        guard let hook = HookEvent(payload: payload) else {
            throw APIError.invalidBody("the payload has no 'hook_event_name'")
        }
        try await record(session: name, type: "agent.hook", hook.payload)
        await dependencies.agents.receive(
            hook, session: name, events: dependencies.events, reader: await transcriptReader(for: name, in: workspace))
        guard hook.name == "PreToolUse" || hook.name == "PermissionRequest" else {
            return Self.answer(request, DecisionBody())
        }
        let home = homeDirectory(of: name, in: workspace)
        guard let toolRequest = hook.toolRequest(home: home) else { return Self.answer(request, DecisionBody()) }
        let rules = try? ToolRuleSet(workspace.rules)
        guard let match = rules?.decide(toolRequest), match.action != .ask else {
            return Self.answer(
                request,
                try await awaitPerson(hook, toolRequest, session: name, timeout: workspace.server.approvalTimeout))
        }
        let decision: ToolDecision = match.action == .allow ? .allow : .deny
        let rule = match.rule.pattern.map { "\(match.rule.tool)(\($0))" } ?? match.rule.tool
        let reason = "csm rule #\(match.ruleIndex + 1) (\(match.action.rawValue) \(rule))"
        try await record(
            session: name, type: decision == .allow ? "agent.tool_auto_allowed" : "agent.tool_auto_denied",
            .object([
                "tool": .string(toolRequest.toolName), "input": toolRequest.input,
                "rule": .number(Double(match.ruleIndex)),
                "toolUseId": hook.toolUseID.map(JSONValue.string) ?? .null,
            ]))
        let output =
            hook.name == "PreToolUse"
            ? HookResponse.preToolUse(decision, reason: reason)
            : HookResponse.permissionRequest(decision, message: reason)
        return Self.answer(request, DecisionBody(decision: decision.rawValue, reason: reason, output: output))
    }

    /// The answer as JSON, or, when the request carries `X-CSM-Hook-Output: text` (the sh + curl relay on
    /// SSH hosts, which cannot parse JSON), as the bare text Claude Code reads from the hook's stdout.
    static func answer(_ request: Request, _ body: DecisionBody) -> Response {
        guard request.headers[outputHeader] == "text" else { return JSONResponse.make(body) }
        let text = body.output.map { $0 + "\n" } ?? ""
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .contentLength: "\(text.utf8.count)"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static let outputHeader = HTTPField.Name("X-CSM-Hook-Output")!

    /// No rule decided: a pending approval that waits up to `timeout` seconds for
    /// `POST /api/sessions/:name/approve-tool`, then answers `ask` (Claude Code shows its own prompt).
    func awaitPerson(_ hook: HookEvent, _ toolRequest: ToolRequest, session: String, timeout: Double) async throws
        -> DecisionBody
    {
        let broker = dependencies.approvals
        let approval = await broker.open(session: session, request: toolRequest, toolUseID: hook.toolUseID)
        try await record(session: session, type: "agent.approval_pending", Self.json(approval))
        let answer = await broker.wait(
            for: approval.requestID, timeout: .milliseconds(Int(max(0, timeout) * 1000)), clock: ContinuousClock())
        let decision: ToolDecision
        var reason = "no csm rule matched and nobody decided in csm"
        switch answer {
        case let .decided(decided, message):
            decision = decided
            reason = message ?? "decided by a person in csm (\(decided.rawValue))"
        case .timedOut, .cancelled:
            decision = .ask
        case .serverStopping:
            // Claude Code then asks in its own terminal prompt (DESIGN.md §4: no answer means `ask`).
            decision = .ask
            reason = "csm server is shutting down; answer in Claude Code's own prompt"
        }
        try await record(
            session: session, type: "agent.approval_decided",
            .object([
                "requestId": .string(approval.requestID), "decision": .string(decision.rawValue),
                "reason": .string(reason),
            ]))
        let output: String? =
            switch (hook.name, decision) {
            case (_, .ask): nil
            case ("PreToolUse", _): HookResponse.preToolUse(decision, reason: reason)
            default: HookResponse.permissionRequest(decision, message: reason)
            }
        return DecisionBody(decision: decision.rawValue, reason: reason, output: output)
    }

    /// An approval as `GET /api/sessions` and its event show it.
    static func json(_ approval: PendingApproval) -> JSONValue {
        .object([
            "requestId": .string(approval.requestID), "tool": .string(approval.request.toolName),
            "input": approval.request.input,
            "receivedAt": .string(ISO8601DateFormatter().string(from: approval.receivedAt)),
            "toolUseId": approval.toolUseID.map(JSONValue.string) ?? .null,
        ])
    }

    /// For a session on an SSH host, a reader of its transcript over the host's connection; nil for local.
    func transcriptReader(for session: String, in workspace: Workspace) async -> (any TranscriptReader)? {
        guard let remote = dependencies.engine.observer.remote,
            let host = workspace.resolvedSession(named: session)?.host,
            await remote.isRemote(host)
        else { return nil }
        return RemoteTranscriptReader(runner: remote.runner(host))
    }

    /// 401 without a secret, 403 when it is not this session's.
    func authorize(_ request: Request, session: String, workspace: String) throws {
        guard let sent: String = request.headers[Self.secretHeader], !sent.isEmpty else {
            throw APIError(.unauthorized, "unauthorized", "hook requests need the session's '\(Self.secretHeader)'")
        }
        let path = dependencies.layout.hookSecretFile(workspace: workspace, session: session)
        let expected = (try? String(contentsOfFile: path, encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard let expected, !expected.isEmpty,
            Self.constantTimeEqual(Array(expected.utf8), Array(sent.trimmingCharacters(in: .whitespaces).utf8))
        else {
            throw APIError(.forbidden, "hook_secret_mismatch", "this secret does not belong to session '\(session)'")
        }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The HOME the session's agent runs with (paths like `~/x` in rules are resolved against it).
    func homeDirectory(of session: String, in workspace: Workspace) -> String {
        let spec = workspace.sessions[session]
        return spec?.env["HOME"] ?? spec?.agent?.env?["HOME"] ?? ProcessInfo.processInfo.environment["HOME"] ?? "/"
    }

    func record(session: String, type: String, _ data: JSONValue) async throws {
        _ = try await dependencies.events.append(NewEvent(session: session, type: type, data: data))
    }
}
