import CSMModel

/// The only place the state changes: an event in, the new state and the effects to perform out. Pure.
public enum Reducer {
    /// Applies `event` to `state` and returns the effects it asks for, in order.
    public static func reduce(_ state: inout TUIState, _ event: TUIEvent) -> [TUIEffect] {
        switch event {
        case let .resize(size):
            state.size = size
            return []
        case let .data(data):
            return reduceData(&state, data)
        case let .effect(result):
            return reduceResult(&state, result)
        case var .key(key):
            if key == .ctrl("c") || key == .ctrl("d") { return quit(&state, force: true) }
            // Ctrl-J (a line feed) is a new line where text is multi-line, Enter everywhere else.
            if key == .ctrl("j"), !acceptsNewline(state.mode) { key = .enter }
            if let confirmation = state.confirmation { return answer(&state, confirmation, key) }
            state.status = nil  // a message lasts until the next key

            switch state.mode {
            case let .message(draft): return MessageReducer.reduce(&state, draft, key)
            case let .edit(form): return EditFormReducer.reduce(&state, form, key)
            case let .scripts(picker): return ScriptPickerReducer.reduce(&state, picker, key)
            case let .merge(form): return MergeFormReducer.reduce(&state, form, key)
            case .help: return helpKey(&state, key)
            case .filter: return filterKey(&state, key)
            case let .create(form): return CreateFormReducer.reduce(&state, form, key)
            case let .preview(preview): return PreviewReducer.reduce(&state, preview, key)
            case let .plan(scroll): return planKey(&state, scroll: scroll, key)
            case let .detail(session): return detailKey(&state, session: session, key)
            case .list where state.tab == .tasks: return TasksReducer.reduce(&state, key)
            case .list: return listKey(&state, key)
            }
        }
    }

    static func acceptsNewline(_ mode: Mode) -> Bool {
        switch mode {
        case .message: true
        case let .merge(form): form.focus == .message
        default: false
        }
    }

    /// `q` waits for a running apply, kill or create (Ctrl-C does not).
    static func quit(_ state: inout TUIState, force: Bool = false) -> [TUIEffect] {
        if let busy = state.busy, !force {
            state.status = StatusMessage(
                .warning, "Still running (\(busy)); q works when it is done, Ctrl-C quits now.")
            return []
        }
        state.isQuitting = true
        return [.quit]
    }

    // MARK: Data and results

    static func reduceData(_ state: inout TUIState, _ data: DataEvent) -> [TUIEffect] {
        switch data {
        case let .snapshot(snapshot):
            state.snapshot = snapshot
            state.dataError = nil
            if let pending = state.pendingSelection, snapshot.sessions.contains(where: { $0.name == pending }) {
                state.selected = pending
                state.pendingSelection = nil
            } else if state.selected == nil || !snapshot.sessions.contains(where: { $0.name == state.selected }) {
                state.selected = state.visibleSessions.first?.name
            }
            if case let .preview(preview) = state.mode {
                guard snapshot.sessions.contains(where: { $0.name == preview.session }) else {
                    state.mode = .list
                    return []
                }
                return preview.diff == nil
                    ? [.loadPreview(session: preview.session), .loadEvents(session: preview.session)] : []
            }
            if case let .detail(session) = state.mode {
                guard snapshot.sessions.contains(where: { $0.name == session }) else {
                    state.mode = .list  // killed or renamed elsewhere
                    return []
                }
                return [.loadEvents(session: session)]
            }
        case let .sessionsUpdated(sessions, at):
            state.snapshot?.sessions = sessions
            state.snapshot?.observedAt = at
        case let .planUpdated(plan):
            state.snapshot?.plan = plan
        case let .sessionEvents(session, events):
            state.events[session] = events
        case let .sessionEvent(session, event):
            var events = state.events[session, default: []]
            if let id = event.id, let last = events.last(where: { $0.id != nil })?.id, id <= last { return [] }
            events.append(event)
            state.events[session] = Array(events.suffix(TUIState.eventLimit))
        case let .assistantText(session, text):
            var texts = state.assistantText[session, default: []]
            texts.append(text)
            state.assistantText[session] = Array(texts.suffix(20))
        case let .approvals(approvals):
            state.approvals = approvals
        case let .server(address):
            state.server = address
        case let .usage(report):
            state.usage = report
        case let .linear(event):
            return TasksReducer.received(&state, event)
        case let .approvalPending(approval):
            state.approvals.removeAll { $0.id == approval.id }
            state.approvals.append(approval)
        case let .hostChecked(host, check):
            state.hostChecks[host] = check
        case let .approvalResolved(id):
            state.approvals.removeAll { $0.id == id }
        case let .failed(message):
            state.dataError = message
        case let .connection(text):
            state.connection = text
        }
        return []
    }

    static func reduceResult(_ state: inout TUIState, _ result: EffectResult) -> [TUIEffect] {
        switch result {
        case let .progress(line):
            state.busy = line
            return []
        case let .changes(session, uncommitted, committed):
            PreviewReducer.received(&state, session: session, uncommitted: uncommitted, committed: committed)
            return []
        case let .diff(session, file, lines):
            PreviewReducer.receivedDiff(&state, session: session, file: file, lines: lines)
            return []
        case let .succeeded(message):
            state.busy = nil
            state.status = StatusMessage(.success, message)
        case let .failed(message):
            state.busy = nil
            state.status = StatusMessage(.error, message)
        case let .readFailed(message):
            state.status = StatusMessage(.error, message)
            return []
        case let .killRefused(session, reason):
            state.busy = nil
            state.status = StatusMessage(
                .error, "Refused: '\(session)' was not killed and csm.yaml is unchanged: \(reason)")
        case let .attachReturned(session, error):
            state.status = error.map { StatusMessage(.error, $0) } ?? StatusMessage(.info, "Back from '\(session)'.")
        case let .merged(session, message):
            state.busy = nil
            state.status = StatusMessage(.success, message)
            if state.snapshot?.workspace.sessions[session] != nil { state.confirmation = .archive(session: session) }
        case let .mergeMessage(session, message):
            if case var .merge(form) = state.mode, form.session == session, form.message.isEmpty {
                form.message = message
                state.mode = .merge(form)
            }
            return []
        }
        return [.refresh]
    }

    // MARK: Modes

    static func answer(_ state: inout TUIState, _ confirmation: Confirmation, _ key: Key) -> [TUIEffect] {
        state.confirmation = nil
        guard key == .char("y") || key == .char("Y") else {
            // Declining the archive after a merge is a choice, not a cancelled action: the merge stands.
            if case let .archive(session) = confirmation {
                state.status = StatusMessage(
                    .info, "Kept '\(session)' (merged, not archived); csm archive archives it later.")
            } else {
                state.status = StatusMessage(.info, "Cancelled.")
            }
            return []
        }
        switch confirmation {
        case let .kill(session):
            state.busy = "Killing '\(session)'…"
            return [.kill(session: session)]
        case let .apply(destroys):
            state.busy = "Applying…"
            return [.apply(confirmedDestroys: destroys)]
        case let .archive(session):
            state.busy = "Archiving '\(session)'…"
            return [.archive(session: session)]
        }
    }

    static func helpKey(_ state: inout TUIState, _ key: Key) -> [TUIEffect] {
        if key == .char("q") { return quit(&state) }
        state.mode = .list
        return []
    }

    static func filterKey(_ state: inout TUIState, _ key: Key) -> [TUIEffect] {
        switch key {
        case .enter: state.mode = .list
        case .escape:
            state.filter = ""
            state.mode = .list
        case .backspace:
            if !state.filter.isEmpty { state.filter.removeLast() }
        case let .char(c): state.filter.append(c)
        case let .paste(text): state.filter += text.filter { !$0.isNewline }
        default: break
        }
        state.selected = state.selectedSession?.name
        return []
    }

    static func planKey(_ state: inout TUIState, scroll: Int, _ key: Key) -> [TUIEffect] {
        switch key {
        case .down, .char("j"): state.mode = .plan(scroll: scroll + 1)
        case .up, .char("k"): state.mode = .plan(scroll: max(0, scroll - 1))
        case .pageDown: state.mode = .plan(scroll: scroll + max(1, state.size.rows - 6))
        case .pageUp: state.mode = .plan(scroll: max(0, scroll - max(1, state.size.rows - 6)))
        case .escape, .char("P"): state.mode = .list
        case .char("q"): return quit(&state)
        default: return sharedKey(&state, key, session: nil)
        }
        return []
    }

    static func detailKey(_ state: inout TUIState, session: String, _ key: Key) -> [TUIEffect] {
        switch key {
        case .escape, .left:
            state.mode = .list
            return []
        case .char("q"):
            return quit(&state)
        case .char("r"):
            return [.refresh, .loadEvents(session: session)]
        case .up, .down, .char("j"), .char("k"):
            return []
        default:
            let item = state.snapshot?.sessions.first { $0.name == session }
            let effects = sharedKey(&state, key, session: item)
            switch state.mode {
            case .message, .edit, .scripts, .merge: state.returnToDetail = session
            default: break
            }
            return effects
        }
    }

    static func listKey(_ state: inout TUIState, _ key: Key) -> [TUIEffect] {
        switch key {
        case .tab:
            state.tab = Tab(rawValue: (state.tab.rawValue + 1) % Tab.allCases.count) ?? .sessions
            state.scroll = 0
            return TasksReducer.entered(&state)
        case .backTab:
            state.tab = Tab(rawValue: (state.tab.rawValue + Tab.allCases.count - 1) % Tab.allCases.count) ?? .sessions
            state.scroll = 0
            return TasksReducer.entered(&state)
        case .char("q"):
            return quit(&state)
        case .escape:
            if !state.filter.isEmpty { state.filter = "" }
            state.status = nil
        default:
            guard state.tab == .sessions else {
                if key == .down || key == .char("j") { state.scroll += 1 }
                if key == .up || key == .char("k") { state.scroll = max(0, state.scroll - 1) }
                if [.up, .down, .enter, .char("j"), .char("k")].contains(key) { return [] }
                return sharedKey(&state, key, session: nil)
            }
            switch key {
            case .down, .char("j"): moveSelection(&state, by: 1)
            case .up, .char("k"): moveSelection(&state, by: -1)
            case .home: state.selected = state.visibleSessions.first?.name
            case .end: state.selected = state.visibleSessions.last?.name
            case .enter:
                guard let item = state.selectedSession else { return [] }
                state.selected = item.name
                state.mode = .detail(session: item.name)
                return [.loadEvents(session: item.name)]
            case .char("/"):
                state.mode = .filter
            default:
                return sharedKey(&state, key, session: state.selectedSession)
            }
        }
        return []
    }

    static func moveSelection(_ state: inout TUIState, by delta: Int) {
        let visible = state.visibleSessions
        guard !visible.isEmpty else { return }
        let current = visible.firstIndex { $0.name == state.selected } ?? 0
        state.selected = visible[min(visible.count - 1, max(0, current + delta))].name
    }
}
