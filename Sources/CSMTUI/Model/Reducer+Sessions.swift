import CSMModel

/// Session keys that talk to the agent through `csm server`: approvals, the next pending one, messages;
/// and the pickers of `x`.
enum ServerKeys {
    /// `y` / `n` / `Y` / `N`: decides the oldest pending approval of `session`.
    static func decide(_ state: inout TUIState, session: SessionItem?, allow: Bool, always: Bool) -> [TUIEffect] {
        let verb = always ? (allow ? "y" : "n").uppercased() : (allow ? "y" : "n")
        guard state.server != nil else {
            state.status = StatusMessage(.warning, Reducer.needsServer[Character(verb)] ?? "needs csm server")
            return []
        }
        guard let session else { return Reducer.noSession(&state) }
        guard let approval = state.approvals.first(where: { $0.session == session.name }) else {
            let others = state.approvals.count
            state.status = StatusMessage(
                .info,
                "No tool request of '\(session.name)' waits for a decision"
                    + (others > 0 ? "; v jumps to the \(others) pending elsewhere." : "."))
            return []
        }
        state.approvals.removeAll { $0.id == approval.id }
        let what = always ? (allow ? "Always allowed" : "Always denied") : (allow ? "Allowed" : "Denied")
        state.status = StatusMessage(
            allow ? .success : .warning,
            "\(what) \(approval.tool) for '\(session.name)'" + (always ? " (rule added to csm.yaml)." : "."))
        return [.approve(session: session.name, requestID: approval.id, allow: allow, always: always)]
    }

    /// `v`: the detail of the next session (after the current one) with a pending approval.
    static func nextApproval(_ state: inout TUIState) -> [TUIEffect] {
        guard state.server != nil else {
            state.status = StatusMessage(.warning, Reducer.needsServer["v"] ?? "needs csm server")
            return []
        }
        let waiting = Set(state.approvals.map(\.session))
        let visible = state.visibleSessions.map(\.name)
        let ordered = visible.filter(waiting.contains) + waiting.subtracting(visible).sorted()
        guard !ordered.isEmpty else {
            state.status = StatusMessage(.info, "No tool approval is pending.")
            return []
        }
        let current: String? =
            if case let .detail(session) = state.mode { session } else { nil }
        let next =
            current.flatMap { ordered.firstIndex(of: $0) }.map { ordered[($0 + 1) % ordered.count] } ?? ordered[0]
        state.tab = .sessions
        state.selected = next
        state.mode = .detail(session: next)
        return [.loadEvents(session: next)]
    }

    /// `i`: opens the message box for a session whose agent runs.
    static func startMessage(_ state: inout TUIState, session: SessionItem?) -> [TUIEffect] {
        guard state.server != nil else {
            state.status = StatusMessage(.warning, Reducer.needsServer["i"] ?? "needs csm server")
            return []
        }
        guard let session else { return Reducer.noSession(&state) }
        guard session.row.status == .running else {
            state.status = StatusMessage(
                .warning,
                "'\(session.name)' has no running agent (\(session.row.status.rawValue)); A applies, R reconnects.")
            return []
        }
        state.mode = .message(MessageDraft(session: session.name))
        return []
    }

    /// `x`: the picker of the session's scripts.
    static func pickScript(_ state: inout TUIState, session: SessionItem?) -> [TUIEffect] {
        guard let session else { return Reducer.noSession(&state) }
        guard state.busy == nil else { return Reducer.busy(&state) }
        guard let desired = state.snapshot?.workspace.resolvedSession(named: session.name)
        else { return Reducer.notDeclared(&state, session, "given scripts") }
        let scripts = desired.scripts.keys.sorted().map {
            ScriptPicker.Script(name: $0, command: desired.scripts[$0] ?? "")
        }
        guard !scripts.isEmpty else {
            state.status = StatusMessage(
                .info, "'\(session.name)' has no scripts; declare them under scripts: of its repo or the session.")
            return []
        }
        state.mode = .scripts(ScriptPicker(session: session.name, scripts: scripts))
        return []
    }

    /// Where Esc goes back to from a form opened on a session: its detail when that was open, else the list.
    static func back(_ state: inout TUIState, session: String) {
        state.mode = state.returnToDetail == session ? .detail(session: session) : .list
        state.returnToDetail = nil
    }
}

/// `i`: typing the message.
enum MessageReducer {
    static func reduce(_ state: inout TUIState, _ draft: MessageDraft, _ key: Key) -> [TUIEffect] {
        var draft = draft
        switch key {
        case .escape:
            ServerKeys.back(&state, session: draft.session)
            state.status = StatusMessage(.info, "Message not sent.")
            return []
        case .enter:
            let text = draft.text.trimmingSpaces()
            guard !text.isEmpty else {
                state.status = StatusMessage(.info, "Type a message first; Esc closes.")
                return []
            }
            ServerKeys.back(&state, session: draft.session)
            state.status = StatusMessage(.info, "Sending to '\(draft.session)'…")
            return [.sendMessage(session: draft.session, text: text)]
        default:
            _ = draft.text.edit(with: key, multiline: true)
        }
        state.mode = .message(draft)
        return []
    }
}

/// `e`: the edit form.
enum EditFormReducer {
    static func reduce(_ state: inout TUIState, _ form: EditForm, _ key: Key) -> [TUIEffect] {
        var form = form
        switch key {
        case .escape:
            ServerKeys.back(&state, session: form.session)
            state.status = StatusMessage(.info, "Edit cancelled.")
            return []
        case .tab, .down:
            form.focus = form.focus.cycled(by: 1)
        case .backTab, .up:
            form.focus = form.focus.cycled(by: -1)
        case .char(" ") where form.focus == .favorite, .left where form.focus == .favorite,
            .right where form.focus == .favorite:
            form.favorite.toggle()
        case .enter:
            return submit(&state, &form)
        default:
            switch form.focus {
            case .name: _ = form.name.edit(with: key)
            case .linear: _ = form.linear.edit(with: key)
            case .favorite: break
            }
        }
        form.error = nil
        state.mode = .edit(form)
        return []
    }

    static func submit(_ state: inout TUIState, _ form: inout EditForm) -> [TUIEffect] {
        let name = form.name.trimmingSpaces()
        let linear = form.linear.trimmingSpaces()
        var request = EditRequest(session: form.session)
        if name != form.session {
            guard CSMName.isValid(name) else {
                form.error = "'\(name)' is not a valid name: use \(CSMName.ruleDescription)."
                form.focus = .name
                state.mode = .edit(form)
                return []
            }
            guard state.snapshot?.workspace.sessions[name] == nil else {
                form.error = "A session named '\(name)' is already declared."
                form.focus = .name
                state.mode = .edit(form)
                return []
            }
            request.rename = name
        }
        if linear != form.originalLinear { request.linear = linear }
        if form.favorite != form.originalFavorite { request.favorite = form.favorite }
        ServerKeys.back(&state, session: form.session)
        guard request.rename != nil || request.linear != nil || request.favorite != nil else {
            state.status = StatusMessage(.info, "Nothing changed.")
            return []
        }
        if let rename = request.rename {
            state.selected = rename
            state.pendingSelection = rename
            if case .detail = state.mode { state.mode = .list }
        }
        state.busy = request.rename.map { "Renaming '\(form.session)' to '\($0)'…" } ?? "Saving '\(form.session)'…"
        return [.edit(request)]
    }
}

/// `x`: choosing the script.
enum ScriptPickerReducer {
    static func reduce(_ state: inout TUIState, _ picker: ScriptPicker, _ key: Key) -> [TUIEffect] {
        var picker = picker
        switch key {
        case .escape, .char("q"):
            ServerKeys.back(&state, session: picker.session)
            return []
        case .down, .char("j"): picker.index = min(picker.scripts.count - 1, picker.index + 1)
        case .up, .char("k"): picker.index = max(0, picker.index - 1)
        case .enter:
            let script = picker.scripts[picker.index]
            ServerKeys.back(&state, session: picker.session)
            state.busy = "Running '\(script.name)' in '\(picker.session)'…"
            return [.runScript(session: picker.session, script: script.name)]
        default: break
        }
        state.mode = .scripts(picker)
        return []
    }
}

/// `m`: strategy, message, push; Enter merges.
enum MergeFormReducer {
    static func reduce(_ state: inout TUIState, _ form: MergeForm, _ key: Key) -> [TUIEffect] {
        var form = form
        switch key {
        case .escape:
            ServerKeys.back(&state, session: form.session)
            state.status = StatusMessage(.info, "Merge cancelled.")
            return []
        case .tab, .down:
            form.focus = form.focus.cycled(by: 1)
        case .backTab, .up:
            form.focus = form.focus.cycled(by: -1)
        case .left where form.focus == .strategy:
            form.strategyIndex = (form.strategyIndex + MergeForm.strategies.count - 1) % MergeForm.strategies.count
        case .right where form.focus == .strategy, .char(" ") where form.focus == .strategy:
            form.strategyIndex = (form.strategyIndex + 1) % MergeForm.strategies.count
        case .left where form.focus == .push, .right where form.focus == .push, .char(" ") where form.focus == .push:
            form.push.toggle()
        case .enter:
            let message = form.message.trimmingSpaces()
            ServerKeys.back(&state, session: form.session)
            state.busy = "Merging '\(form.session)' (\(form.strategy))…"
            return [
                .merge(
                    MergeRequest(
                        session: form.session, strategy: form.strategy, message: message.isEmpty ? nil : message,
                        push: form.push))
            ]
        default:
            if form.focus == .message { _ = form.message.edit(with: key, multiline: true) }
        }
        state.mode = .merge(form)
        return []
    }
}
