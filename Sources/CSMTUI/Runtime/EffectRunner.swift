import CSMConfig
import CSMEngine
import CSMModel
import CSMPlanner
import Foundation

/// Performs the reducer's effects that change the world (kill, favorite, apply, create) or read it
/// (events). Attach, refresh and quit are the app loop's own. A protocol so tests can record effects.
public protocol EffectRunner: Sendable {
    /// Performs `effect`, reporting progress and the outcome through `emit`.
    func perform(_ effect: TUIEffect, emit: @escaping @Sendable (TUIEvent) -> Void) async
}

/// The runner over the engine and csm.yaml: the same rules as `csm create`, `csm kill` and `csm apply`
/// (plan first; nothing is removed that holds work; csm.yaml is edited keeping its comments).
public struct WorkspaceEffectRunner: EffectRunner {
    /// The engine, config and paths the effects use.
    public let environment: TUIEnvironment
    /// The server the dashboard follows, if any: changes then go through its routes (one writer, its
    /// events and locks); without one they go through the engine and `SessionLifecycle` directly.
    public let link: ServerLink
    /// Linear and usage, when something provides them (the server's integration routes).
    public let integrations: @Sendable () -> (any IntegrationsAPI)?

    public init(
        environment: TUIEnvironment, link: ServerLink = ServerLink(),
        integrations: (@Sendable () -> (any IntegrationsAPI)?)? = nil
    ) {
        self.environment = environment
        self.link = link
        self.integrations = integrations ?? { link.api.map { ServerIntegrations(api: $0) } }
    }

    /// Performs `effect`; errors become a `failed` result with their description, never a throw.
    public func perform(_ effect: TUIEffect, emit: @escaping @Sendable (TUIEvent) -> Void) async {
        do {
            switch effect {
            case let .loadEvents(session):
                let workspace = try environment.loadWorkspace()
                if link.api != nil {
                    let path = Paths.join(
                        environment.stateLayout.eventsDirectory(workspace: workspace.name), "sessions",
                        session + ".jsonl")
                    emit(.data(.sessionEvents(session: session, ServerEvents.recent(path: path))))
                } else {
                    let path = environment.stateLayout.hookLog(workspace: workspace.name, session: session)
                    emit(.data(.sessionEvents(session: session, HookLog.read(path: path))))
                }
            case let .loadPreview(session):
                let (desired, git) = try await previewTarget(session)
                let base = await git.mergeBase(worktree: desired.worktreePath, session: desired)
                let (uncommitted, committed) = try await git.changes(worktree: desired.worktreePath, mergeBase: base)
                emit(.effect(.changes(session: session, uncommitted: uncommitted, committed: committed)))
            case let .loadDiff(session, file):
                let (desired, git) = try await previewTarget(session)
                let base =
                    file.isCommitted ? await git.mergeBase(worktree: desired.worktreePath, session: desired) : nil
                let lines = try await git.diff(worktree: desired.worktreePath, file: file, mergeBase: base)
                emit(.effect(.diff(session: session, file: file, lines: lines)))
            case let .kill(session):
                if let api = link.api {
                    emit(.effect(try await ServerActions.kill(session, api: api)))
                } else {
                    emit(.effect(try await kill(session, emit: emit)))
                }
            case let .setFavorite(session, isFavorite):
                if let api = link.api {
                    _ = try await api.request(
                        isFavorite ? "POST" : "DELETE", "/api/sessions/\(session)/favorite", body: nil)
                } else {
                    try setFavorite(session, isFavorite)
                }
                emit(
                    .effect(
                        .succeeded(isFavorite ? "'\(session)' is a favorite." : "'\(session)' is no longer a favorite.")
                    ))
            case let .apply(confirmed):
                let workspace = try environment.loadWorkspace()
                let (plan, _) = try await environment.engine.plan(workspace)
                let destroys = plan.actions.filter { $0.kind == .destroy }.map(\.session)
                guard Set(destroys).isSubset(of: confirmed) else { throw TUIError.planChanged(destroys: destroys) }
                emit(.effect(await apply(plan, emit: emit)))
            case let .create(request):
                if let api = link.api {
                    emit(.effect(try await ServerActions.create(request, api: api)))
                } else {
                    emit(.effect(try await create(request, emit: emit)))
                }
            case .refresh, .attach, .quit:
                break
            default:
                try await performLifecycle(effect, emit: emit)
            }
        } catch {
            switch effect {
            case .loadEvents, .loadPreview, .loadDiff, .loadMergeMessage, .loadIssues, .loadIssue, .loadStates,
                .searchIssues:
                emit(.effect(.readFailed(String(describing: error))))
            default: emit(.effect(.failed(String(describing: error))))
            }
        }
    }

    /// The declared session whose worktree the preview reads, and the git that reads it (on its SSH host
    /// through the shared connection, paths expanded against the host's home).
    private func previewTarget(_ name: String) async throws -> (DesiredSession, GitChanges) {
        let workspace = try environment.loadWorkspace()
        guard let desired = workspace.resolvedSession(named: name) else {
            throw TUIError.previewUnavailable(
                "'\(name)' is no longer declared in csm.yaml; its worktree is not previewed.")
        }
        if let host = workspace.hosts[desired.host], !host.isLocal {
            guard let remote = environment.engine.observer.remote else {
                throw TUIError.previewUnavailable("'\(name)' runs on \(desired.host), and no SSH transport is set up.")
            }
            await remote.transport.configure([host])
            let facts = try await remote.facts(desired.host)
            var expanded = desired
            expanded.worktreePath = AgentLaunch.expand(desired.worktreePath, home: facts.home)
            expanded.repoPath = AgentLaunch.expand(desired.repoPath, home: facts.home)
            return (expanded, GitChanges(runner: remote.runner(desired.host)))
        }
        return (desired, GitChanges(runner: environment.processRunner))
    }

    func document() throws -> ConfigDocument {
        guard let path = environment.editablePath else { throw TUIError.notEditable }
        return try ConfigDocument.load(path: path, loader: environment.loader)
    }

    /// `csm kill`: plan against the workspace without the session; refuse when blocked, leaving csm.yaml alone.
    func kill(_ name: String, emit: @escaping @Sendable (TUIEvent) -> Void) async throws -> EffectResult {
        let document = try document()
        var workspace = document.workspace
        let isDeclared = workspace.sessions[name] != nil
        workspace.sessions[name] = nil
        workspace.favorites.removeAll { $0 == name }
        let (fullPlan, actual) = try await environment.engine.plan(workspace)
        let plan = fullPlan.limited(to: [name])
        let isOwned = SessionList.rows(workspace: workspace.name, desired: [], actual: actual)
            .contains { $0.name == name && $0.status == .orphaned }
        guard isDeclared || isOwned else { throw TUIError.unknownSession(name) }
        if let blocked = plan.actions.first(where: { $0.kind == .blocked }) {
            return .killRefused(session: name, reason: blocked.reason)
        }
        if isDeclared {
            var text = try ConfigEditor(text: document.text, file: document.path).removeSession(name: name)
            text = try ConfigEditor(text: text, file: document.path).removeFavorite(name)
            _ = try document.saving(text, loader: environment.loader)
        }
        let result = await apply(plan, emit: emit)
        if case .succeeded = result { return .succeeded("Killed '\(name)'; its branch is kept.") }
        return result
    }

    func setFavorite(_ name: String, _ isFavorite: Bool) throws {
        let document = try document()
        let editor = try ConfigEditor(text: document.text, file: document.path)
        var text = isFavorite ? try editor.addFavorite(name) : try editor.removeFavorite(name)
        if !isFavorite, document.workspace.sessions[name]?.favorite == true {
            text = try ConfigEditor(text: text, file: document.path).setValue(
                path: ["sessions", name, "favorite"], value: nil)
        }
        _ = try document.saving(text, loader: environment.loader)
    }

    /// `csm create`: declare the session (keeping comments), then apply only it.
    func create(_ request: CreateRequest, emit: @escaping @Sendable (TUIEvent) -> Void) async throws -> EffectResult {
        var document = try document()
        guard document.workspace.sessions[request.name] == nil else { throw TUIError.sessionExists(request.name) }
        var fields = [YAMLEntry("repo", .string(request.repo))]
        for (key, value) in [
            ("host", request.host), ("branch", request.branch), ("linear", request.linear),
            ("effort", request.effort), ("prompt", request.prompt),
        ] {
            if let value { fields.append(YAMLEntry(key, .string(value))) }
        }
        let text = try ConfigEditor(text: document.text, file: document.path)
            .setValue(path: ["sessions", request.name], value: .mapping(fields))
        document = try document.saving(text, loader: environment.loader)
        let (plan, _) = try await environment.engine.plan(document.workspace, targets: [request.name])
        let result = await apply(plan, emit: emit)
        switch result {
        case .succeeded: return .succeeded("Created '\(request.name)'; a attaches to it.")
        case let .failed(message): return .failed(message + " The session stays declared; fix the problem and press A.")
        default: return result
        }
    }

    /// Applies `plan` with a progress line per action; sums up like `csm apply`.
    func apply(_ plan: Plan, emit: @escaping @Sendable (TUIEvent) -> Void) async -> EffectResult {
        let report = await environment.engine.applier.apply(plan) { event in
            if case let .started(action) = event {
                emit(.effect(.progress("\(action.kind.rawValue) \(action.session)…")))
            }
        }
        let done = report.succeeded
        let counts =
            "\(done.count { $0.kind == .create }) added, "
            + "\(done.count { [.start, .restart, .repair].contains($0.kind) }) changed, \(done.count { $0.kind == .destroy }) destroyed"
        if let failure = report.failures.first {
            return .failed(
                "Apply incomplete (\(counts)): \(failure.action.session) (\(failure.action.kind.rawValue)): \(failure.message)"
            )
        }
        if let blocked = report.blocked.first {
            return .failed("Apply incomplete (\(counts)): \(blocked.session) blocked: \(blocked.reason)")
        }
        return .succeeded("Apply complete: \(counts).")
    }
}

/// Reads a session's hook log (`hooks.jsonl`, one `{"ts", "payload"}` record per hook call).
public enum HookLog {
    /// The last `limit` events of the log at `path`; empty when there is none. Only the file's tail is read.
    public static func read(path: String, limit: Int = 200, tailBytes: UInt64 = 256 * 1024) -> [SessionEvent] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let tail = tailBytes
        try? handle.seek(toOffset: size > tail ? size - tail : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        var lines = data.split(separator: UInt8(ascii: "\n"))
        if size > tail, !lines.isEmpty { lines.removeFirst() }  // probably cut in the middle
        return lines.suffix(limit).compactMap { parse(Data($0)) }
    }

    /// The agent's last message: the text of the last `Stop` event in the log's final 64 KiB.
    public static func lastMessage(path: String) -> String? {
        read(path: path, limit: 1000, tailBytes: 64 * 1024).last { $0.kind == "Stop" && !$0.summary.isEmpty }?.summary
    }

    /// One record as an event; nil when it is not a JSON object.
    public static func parse(_ line: Data) -> SessionEvent? {
        guard let record = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { return nil }
        let time = (record["ts"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
        guard let payload = record["payload"] as? [String: Any] else {
            return SessionEvent(time: time, kind: "hook", summary: String(describing: record["payload"] ?? ""))
        }
        let kind = payload["hook_event_name"] as? String ?? "hook"
        return SessionEvent(time: time, kind: kind, summary: summary(payload))
    }

    static func summary(_ payload: [String: Any]) -> String {
        if let tool = payload["tool_name"] as? String {
            let input = payload["tool_input"] as? [String: Any]
            let detail = ["command", "file_path", "pattern", "url", "description"].lazy.compactMap {
                input?[$0] as? String
            }.first
            return tool + (detail.map { " " + $0 } ?? "")
        }
        for key in ["prompt", "message", "last_assistant_message", "source", "reason"] {
            if let text = payload[key] as? String, !text.isEmpty { return text }
        }
        return ""
    }
}
