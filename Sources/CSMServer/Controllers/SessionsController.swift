import enum CSMAgent.ApprovalError
import enum CSMAgent.RuleDerivation
import enum CSMAgent.ToolDecision
import struct CSMAgent.PendingApproval
import CSMConfig
import CSMDrivers
import CSMEngine
import CSMModel
import CSMPlanner
import Foundation
import Hummingbird

/// `/api/sessions…`: list, show, create (edit csm.yaml, then a reconcile pass), kill (plan the destroy,
/// refuse when blocked, then edit csm.yaml and apply), favorites, message, approve-tool, reconnect.
struct SessionsController {
    let service: WorkspaceService
    let dependencies: ServerDependencies

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/sessions", use: list)
        routes.on(.post, "/api/sessions", use: create)
        routes.on(.get, "/api/sessions/:name", use: show)
        routes.on(.delete, "/api/sessions/:name", use: kill)
        routes.on(.post, "/api/sessions/:name/message", use: message)
        routes.on(.post, "/api/sessions/:name/approve-tool", use: approveTool)
        routes.on(.post, "/api/sessions/:name/reconnect", use: reconnect)
        routes.on(.post, "/api/sessions/:name/favorite", use: { try await favorite($0, $1, on: true) })
        routes.on(.delete, "/api/sessions/:name/favorite", use: { try await favorite($0, $1, on: false) })
        routes.on(.get, "/api/sessions/:name/changes", use: changes)
    }

    static func name(_ context: ServerContext) throws -> String {
        let name = context.parameters.get("name") ?? ""
        guard CSMName.isValid(name) else { throw APIError.invalidName(name) }
        return name
    }

    @Sendable func list(_ request: Request, _ context: ServerContext) async throws -> Response {
        let body = try await service.sessionListBody()
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: "\(body.readableBytes)"],
            body: ResponseBody(byteBuffer: body))
    }

    @Sendable func show(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = try Self.name(context)
        let workspace = try await service.document().workspace
        return JSONResponse.make(try await service.sessionView(name, in: workspace))
    }

    struct CreateBody: Decodable {
        var name: String
        var repo: String?
        var host: String?
        var branch: String?
        var prompt: String?
        var model: String?
        var linear: String?
        /// Where the session's branch starts (commit-ish); the repo's `baseBranch` when absent.
        var base: String?
        /// Claude Code's `--effort`: low, medium, high, xhigh or max.
        var effort: String?
    }

    struct ActionResultBody: Encodable {
        var session: SessionView?
        var results: [ReconcileActionResult]
    }

    @Sendable func create(_ request: Request, _ context: ServerContext) async throws -> Response {
        let body = try await request.decodeJSON(CreateBody.self)
        guard CSMName.isValid(body.name) else { throw APIError.invalidName(body.name) }
        try await service.edit { document in
            let workspace = document.workspace
            guard workspace.sessions[body.name] == nil else {
                throw APIError(
                    .conflict, "session_exists", "a session named '\(body.name)' is already declared in csm.yaml")
            }
            let repos = workspace.repos.keys.sorted()
            let repo: String
            if let requested = body.repo {
                guard workspace.repos[requested] != nil else {
                    throw APIError.invalidBody(
                        "no repo named '\(requested)' is declared; declared: \(repos.joined(separator: ", "))")
                }
                repo = requested
            } else if repos.count == 1 {
                repo = repos[0]
            } else {
                throw APIError.invalidBody(
                    "'repo' is required when csm.yaml declares \(repos.count) repos (\(repos.joined(separator: ", ")))")
            }
            if let host = body.host, workspace.hosts[host] == nil {
                throw APIError.invalidBody("no host named '\(host)' is declared")
            }
            var fields = [YAMLEntry("repo", .string(repo))]
            for (key, value) in [
                ("host", body.host), ("branch", body.branch), ("model", body.model),
                ("prompt", body.prompt), ("linear", body.linear), ("base", body.base), ("effort", body.effort),
            ] {
                if let value, !value.isEmpty { fields.append(YAMLEntry(key, .string(value))) }
            }
            return try ConfigEditor(text: document.text, file: document.path)
                .setValue(path: ["sessions", body.name], value: .mapping(fields))
        }
        let pass = await dependencies.reconciler.pass(reason: "api: create \(body.name)")
        let workspace = try await service.document().workspace
        let view = try? await service.sessionView(body.name, in: workspace)
        return JSONResponse.make(
            ActionResultBody(session: view, results: pass.results.filter { $0.session == body.name }), status: .created)
    }

    @Sendable func kill(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = try Self.name(context)
        let query = request.uri.queryParameters
        let options = PlanOptions(force: query["force"] == "true", deleteBranch: query["deleteBranch"] == "true")
        let document = try await service.document()
        var workspace = document.workspace
        let isDeclared = workspace.sessions[name] != nil
        workspace.sessions[name] = nil
        workspace.favorites.removeAll { $0 == name }
        let engine = dependencies.engine
        let edited = workspace
        let report = try await service.withApplyLock(workspace) { () async throws -> ApplyReport in
            // Not `targets:`: the session is no longer declared in `edited`, so it is not a valid target.
            let (fullPlan, actual) = try await engine.plan(edited, options: options)
            let plan = fullPlan.limited(to: [name])
            let isOwned = SessionList.rows(workspace: edited.name, desired: [], actual: actual)
                .contains { $0.name == name && $0.status == .orphaned }
            guard isDeclared || isOwned else { throw APIError.sessionNotFound(name) }
            if let blocked = plan.actions.first(where: { $0.kind == .blocked }) {
                throw APIError(
                    .conflict, "destroy_blocked",
                    "session '\(name)' was not killed and csm.yaml is unchanged: \(blocked.reason)")
            }
            if isDeclared {
                try await service.edit { current in
                    let text = try ConfigEditor(text: current.text, file: current.path).removeSession(name: name)
                    return try ConfigEditor(text: text, file: current.path).removeFavorite(name)
                }
            }
            return await engine.applier.apply(plan)
        }
        let results = report.results.map { Self.result($0.action, $0.outcome) }
        if let failure = report.failures.first {
            throw APIError(.internalServerError, "apply_failed", failure.message)
        }
        return JSONResponse.make(ActionResultBody(session: nil, results: results))
    }

    static func result(_ action: PlannedAction, _ outcome: ActionOutcome) -> ReconcileActionResult {
        switch outcome {
        case .succeeded: ReconcileActionResult(session: action.session, action: action.kind, outcome: .succeeded)
        case .failed(let message):
            ReconcileActionResult(session: action.session, action: action.kind, outcome: .failed, message: message)
        case .skipped(let message):
            ReconcileActionResult(session: action.session, action: action.kind, outcome: .skipped, message: message)
        }
    }

    struct MessageBody: Decodable { var text: String }

    @Sendable func message(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = try Self.name(context)
        let body = try await request.decodeJSON(MessageBody.self)
        guard !body.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.invalidBody("'text' must not be empty")
        }
        let view = try await service.sessionView(name, in: try await service.document().workspace)
        guard view.status != "unmanaged" else {
            throw APIError(
                .conflict, "session_unmanaged", "'\(name)' belongs to no csm workspace; csm does not type into it")
        }
        guard view.isAgentRunning, let tmuxName = view.tmuxSession else {
            throw APIError(
                .conflict, "session_not_running",
                "session '\(name)' is \(view.status); its agent is not running (POST /api/apply or …/reconnect)")
        }
        // Pasting into a permission prompt would answer it (Enter picks the highlighted choice).
        guard view.status != "waiting" else {
            throw APIError(
                .conflict, "agent_waiting",
                "session '\(name)' is waiting (\(view.statusReason ?? "a prompt")); decide it first (…/approve-tool or tmux)")
        }
        let observer = dependencies.engine.observer
        let messenger = await observer.remote?.isRemote(view.host) == true
            ? await observer.tmuxDriver(forHost: view.host) : (dependencies.messenger ?? observer.tmux)
        do {
            try await messenger.paste(body.text, session: tmuxName, window: "claude")
        } catch TmuxError.noSuchSession {
            // Gone between the look and the paste (killed, or its agent window closed).
            throw APIError(
                .conflict, "session_not_running",
                "session '\(name)' stopped running before the message could be typed; nothing was sent")
        }
        try await dependencies.events.append(
            NewEvent(session: name, type: "message.sent", data: .object(["text": .string(body.text)])))
        return JSONResponse.make(["success": JSONValue.bool(true), "method": .string("tmux")])
    }

    struct ApproveBody: Decodable {
        enum Action: String, Decodable { case allow, deny }
        var requestId: String
        var action: Action
        var message: String?
        /// Also append the rule derived from the request (`RuleDerivation`) to csm.yaml.
        var always: Bool?
    }

    /// Decides a pending approval: unknown id → 404, already answered → 409; `always` first appends the
    /// derived rule to csm.yaml (comments kept).
    @Sendable func approveTool(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = try Self.name(context)
        let body = try await request.decodeJSON(ApproveBody.self)
        guard CSMName.isValid(name) else { throw APIError.invalidName(name) }
        let broker = dependencies.approvals
        guard let pending = await broker.pending(session: name).first(where: { $0.requestID == body.requestId })
        else {
            // Not open in this session: an answered id is a 409 (deciding an id no one holds open is a
            // no-op that only tells the two apart; ids open in other sessions stay untouched).
            let openElsewhere = await broker.pending().contains { $0.requestID == body.requestId }
            if !openElsewhere { do {
                try await broker.decide(body.requestId, .ask)
            } catch ApprovalError.alreadyAnswered {
                throw APIError(.conflict, "approval_answered", "tool request '\(body.requestId)' was already answered")
            } catch {} }
            throw APIError(
                .notFound, "approval_not_found", "session '\(name)' has no pending tool request '\(body.requestId)'")
        }
        var rule: ToolRule?
        if body.always == true {
            let derived = RuleDerivation.rule(for: pending.request, action: body.action == .allow ? .allow : .deny)
            try await service.edit { document in
                try ConfigEditor(text: document.text, file: document.path).appendRule(derived)
            }
            rule = derived
        }
        do {
            try await broker.decide(body.requestId, body.action == .allow ? .allow : .deny, message: body.message)
        } catch {
            throw APIError(.conflict, "approval_answered", "tool request '\(body.requestId)' was already answered")
        }
        var result: [String: JSONValue] = ["success": .bool(true)]
        if let rule { result["rule"] = .string(rule.pattern.map { "\(rule.tool)(\($0))" } ?? rule.tool) }
        return JSONResponse.make(result)
    }

    @Sendable func reconnect(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = try Self.name(context)
        let workspace = try await service.document().workspace
        guard let desired = workspace.resolvedSession(named: name) else {
            throw APIError.sessionNotFound(name)
        }
        let action = PlannedAction(
            kind: .restart, session: name, host: desired.host, reason: "reconnect requested through the API",
            desired: desired, killsTmux: true)
        let engine = dependencies.engine
        let report = try await service.withApplyLock(workspace) {
            await engine.applier.apply(Plan(workspace: workspace.name, actions: [action]))
        }
        // On the session's channel, as a pass's actions are (without a pass number): the log shows it.
        let data: [String: JSONValue] = [
            "action": .string(action.kind.rawValue),
            "outcome": .string(report.failures.isEmpty ? "succeeded" : "failed"),
            "message": .string(report.failures.first?.message ?? "reconnect requested through the API"),
            "via": .string("api"),
        ]
        _ = try? await dependencies.events.append(NewEvent(session: name, type: "session.action", data: .object(data)))
        if let failure = report.failures.first {
            throw APIError(.conflict, "reconnect_failed", failure.message)
        }
        return JSONResponse.make(["success": JSONValue.bool(true)])
    }

    @Sendable func favorite(_ request: Request, _ context: ServerContext, on: Bool) async throws -> Response {
        let name = try Self.name(context)
        try await service.edit { document in
            guard let spec = document.workspace.sessions[name] else { throw APIError.sessionNotFound(name) }
            let editor = try ConfigEditor(text: document.text, file: document.path)
            if on { return try editor.addFavorite(name) }
            var text = try editor.removeFavorite(name)
            if spec.favorite {
                text = try ConfigEditor(text: text, file: document.path).setValue(
                    path: ["sessions", name, "favorite"], value: nil)
            }
            return text
        }
        return JSONResponse.make(["name": JSONValue.string(name), "favorite": .bool(on)])
    }

    /// The diff is cut at `?maxBytes=` (default 1 MiB); `isTruncated` says so.
    @Sendable func changes(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = try Self.name(context)
        let workspace = try await service.document().workspace
        let view = try await service.sessionView(name, in: workspace)
        let limit = request.uri.queryParameters["maxBytes"].flatMap { Int(String($0)) } ?? (1 << 20)
        if let remote = dependencies.engine.observer.remote, await remote.isRemote(view.host) {
            // Read on the host, through its shared connection; an unreachable host answers 409.
            guard let worktree = view.worktree else {
                throw APIError(
                    .conflict, "worktree_missing", "session '\(name)' has no worktree yet (POST /api/apply creates it)")
            }
            do {
                return JSONResponse.make(try await remote.git(view.host).changes(worktreePath: worktree, maxDiffBytes: limit))
            } catch let error as SSHError {
                throw APIError(.conflict, "host_unreachable", "session '\(name)' is on SSH host '\(view.host)': \(error)")
            }
        }
        guard let worktree = view.worktree, FileManager.default.fileExists(atPath: worktree) else {
            throw APIError(
                .conflict, "worktree_missing", "session '\(name)' has no worktree yet (POST /api/apply creates it)")
        }
        return JSONResponse.make(try await dependencies.changes.changes(worktreePath: worktree, maxDiffBytes: limit))
    }
}
