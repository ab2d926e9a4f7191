import CSMEngine
import CSMModel
import Foundation
import Synchronization

/// The server the dashboard is connected to right now, shared by the data source (which sets it) and the
/// effect runner (which sends approvals, messages and lifecycle actions through it while it is set).
public final class ServerLink: Sendable {
    private let current = Mutex<(any ServerAPI)?>(nil)

    public init() {}

    public var api: (any ServerAPI)? { current.withLock { $0 } }

    func set(_ api: (any ServerAPI)?) { current.withLock { $0 = api } }
}

/// The dashboard's data when a `csm server` may run for the workspace.
///
/// It always observes locally (worktree changes, the plan: the same snapshot as `PollingDataSource`), and
/// while a server answers for this workspace it also follows the server's event stream (`GET /api/events`):
/// every event goes to the detail view as it arrives, the agent's text streams, approvals appear and go at
/// once, and events that change sessions (agent status, actions, passes) refresh the sessions' agent
/// columns from `GET /api/sessions` right away. When the stream drops it reconnects with backoff (1 s,
/// 2 s, … 30 s), resuming after the last event id it saw; when no server runs it polls every interval and
/// looks for one each time.
public final class LiveDataSource: TUIDataSource {
    private let environment: TUIEnvironment
    private let polling: PollingDataSource
    private let link: ServerLink
    private let discover: @Sendable () -> (any ServerAPI)?
    private let observeWaker = Waker()
    private let overlayWaker = Waker()
    private let streamWaker = Waker()
    private let state = Mutex(SourceState())
    private let now: @Sendable () -> Date

    struct SourceState {
        /// The last local observation, re-sent with fresh agent data when only the server's side changed.
        var snapshot: WorkspaceSnapshot?
        var agents: [String: ServerSession] = [:]
        var lastEventID: UInt64?
    }

    /// `discover` finds the server (nil when none runs); the default reads `server.json` and the token.
    public init(
        environment: TUIEnvironment, link: ServerLink, hostCheckInterval: Double = 30,
        discover: (@Sendable () -> (any ServerAPI)?)? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.environment = environment
        self.link = link
        self.now = now
        polling = PollingDataSource(environment: environment, hostCheckInterval: hostCheckInterval, now: now)
        self.discover =
            discover ?? {
                guard let workspace = try? environment.loadWorkspace(),
                    let endpoint = ServerEndpoint.discover(
                        addressFile: environment.stateLayout.serverAddressFile(workspace: workspace.name),
                        tokenFile: environment.stateLayout.tokenFile)
                else { return nil }
                return HTTPServerAPI(endpoint: endpoint, timeout: .seconds(10))
            }
    }

    public func refresh() {
        polling.refresh()  // marks the stats for recomputation (its own waker is not waited on here)
        observeWaker.wake()
        streamWaker.wake()  // a dropped stream reconnects now instead of after its backoff
    }

    public func run(_ emit: @escaping @Sendable (DataEvent) -> Void) async {
        emit(.connection(Self.pollingText(environment.pollInterval)))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in await observeLoop(emit) }
            group.addTask { [self] in await overlayLoop(emit) }
            group.addTask { [self] in await streamLoop(emit) }
            group.addTask { [self] in await usageLoop(emit) }
            group.addTask { [self] in
                while !Task.isCancelled {
                    for (host, check) in await polling.checkHosts() { emit(.hostChecked(host: host, check)) }
                    try? await Task.sleep(for: .seconds(30))
                }
            }
        }
        link.set(nil)
    }

    static func pollingText(_ seconds: Double) -> String {
        "observing every \(seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)) s · no server"
    }

    // MARK: Local observation

    func observeLoop(_ emit: @escaping @Sendable (DataEvent) -> Void) async {
        while !Task.isCancelled {
            // A linked server reports turns and cost itself: the transcripts are read only without one.
            let event = await polling.observe(transcripts: link.api == nil)
            if case let .snapshot(snapshot) = event {
                publish(snapshot, emit)
                if let updated = await polling.refreshStats(snapshot) { publish(updated, emit) }
            } else {
                emit(event)
            }
            await observeWaker.wait(seconds: environment.pollInterval)
        }
    }

    /// Keeps `snapshot` as the last observation and sends it with the server's view of the agents.
    private func publish(_ snapshot: WorkspaceSnapshot, _ emit: @escaping @Sendable (DataEvent) -> Void) {
        let merged = state.withLock { state -> WorkspaceSnapshot in
            state.snapshot = snapshot
            return Self.merge(snapshot, state.agents)
        }
        emit(.snapshot(merged))
    }

    /// Fetches the server's view of the sessions whenever the stream says they changed (at most ~4 times a
    /// second) and re-sends the last observation with it.
    func overlayLoop(_ emit: @escaping @Sendable (DataEvent) -> Void) async {
        while !Task.isCancelled {
            await overlayWaker.wait(seconds: 3600)
            guard !Task.isCancelled, let api = link.api else { continue }
            await fetchOverlay(api, emit)
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    func fetchOverlay(_ api: any ServerAPI, _ emit: @escaping @Sendable (DataEvent) -> Void) async {
        guard let sessions = try? await api.sessions() else { return }
        let merged = state.withLock { state -> WorkspaceSnapshot? in
            state.agents = sessions
            return state.snapshot.map { Self.merge($0, sessions) }
        }
        emit(.approvals(sessions.values.sorted { $0.name < $1.name }.flatMap(\.approvals)))
        if let merged { emit(.snapshot(merged)) }
    }

    /// The observation with each session's agent as the server reports it (what the transcripts said
    /// when the server does not know the session).
    static func merge(_ snapshot: WorkspaceSnapshot, _ agents: [String: ServerSession]) -> WorkspaceSnapshot {
        var snapshot = snapshot
        for index in snapshot.sessions.indices {
            let server = agents[snapshot.sessions[index].name]
            if let agent = server?.agent { snapshot.sessions[index].agent = agent }
            snapshot.sessions[index].linearTitle = server?.linearTitle
        }
        return snapshot
    }

    /// Claude usage for the footer, every minute while a server is linked (the server caches it too).
    func usageLoop(_ emit: @escaping @Sendable (DataEvent) -> Void) async {
        var shown = false
        while !Task.isCancelled {
            if let api = link.api, let report = try? await ServerIntegrations(api: api).usage(), !report.windows.isEmpty
            {
                emit(.usage(report))
                shown = true
            } else if shown {
                emit(.usage(nil))
                shown = false
            }
            try? await Task.sleep(for: .seconds(link.api == nil ? 5 : 60))
        }
    }

    // MARK: The server's stream

    func streamLoop(_ emit: @escaping @Sendable (DataEvent) -> Void) async {
        var backoff = 1.0
        var wasLive = false
        while !Task.isCancelled {
            guard let api = discover(), await answers(api) else {
                if wasLive || link.api != nil {
                    link.set(nil)
                    state.withLock { $0.agents = [:] }
                    emit(.server(nil))
                    emit(.approvals([]))
                    emit(.connection(Self.pollingText(environment.pollInterval)))
                    observeWaker.wake()
                    wasLive = false
                }
                await streamWaker.wait(seconds: environment.pollInterval)
                continue
            }
            link.set(api)
            emit(.server(api.address))
            emit(.connection("live · csm server \(api.address)"))
            wasLive = true
            overlayWaker.wake()
            var failure = "the server closed the stream"
            do {
                let after = state.withLock { $0.lastEventID }
                for try await record in api.events(after: after) {
                    backoff = 1
                    state.withLock { $0.lastEventID = max($0.lastEventID ?? 0, record.id) }
                    handle(record, emit)
                }
            } catch {
                failure = String(describing: error)
            }
            guard !Task.isCancelled else { return }
            // The link stays while reconnecting: the server usually still answers (a dropped or lagging
            // stream); if it is gone, the next discovery finds no server and falls back to polling.
            emit(
                .connection(
                    "reconnecting in \(Int(backoff)) s (r: now) · \(Self.short(failure))"))
            await streamWaker.wait(seconds: backoff)
            backoff = min(30, backoff * 2)
        }
    }

    /// Whether the server answers and serves this workspace (a `server.json` left by a crashed server, or a
    /// port now used by something else, does not count).
    func answers(_ api: any ServerAPI) async -> Bool {
        guard let health = try? await api.get("/api/health") else { return false }
        let workspace = (try? environment.loadWorkspace())?.name
        return health["workspace"]?.stringValue == workspace
    }

    static func short(_ text: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? text
        return line.count > 40 ? String(line.prefix(39)) + "…" : line
    }

    /// One event of the stream as dashboard events.
    func handle(_ record: EventRecord, _ emit: @escaping @Sendable (DataEvent) -> Void) {
        if let session = record.session {
            emit(.sessionEvent(session: session, ServerEvents.sessionEvent(record)))
            switch record.type {
            case "agent.assistant_text":
                if let text = record.data["text"]?.stringValue { emit(.assistantText(session: session, text)) }
            case "agent.approval_pending":
                if let approval = PendingApproval(json: record.data, session: session) {
                    emit(.approvalPending(approval))
                }
            case "agent.approval_decided":
                if let id = record.data["requestId"]?.stringValue { emit(.approvalResolved(id: id)) }
            default: break
            }
        }
        if ServerEvents.changesSessions(record.type) { overlayWaker.wake() }
        if ServerEvents.changesWorld(record.type) { observeWaker.wake() }
    }
}

/// How the server's events read in the detail view.
public enum ServerEvents {
    /// Types after which the agent columns are fetched again.
    static func changesSessions(_ type: String) -> Bool {
        type.hasPrefix("agent.") || type == "session.action" || type == "reconcile.pass" || type == "message.sent"
    }

    /// Types after which the workspace is observed again (tmux sessions and worktrees may have changed).
    static func changesWorld(_ type: String) -> Bool {
        type == "session.action" || type == "reconcile.pass" || type == "setup.finished"
    }

    /// The detail view's line for an event: hook events by their hook name, `agent.*` without the prefix.
    public static func sessionEvent(_ record: EventRecord) -> SessionEvent {
        let data = record.data
        var kind = record.type.hasPrefix("agent.") ? String(record.type.dropFirst("agent.".count)) : record.type
        var summary = ""
        switch record.type {
        case "agent.hook":
            kind = data["hook_event_name"]?.stringValue ?? "hook"
            if let tool = data["tool_name"]?.stringValue {
                summary = tool + " " + PendingApproval.inputText(data["tool_input"])
            } else {
                summary =
                    ["prompt", "message", "last_assistant_message", "source", "reason"].lazy.compactMap {
                        data[$0]?.stringValue
                    }.first ?? ""
            }
        case "agent.tool_use":
            summary = (data["name"]?.stringValue ?? "tool") + " " + PendingApproval.inputText(data["input"])
        case "agent.tool_result":
            summary = (data["isError"] == .bool(true) ? "error: " : "") + (data["content"]?.stringValue ?? "")
        case "agent.approval_pending", "agent.tool_auto_allowed", "agent.tool_auto_denied":
            summary = (data["tool"]?.stringValue ?? "tool") + " " + PendingApproval.inputText(data["input"])
        case "agent.approval_decided":
            summary = (data["decision"]?.stringValue ?? "") + ": " + (data["reason"]?.stringValue ?? "")
        case "agent.status":
            summary = (data["status"]?.stringValue ?? "") + (data["reason"]?.stringValue.map { " — " + $0 } ?? "")
        case "session.action":
            summary = [data["action"]?.stringValue, data["outcome"]?.stringValue, data["message"]?.stringValue]
                .compactMap { $0 }.joined(separator: " ")
        case "setup.output":
            summary = (data["lines"]?.arrayValue ?? []).compactMap(\.stringValue).last ?? ""
        case "setup.finished":
            summary =
                "exit "
                + (data["status"]?.intValue.map(String.init) ?? data["exitStatus"]?.intValue.map(String.init) ?? "?")
        default:
            summary = data["text"]?.stringValue ?? data["message"]?.stringValue ?? (data == .null ? "" : data.jsonText)
        }
        return SessionEvent(id: record.id, time: record.ts, kind: kind, summary: summary.trimmingSpaces())
    }

    /// The last `limit` events of a session's event file (`<state>/workspaces/W/events/sessions/S.jsonl`),
    /// for the detail view before the stream adds to them. Only the file's tail is read.
    public static func recent(path: String, limit: Int = 200, tailBytes: UInt64 = 256 * 1024) -> [SessionEvent] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > tailBytes ? size - tailBytes : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        var lines = data.split(separator: UInt8(ascii: "\n"))
        if size > tailBytes, !lines.isEmpty { lines.removeFirst() }
        return lines.suffix(limit).compactMap {
            SSEParser.record(SSEParser.Message(id: nil, data: String(decoding: $0, as: UTF8.self)))
        }.map(sessionEvent)
    }
}
