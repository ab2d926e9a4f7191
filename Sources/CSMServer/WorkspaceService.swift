import CSMAgent
import CSMConfig
import CSMEngine
import CSMModel
import CSMPlanner
import Foundation
import NIOCore

/// The server's access to csm.yaml and the engine. An actor, so two API edits of csm.yaml never
/// interleave: each reads the file, edits it with the comment-keeping editor and writes it back in one
/// step, and refuses (409) when the file changed on disk in between or no longer matches `If-Match`.
actor WorkspaceService {
    let dependencies: ServerDependencies

    /// The body of `GET /api/sessions`, reused for half a second while nothing changed (see the type).
    let sessionList = SessionListCache(maxAge: .milliseconds(500))
    /// The last document loaded, with the file's identity when it was read and a number that changes
    /// with the content.
    private var loaded: (stamp: FileStamp, bytes: Data, document: ConfigDocument, generation: Int)?

    init(_ dependencies: ServerDependencies) { self.dependencies = dependencies }

    var engine: Engine { dependencies.engine }

    /// csm.yaml as it is on disk now. Every hook and API request asks, so the file is checked each time
    /// (one `stat`) but read only when its identity changed, and parsed again only when its bytes did.
    func document() throws -> ConfigDocument {
        try loadDocument().document
    }

    private func loadDocument() throws -> (document: ConfigDocument, generation: Int) {
        let stamp = FileStamp(path: dependencies.configPath)
        if let loaded, let stamp, loaded.stamp == stamp, stamp.isSettled(now: Date().timeIntervalSince1970) {
            return (loaded.document, loaded.generation)
        }
        let bytes = FileManager.default.contents(atPath: dependencies.configPath)
        if let loaded, let stamp, let bytes, loaded.bytes == bytes {
            self.loaded?.stamp = stamp
            return (loaded.document, loaded.generation)
        }
        do {
            let document = try ConfigDocument.load(path: dependencies.configPath, loader: dependencies.loader)
            let generation = (loaded?.generation ?? 0) + 1
            // Cached under the identity and bytes seen before parsing: if the file changed in between, the
            // next call sees another identity and reads it again.
            if let stamp, let bytes { loaded = (stamp, bytes, document, generation) } else { loaded = nil }
            return (document, generation)
        } catch {
            throw APIError(
                .serviceUnavailable, "config_invalid", "\(dependencies.configPath) cannot be used:\n\(error)")
        }
    }

    /// The JSON body of `GET /api/sessions` (`{"sessions": [SessionView]}`), from `sessionList` when
    /// no event was stored and csm.yaml did not change since it was built.
    func sessionListBody() async throws -> ByteBuffer {
        let (document, generation) = try loadDocument()
        let key = SessionListCache.Key(lastEventID: await dependencies.events.lastSessionEventID, config: generation)
        return try await sessionList.body(for: key) {
            let views = try await self.sessionViews(document.workspace)
            return ByteBuffer(bytes: try JSONResponse.encoder.encode(["sessions": views]))
        }
    }

    /// A tag of the file's content for `ETag` / `If-Match`.
    static func etag(of document: ConfigDocument) -> String { "\"\(StableHash.fnv1a64(document.text))\"" }

    /// Edits csm.yaml: `change` gets the current document and returns the new text.
    @discardableResult
    func edit(ifMatch: String? = nil, _ change: (ConfigDocument) throws -> String) throws -> ConfigDocument {
        let document = try document()
        if let ifMatch, ifMatch != "*", ifMatch != Self.etag(of: document) {
            throw APIError(
                .conflict, "config_changed",
                "csm.yaml changed since you read it (If-Match does not match); read it again")
        }
        let text: String
        do {
            text = try change(document)
        } catch let error as ConfigEditError {
            throw Self.translate(error)
        }
        guard text != document.text else { return document }
        do {
            return try document.saving(text, loader: dependencies.loader)
        } catch .changedOnDisk {
            throw APIError(
                .conflict, "config_changed",
                "csm.yaml changed on disk while it was being edited; nothing was written, try again")
        } catch .invalid(_, let error) {
            throw APIError(
                .badRequest, "invalid_config", "the edited csm.yaml would not be valid, nothing was written:\n\(error)")
        } catch {
            throw APIError(.internalServerError, "config_write_failed", "\(error)")
        }
    }

    static func translate(_ error: ConfigEditError) -> APIError {
        switch error {
        case .alreadyExists: APIError(.conflict, "already_exists", error.description)
        case .notFound: APIError(.notFound, "not_found", error.description)
        case .invalidName(let name): .invalidName(name)
        case .invalidDocument, .unsupportedLayout: APIError(.conflict, "config_not_editable", error.description)
        case .internalError: APIError(.internalServerError, "internal", error.description)
        }
    }

    /// Runs `body` holding the workspace's apply lock, so it never overlaps a reconcile pass or `csm apply`.
    func withApplyLock<T: Sendable>(_ workspace: Workspace, _ body: () async throws -> T) async throws -> T {
        let lock: WorkspaceLock
        do {
            lock = try await WorkspaceLock.acquire(
                path: dependencies.layout.applyLockFile(workspace: workspace.name), timeout: .seconds(30))
        } catch {
            throw APIError(.conflict, "workspace_locked", error.description)
        }
        defer { lock.release() }
        return try await body()
    }

    /// Observed sessions merged with declarations, failures and the last event time.
    func sessionViews(_ workspace: Workspace) async throws -> [SessionView] {
        // The views show no work counts: the working folders are not scanned.
        let actual = try await engine.observer.observe(workspace, counting: .none)
        let rows = SessionList.rows(workspace: workspace.name, desired: workspace.resolvedSessions(), actual: actual)
        let desired = Dictionary(uniqueKeysWithValues: workspace.resolvedSessions().map { ($0.name, $0) })
        let failures = await dependencies.reconciler.failures
        var views: [SessionView] = []
        var seen = Set<String>()
        for row in rows where seen.insert(row.name).inserted || row.status != .unmanaged {
            let last = try? await dependencies.events.lastEvent(session: row.name)
            views.append(
                SessionView(
                    row: row, desired: row.status == .unmanaged ? nil : desired[row.name],
                    failure: failures[row.name], lastEvent: last?.ts))
        }
        await addLinearTitles(&views, workspace)
        let pending = await dependencies.approvals.pending()
        let prompts = await panePrompts(of: views)
        for index in views.indices {
            views[index].pendingApprovals = pending.filter { $0.session == views[index].name }
                .map(HooksController.json)
            if let agent = await dependencies.agents.snapshot(views[index].name) {
                views[index].apply(agent)
            }
            if views[index].status == "starting", let reason = prompts[views[index].name] {
                views[index].status = "waiting"
                views[index].statusReason = reason
            }
        }
        return views
    }

    /// What each session's pane last showed, read at most every `panePromptMaxAge` (a read is a tmux call).
    private var panePromptReads: [String: (at: ContinuousClock.Instant, reason: String?)] = [:]
    static let panePromptMaxAge: Duration = .seconds(3)

    /// No hook fires while Claude Code shows a prompt such as the trust question: a session still "starting"
    /// gets its pane read, so a question nobody answers shows as waiting, with the reason. The panes of a
    /// host are read in one tmux invocation and reused for a few seconds: a list of 100 sessions that sent
    /// no hook otherwise spawned 100 tmux processes, one after another, on every rebuild of the list.
    private func panePrompts(of views: [SessionView]) async -> [String: String] {
        let now = ContinuousClock.now
        var reasons: [String: String] = [:]
        var kept: [String: (at: ContinuousClock.Instant, reason: String?)] = [:]
        var toRead: [(name: String, host: String, tmuxName: String)] = []
        for view in views where view.status == "starting" {
            if let read = panePromptReads[view.name], read.at.duration(to: now) < Self.panePromptMaxAge {
                kept[view.name] = read
                if let reason = read.reason { reasons[view.name] = reason }
            } else if let tmuxName = view.tmuxSession {
                toRead.append((view.name, view.host, tmuxName))
            }
        }
        // One tmux invocation per host reads all of that host's panes.
        let observer = engine.observer
        let byHost = Dictionary(grouping: toRead, by: \.host)
        let read = await withTaskGroup(of: [(String, String?)].self) { group in
            for (host, sessions) in byHost {
                group.addTask {
                    let texts = await observer.tmuxDriver(forHost: host)
                        .capturePanes(sessions: sessions.map(\.tmuxName), window: "claude")
                    return sessions.map { ($0.name, texts[$0.tmuxName].flatMap(PanePrompt.detect)) }
                }
            }
            var found: [(String, String?)] = []
            for await results in group { found += results }
            return found
        }
        for (name, reason) in read {
            kept[name] = (now, reason)
            if let reason { reasons[name] = reason }
        }
        panePromptReads = kept
        return reasons
    }

    /// Fills `linearTitle` from the Linear cache; a Linear failure leaves it nil, never fails the list.
    private func addLinearTitles(_ views: inout [SessionView], _ workspace: Workspace) async {
        guard workspace.integrations.hasLinear, views.contains(where: { $0.linear != nil }),
            let linear = try? await dependencies.integrations.linear(workspace.integrations)
        else { return }
        for index in views.indices {
            if let id = views[index].linear, !id.isEmpty { views[index].linearTitle = await linear.cachedTitle(id) }
        }
    }

    /// One session's view, or 404.
    func sessionView(_ name: String, in workspace: Workspace) async throws -> SessionView {
        guard CSMName.isValid(name) else { throw APIError.invalidName(name) }
        guard let view = try await sessionViews(workspace).first(where: { $0.name == name }) else {
            throw APIError.sessionNotFound(name)
        }
        return view
    }
}
