import CSMConfig
import CSMDrivers
import CSMEngine
import CSMModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension WorkspaceEffectRunner {
    var lifecycle: SessionLifecycle {
        SessionLifecycle(engine: environment.engine, loader: environment.loader, runner: environment.processRunner)
    }

    /// The effects of approvals, messages, reconnect, edit, scripts, merge, archive and Linear: through the
    /// server when one is linked, else (where csm can do it alone) through the engine and `SessionLifecycle`.
    func performLifecycle(_ effect: TUIEffect, emit: @escaping @Sendable (TUIEvent) -> Void) async throws {
        let api = link.api
        switch effect {
        case let .approve(session, requestID, allow, always):
            guard let api else { throw TUIError.needsServer("tool approvals") }
            var body: [String: JSONValue] = [
                "requestId": .string(requestID), "action": .string(allow ? "allow" : "deny"),
            ]
            if always { body["always"] = .bool(true) }
            _ = try await api.request("POST", "/api/sessions/\(session)/approve-tool", body: .object(body))
            let verb = allow ? "allowed" : "denied"
            emit(.effect(.succeeded("'\(session)': \(always ? "always " : "")\(verb); the agent goes on.")))
        case let .sendMessage(session, text):
            guard let api else { throw TUIError.needsServer("messages") }
            _ = try await api.request("POST", "/api/sessions/\(session)/message", body: ["text": .string(text)])
            emit(.effect(.succeeded("Sent to '\(session)'.")))
        case let .reconnect(session):
            if let api {
                _ = try await api.request("POST", "/api/sessions/\(session)/reconnect", body: nil)
            } else {
                try await reconnectDirectly(session)
            }
            emit(.effect(.succeeded("Reconnected '\(session)': its agent restarted with --continue.")))
        case let .edit(request):
            emit(.effect(try await edit(request, api: api)))
        case let .runScript(session, script):
            if let api {
                _ = try await api.request("POST", "/api/sessions/\(session)/run", body: ["script": .string(script)])
            } else {
                try await runDirectly(script, in: session)
            }
            emit(.effect(.succeeded("Running '\(script)' in the terminal window of '\(session)'; t shows it.")))
        case let .loadMergeMessage(session):
            emit(.effect(.mergeMessage(session: session, try await mergeMessage(session))))
        case let .merge(request):
            emit(.effect(try await merge(request, api: api)))
        case let .archive(session):
            if let api {
                _ = try await api.request("POST", "/api/sessions/\(session)/archive", body: nil)
            } else {
                try await archiveDirectly(session)
            }
            emit(
                .effect(
                    .succeeded("Archived '\(session)': the branch is kept; 'csm restore \(session)' brings it back.")))
        case let .openURL(url):
            emit(.effect(.succeeded(await Self.open(url, runner: environment.processRunner))))
        default:
            try await performLinear(effect, emit: emit)
        }
    }

    // Without a server the engine does the work. These calls sit in functions of their own: written inline
    // in `performLifecycle`, Swift 6.3's optimizer crashed (signal 11 while splitting the coroutine) in
    // release builds.
    private func reconnectDirectly(_ session: String) async throws {
        let workspace = try environment.loadWorkspace()
        try await environment.engine.reconnect(workspace, session: session)
    }

    private func runDirectly(_ script: String, in session: String) async throws {
        let workspace = try environment.loadWorkspace()
        _ = try await lifecycle.run(script: script, in: session, workspace: workspace)
    }

    private func archiveDirectly(_ session: String) async throws {
        let document = try document()
        _ = try await lifecycle.archive(session, document: document, progress: { _ in })
    }

    func edit(_ request: EditRequest, api: (any ServerAPI)?) async throws -> EffectResult {
        let name = request.session
        var done: [String] = []
        if let favorite = request.favorite {
            try await applyFavorite(name, favorite, api: api)
            done.append(favorite ? "a favorite" : "no longer a favorite")
        }
        if let linear = request.linear {
            try applyLinear(name, linear)
            done.append(linear.isEmpty ? "without a Linear issue" : "linked to \(linear)")
        }
        if let new = request.rename {
            try await applyRename(name, to: new, api: api)
            done.append("renamed to '\(new)'")
        }
        return .succeeded("'\(name)' is " + done.joined(separator: ", ") + ".")
    }

    private func applyFavorite(_ name: String, _ favorite: Bool, api: (any ServerAPI)?) async throws {
        if let api {
            _ = try await api.request(favorite ? "POST" : "DELETE", "/api/sessions/\(name)/favorite", body: nil)
        } else {
            try setFavorite(name, favorite)
        }
    }

    /// No route sets a session's issue; csm.yaml is edited directly (a server picks the change up).
    private func applyLinear(_ name: String, _ linear: String) throws {
        let document = try document()
        let text = try ConfigEditor(text: document.text, file: document.path).setValue(
            path: ["sessions", name, "linear"], value: linear.isEmpty ? nil : .string(linear))
        _ = try document.saving(text, loader: environment.loader)
    }

    private func applyRename(_ name: String, to new: String, api: (any ServerAPI)?) async throws {
        if let api {
            _ = try await api.request("POST", "/api/sessions/\(name)/rename", body: ["name": .string(new)])
        } else {
            let document = try document()
            _ = try await lifecycle.rename(name, to: new, document: document, progress: { _ in })
        }
    }

    /// The message the merge form offers: `Merge <branch>` and the branch's commit subjects.
    func mergeMessage(_ session: String) async throws -> String {
        let workspace = try environment.loadWorkspace()
        guard let desired = workspace.resolvedSession(named: session),
            workspace.hosts[desired.host]?.isLocal ?? true
        else { return "" }
        let git = GitChanges(runner: environment.processRunner)
        guard let base = await git.mergeBase(worktree: desired.worktreePath, session: desired) else { return "" }
        let subjects = try await git.subjects(worktree: desired.worktreePath, mergeBase: base)
        if subjects.count <= 1 { return subjects.first ?? "" }
        return (["Merge \(desired.branch)", ""] + subjects.map { "- " + $0 }).joined(separator: "\n")
    }

    func merge(_ request: MergeRequest, api: (any ServerAPI)?) async throws -> EffectResult {
        let outcome: MergeOutcome
        if let api {
            var body: [String: JSONValue] = ["strategy": .string(request.strategy), "push": .bool(request.push)]
            if let message = request.message { body["message"] = .string(message) }
            let answer = try await api.request("POST", "/api/sessions/\(request.session)/merge", body: .object(body))
            outcome = try JSONDecoder().decode(
                MergeOutcome.self, from: Data((answer["merge"]?["outcome"] ?? .null).jsonText.utf8))
        } else {
            let strategies: [String: MergeStrategy] = [
                "merge": .merge, "ff-only": .fastForwardOnly, "squash": .squash, "rebase": .rebase,
            ]
            let options = SessionLifecycle.MergeOptions(
                strategy: strategies[request.strategy] ?? .merge, message: request.message, push: request.push)
            outcome = try await lifecycle.merge(
                request.session, workspace: try environment.loadWorkspace(), options: options
            ).outcome
        }
        let how: String =
            switch outcome.kind {
            case .upToDate: "nothing to merge: \(outcome.base) already has it"
            case .fastForward: "fast-forwarded \(outcome.base) by \(outcome.commitCount) commit(s)"
            case .mergeCommit: "merge commit on \(outcome.base)"
            case .squashCommit: "one squashed commit on \(outcome.base)"
            case .rebased: "rebased \(outcome.commitCount) commit(s) onto \(outcome.base)"
            }
        return .merged(
            session: request.session,
            message:
                "Merged '\(request.session)': \(how) (\(outcome.commit.prefix(8)))\(request.push ? ", pushed" : "").")
    }

    /// Opens `url` with `xdg-open` when this machine has a desktop; otherwise (or when it fails) the status
    /// line shows the URL to copy.
    static func open(_ url: String, runner: any ProcessRunner) async -> String {
        let hasDisplay =
            ProcessInfo.processInfo.environment["DISPLAY"] != nil
            || ProcessInfo.processInfo.environment["WAYLAND_DISPLAY"] != nil
        if hasDisplay, let result = try? await runner.run("xdg-open", [url]), result.succeeded {
            return "Opened \(url)"
        }
        return "URL: \(url)"
    }
}

/// The server-side forms of kill and create (`DELETE /api/sessions/:name`, `POST /api/sessions`).
enum ServerActions {
    static func kill(_ session: String, api: any ServerAPI) async throws -> EffectResult {
        do {
            _ = try await api.request("DELETE", "/api/sessions/\(session)", body: nil)
            return .succeeded("Killed '\(session)'; its branch is kept.")
        } catch let failure as APIFailure where failure.code == "destroy_blocked" {
            let marker = "csm.yaml is unchanged: "
            let reason = failure.message.range(of: marker).map { String(failure.message[$0.upperBound...]) }
            return .killRefused(session: session, reason: reason ?? failure.message)
        }
    }

    static func create(_ request: CreateRequest, api: any ServerAPI) async throws -> EffectResult {
        var body: [String: JSONValue] = ["name": .string(request.name), "repo": .string(request.repo)]
        for (key, value) in [
            ("host", request.host), ("branch", request.branch), ("prompt", request.prompt),
            ("linear", request.linear), ("effort", request.effort),
        ] {
            if let value { body[key] = .string(value) }
        }
        let answer = try await api.request("POST", "/api/sessions", body: .object(body))
        let failed = (answer["results"]?.arrayValue ?? []).first { $0["outcome"]?.stringValue == "failed" }
        if let failed {
            return .failed(
                "Created '\(request.name)' in csm.yaml, but starting it failed: "
                    + (failed["message"]?.stringValue ?? "see the server's events") + " The server retries it.")
        }
        return .succeeded("Created '\(request.name)'; a attaches to it.")
    }
}
