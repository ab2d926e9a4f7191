import CSMModel

extension Reducer {
    /// What a key that needs a running `csm server` says when none feeds the dashboard.
    public static let needsServer: [Character: String] = [
        "y": "needs csm server: tool approvals wait in it (start one with 'csm server')",
        "n": "needs csm server: tool approvals wait in it (start one with 'csm server')",
        "Y": "needs csm server: tool approvals wait in it (start one with 'csm server')",
        "N": "needs csm server: tool approvals wait in it (start one with 'csm server')",
        "v": "needs csm server: pending approvals are reported by it (start one with 'csm server')",
        "i": "needs csm server: it sends messages to agents, checking first that none waits at a prompt",
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
            var form = CreateForm(repos: repos, preferredRepo: session?.repo)
            form.hosts = state.snapshot?.workspace.hosts.keys.sorted() ?? []
            form.offersLinear = state.offersLinear
            form.focus = form.fields[0]
            state.mode = .create(form)
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
        case "y", "n", "Y", "N":
            return ServerKeys.decide(&state, session: session, allow: c.lowercased() == "y", always: c.isUppercase)
        case "v":
            return ServerKeys.nextApproval(&state)
        case "i":
            return ServerKeys.startMessage(&state, session: session)
        case "R":
            guard let session else { return noSession(&state) }
            guard state.busy == nil else { return busy(&state) }
            guard session.repo != nil else { return notDeclared(&state, session, "reconnected") }
            state.busy = "Reconnecting '\(session.name)'…"
            return [.reconnect(session: session.name)]
        case "e":
            guard let session else { return noSession(&state) }
            guard state.busy == nil else { return busy(&state) }
            guard session.repo != nil else { return notDeclared(&state, session, "edited") }
            state.mode = .edit(EditForm(session: session.name, linear: session.linear, favorite: session.isFavorite))
        case "x":
            return ServerKeys.pickScript(&state, session: session)
        case "m":
            guard let session else { return noSession(&state) }
            guard state.busy == nil else { return busy(&state) }
            guard session.repo != nil, let branch = session.row.branch else {
                return notDeclared(&state, session, "merged")
            }
            state.mode = .merge(MergeForm(session: session.name, branch: branch))
            return [.loadMergeMessage(session: session.name)]
        default:
            break
        }
        return []
    }

    static func notDeclared(_ state: inout TUIState, _ session: SessionItem, _ verb: String) -> [TUIEffect] {
        state.status = StatusMessage(
            .warning, "'\(session.name)' is not declared in csm.yaml, so it cannot be \(verb).")
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
        let fields = form.fields
        let position = fields.firstIndex(of: form.focus) ?? 0
        var effects: [TUIEffect] = []
        switch key {
        case .escape:
            state.mode = .list
            state.status = StatusMessage(.info, "Create cancelled.")
            return []
        case .down where form.focus == .linear && !form.linearResults.isEmpty:
            form.linearIndex = min(form.linearResults.count - 1, form.linearIndex + 1)
        case .up where form.focus == .linear && !form.linearResults.isEmpty && form.linearIndex > 0:
            form.linearIndex -= 1
        case .enter where form.focus == .linear && form.linearResults.indices.contains(form.linearIndex):
            pick(&form, form.linearResults[form.linearIndex])
        case .tab, .down:
            form.focus = fields[(position + 1) % fields.count]
        case .backTab, .up:
            form.focus = fields[(position + fields.count - 1) % fields.count]
        case .left, .right,
            .char(" ") where [.repo, .host, .effort].contains(form.focus):
            let step = key == .left ? -1 : 1
            switch form.focus {
            case .repo where !form.repos.isEmpty:
                form.repoIndex = (form.repoIndex + form.repos.count + step) % form.repos.count
            case .host where !form.hosts.isEmpty:
                // nil (the repo's host) comes before the declared hosts.
                let count = form.hosts.count + 1
                let current = form.hostIndex.map { $0 + 1 } ?? 0
                let next = (current + count + step) % count
                form.hostIndex = next == 0 ? nil : next - 1
            case .effort:
                let count = CreateForm.efforts.count
                form.effortIndex = (form.effortIndex + count + step) % count
            default: break
            }
        case .enter:
            return submit(&state, &form)
        default:
            var text = form[form.focus]
            guard ![.repo, .host, .effort].contains(form.focus), text.edit(with: key) else { break }
            form[form.focus] = text
            if form.focus == .linear {
                form.linear = nil
                form.linearIndex = 0
                let query = text.trimmingSpaces()
                if query.count >= 2 { effects.append(.searchIssues(query: query)) } else { form.linearResults = [] }
            }
        }
        form.error = nil
        state.mode = .create(form)
        return effects
    }

    /// Takes an issue found by the search: its key, and the session name and branch derived from it when
    /// those are still empty.
    static func pick(_ form: inout CreateForm, _ issue: TaskIssue) {
        form.linear = issue.identifier
        form.linearQuery = issue.identifier + " " + issue.title
        form.linearResults = []
        if form.name.isEmpty { form.name = issue.sessionName }
        if form.prompt.isEmpty {
            form.prompt =
                "Work on Linear issue \(issue.identifier): \(issue.title)" + (issue.url.map { " (\($0))" } ?? "")
        }
        form.focus = .name
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
        state.tab = .sessions
        state.selected = name
        state.pendingSelection = name
        state.busy = "Creating '\(name)'…"
        return [
            .create(
                CreateRequest(
                    name: name, repo: form.repo ?? "", branch: branch.isEmpty ? nil : branch,
                    prompt: prompt.isEmpty ? nil : prompt, host: form.host, linear: form.linear, effort: form.effort))
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
