import CSMModel

extension Reducer {
    /// What a key not waiting for a feature says instead of pretending.
    public static let unavailable: [Character: String] = [
        "y": "needs csm server: tool approvals arrive through its event stream",
        "n": "needs csm server: tool approvals arrive through its event stream",
        "Y": "needs csm server: tool approvals arrive through its event stream",
        "N": "needs csm server: tool approvals arrive through its event stream",
        "v": "needs csm server: pending approvals arrive through its event stream",
        "i": "needs csm server: messages to a session are sent through it",
        "R": "needs csm server: reconnect is one of its session actions",
        "m": "not available yet: merge comes with the session lifecycle",
        "x": "not available yet: repo scripts come with the session lifecycle",
        "e": "not available yet: edit and rename come with the session lifecycle",
    ]

    /// Keys that work the same on every tab, the detail view and the plan view. `session` is the one the
    /// session keys act on (nil where none is selected).
    static func sharedKey(_ state: inout TUIState, _ key: Key, session: SessionItem?) -> [TUIEffect] {
        guard case let .char(c) = key else { return [] }
        switch c {
        case "?":
            state.mode = .help
        case "r":
            state.status = StatusMessage(.info, "Refreshing…")
            return [.refresh]
        case "P":
            state.mode = .plan(scroll: 0)
        case "p":
            return PreviewReducer.open(&state, session)
        case "A":
            return startApply(&state)
        case "c":
            guard state.busy == nil else { return busy(&state) }
            let repos = state.snapshot?.workspace.repos.keys.sorted() ?? []
            guard !repos.isEmpty else {
                state.status = StatusMessage(
                    .warning, "No repo is declared; run 'csm create NAME --repo PATH' once to declare one.")
                return []
            }
            state.mode = .create(CreateForm(repos: repos, preferredRepo: session?.repo))
        case "a", "t":
            guard let session else { return noSession(&state) }
            guard session.row.tmuxSession != nil, session.row.status != .unreachable else {
                state.status = StatusMessage(
                    .warning, "'\(session.name)' has no tmux session running; press A to apply.")
                return []
            }
            guard session.row.status != .unmanaged else { return unmanaged(&state, session) }
            return [.attach(session: session.name, window: c == "a" ? .agent : .terminal)]
        case "K":
            guard let session else { return noSession(&state) }
            guard state.busy == nil else { return busy(&state) }
            guard session.row.status != .unmanaged else { return unmanaged(&state, session) }
            state.confirmation = .kill(session: session.name)
        case "f":
            guard let session else { return noSession(&state) }
            guard state.busy == nil else { return busy(&state) }
            guard session.repo != nil else {
                state.status = StatusMessage(
                    .warning, "'\(session.name)' is not declared in csm.yaml, so it cannot be a favorite.")
                return []
            }
            return [.setFavorite(session: session.name, isFavorite: !session.isFavorite)]
        default:
            if let message = unavailable[c] { state.status = StatusMessage(.warning, message) }
        }
        return []
    }

    static func startApply(_ state: inout TUIState) -> [TUIEffect] {
        guard state.busy == nil else { return busy(&state) }
        guard let plan = state.snapshot?.plan else {
            state.status = StatusMessage(.info, "Still observing; try again in a moment.")
            return []
        }
        let runnable = plan.actions.filter { $0.kind != .blocked }
        guard !runnable.isEmpty else {
            state.status = StatusMessage(
                .info,
                plan.hasChanges
                    ? "Nothing can be applied: \(plan.blockedCount) change(s) blocked (P shows why)."
                    : "Nothing to apply: in sync.")
            return []
        }
        let destroys = runnable.filter { $0.kind == .destroy }.map(\.session)
        if !destroys.isEmpty {
            state.confirmation = .apply(destroys: destroys)
            return []
        }
        state.busy = "Applying…"
        return [.apply(confirmedDestroys: [])]
    }

    static func noSession(_ state: inout TUIState) -> [TUIEffect] {
        state.status = StatusMessage(.info, "No session selected.")
        return []
    }

    static func busy(_ state: inout TUIState) -> [TUIEffect] {
        state.status = StatusMessage(.warning, "Busy: wait for the running action to finish.")
        return []
    }

    static func unmanaged(_ state: inout TUIState, _ session: SessionItem) -> [TUIEffect] {
        state.status = StatusMessage(.warning, "'\(session.name)' is not owned by this workspace; csm leaves it alone.")
        return []
    }
}

/// The keys of the create form.
enum CreateFormReducer {
    static func reduce(_ state: inout TUIState, _ form: CreateForm, _ key: Key) -> [TUIEffect] {
        var form = form
        let fields = CreateForm.Field.allCases
        switch key {
        case .escape:
            state.mode = .list
            state.status = StatusMessage(.info, "Create cancelled.")
            return []
        case .tab, .down:
            form.focus = fields[(form.focus.rawValue + 1) % fields.count]
        case .backTab, .up:
            form.focus = fields[(form.focus.rawValue + fields.count - 1) % fields.count]
        case .left where form.focus == .repo:
            if !form.repos.isEmpty { form.repoIndex = (form.repoIndex + form.repos.count - 1) % form.repos.count }
        case .right where form.focus == .repo, .char(" ") where form.focus == .repo:
            if !form.repos.isEmpty { form.repoIndex = (form.repoIndex + 1) % form.repos.count }
        case .backspace:
            var text = form[form.focus]
            if !text.isEmpty { text.removeLast() }
            form[form.focus] = text
        case let .char(c):
            form[form.focus] = form[form.focus] + String(c)
        case let .paste(text):
            form[form.focus] = form[form.focus] + text.replacingNewlines()
        case .enter:
            return submit(&state, &form)
        default:
            break
        }
        form.error = nil
        state.mode = .create(form)
        return []
    }

    static func submit(_ state: inout TUIState, _ form: inout CreateForm) -> [TUIEffect] {
        let name = form.name.trimmingSpaces()
        let branch = form.branch.trimmingSpaces()
        let prompt = form.prompt.trimmingSpaces()
        if !CSMName.isValid(name) {
            form.error =
                name.isEmpty ? "A name is required." : "'\(name)' is not a valid name: use \(CSMName.ruleDescription)."
            form.focus = .name
        } else if state.snapshot?.workspace.sessions[name] != nil {
            form.error = "A session named '\(name)' is already declared."
            form.focus = .name
        } else if form.repo == nil {
            form.error = "No repo is declared."
        }
        if form.error != nil {
            state.mode = .create(form)
            return []
        }
        state.mode = .list
        state.selected = name
        state.pendingSelection = name
        state.busy = "Creating '\(name)'…"
        return [
            .create(
                CreateRequest(
                    name: name, repo: form.repo ?? "", branch: branch.isEmpty ? nil : branch,
                    prompt: prompt.isEmpty ? nil : prompt))
        ]
    }
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }

    func replacingNewlines() -> String { String(map { $0.isNewline ? " " : $0 }) }
}
