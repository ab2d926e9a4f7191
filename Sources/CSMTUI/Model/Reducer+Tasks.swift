/// The Tasks tab: my Linear issues, their filter and search, an issue's detail, its state, a session for it.
enum TasksReducer {
    /// Loads the issues the first time the tab is shown.
    static func entered(_ state: inout TUIState) -> [TUIEffect] {
        guard state.tab == .tasks, state.tasks.issues == nil else { return [] }
        return [.loadIssues]
    }

    static func received(_ state: inout TUIState, _ event: LinearEvent) -> [TUIEffect] {
        switch event {
        case let .unavailable(message):
            state.tasks.issues = nil
            state.tasks.message = message
        case let .issues(issues):
            state.tasks.issues = issues
            state.tasks.message = nil
            if let detail = state.tasks.detail, let fresh = issues.first(where: { $0.id == detail.id }) {
                state.tasks.detail?.state = fresh.state
                state.tasks.detail?.stateType = fresh.stateType
            }
        case let .detail(issue):
            if state.tasks.detail?.id == issue.id { state.tasks.detail = issue }
            if let index = state.tasks.issues?.firstIndex(where: { $0.id == issue.id }) {
                state.tasks.issues?[index] = issue
            }
        case let .states(issueID, states):
            guard
                let issue = (state.tasks.detail?.id == issueID ? state.tasks.detail : nil)
                    ?? state.tasks.issues?.first(where: { $0.id == issueID })
            else { return [] }
            guard !states.isEmpty else {
                state.status = StatusMessage(.warning, "Linear offers no states for \(issue.identifier).")
                return []
            }
            let index = states.firstIndex { $0.name == issue.state } ?? 0
            state.tasks.statePicker = TasksState.StatePicker(issue: issue, states: states, index: index)
        case let .search(query, results):
            if case var .create(form) = state.mode, form.linearQuery.trimmingSpaces() == query {
                form.linearResults = Array(results.prefix(8))
                form.linearIndex = 0
                state.mode = .create(form)
            }
        case let .failed(message):
            if state.tasks.issues == nil { state.tasks.message = message }
            state.status = StatusMessage(.error, "Linear: " + message)
        }
        return []
    }

    static func reduce(_ state: inout TUIState, _ key: Key) -> [TUIEffect] {
        if let picker = state.tasks.statePicker { return pickState(&state, picker, key) }
        if state.tasks.isSearching { return search(&state, key) }
        if let issue = state.tasks.detail { return detailKey(&state, issue, key) }
        switch key {
        case .down, .char("j"): move(&state, by: 1)
        case .up, .char("k"): move(&state, by: -1)
        case .enter:
            guard let issue = state.tasks.selectedIssue else { return [] }
            state.tasks.selected = issue.identifier
            state.tasks.detail = issue
            state.tasks.scroll = 0
            return [.loadIssue(id: issue.id)]
        case .char("/"):
            state.tasks.isSearching = true
        case .escape:
            state.tasks.search = ""
        case .char("f"):
            let all = TaskFilter.allCases
            state.tasks.filter = all[(state.tasks.filter.rawValue + 1) % all.count]
        case let .char(c) where ("1"..."6").contains(c):
            state.tasks.filter = TaskFilter(rawValue: Int(String(c))! - 1) ?? .all
        case .char("r"):
            state.status = StatusMessage(.info, "Reloading issues…")
            return [.loadIssues, .refresh]
        case .char("s"), .char("c"), .char("o"):
            guard let issue = state.tasks.selectedIssue else {
                state.status = StatusMessage(.info, "No issue selected.")
                return []
            }
            return issueKey(&state, issue, key)
        default:
            return Reducer.listKey(&state, key)
        }
        return []
    }

    static func move(_ state: inout TUIState, by delta: Int) {
        let visible = state.tasks.visible
        guard !visible.isEmpty else { return }
        let current = visible.firstIndex { $0.identifier == state.tasks.selected } ?? 0
        state.tasks.selected = visible[min(visible.count - 1, max(0, current + delta))].identifier
    }

    static func detailKey(_ state: inout TUIState, _ issue: TaskIssue, _ key: Key) -> [TUIEffect] {
        switch key {
        case .escape, .left: state.tasks.detail = nil
        case .down, .char("j"): state.tasks.scroll += 1
        case .up, .char("k"): state.tasks.scroll = max(0, state.tasks.scroll - 1)
        case .char("q"): return Reducer.quit(&state)
        case .char("s"), .char("c"), .char("o"): return issueKey(&state, issue, key)
        case .char("r"): return [.loadIssue(id: issue.id)]
        default: break
        }
        return []
    }

    /// `s` change state, `c` create a session for it, `o` open its URL.
    static func issueKey(_ state: inout TUIState, _ issue: TaskIssue, _ key: Key) -> [TUIEffect] {
        switch key {
        case .char("s"):
            state.status = StatusMessage(.info, "Reading the states of \(issue.identifier)…")
            return [.loadStates(issue: issue)]
        case .char("c"):
            guard state.busy == nil else { return Reducer.busy(&state) }
            let repos = state.snapshot?.workspace.repos.keys.sorted() ?? []
            guard !repos.isEmpty else {
                state.status = StatusMessage(
                    .warning, "No repo is declared; run 'csm create NAME --repo PATH' once to declare one.")
                return []
            }
            var form = CreateForm(repos: repos)
            form.hosts = state.snapshot?.workspace.hosts.keys.sorted() ?? []
            form.offersLinear = true
            CreateFormReducer.pick(&form, issue)
            if let branch = issue.branchName, !branch.isEmpty { form.branch = branch }
            state.mode = .create(form)
        case .char("o"):
            guard let url = issue.url else {
                state.status = StatusMessage(.info, "\(issue.identifier) has no URL.")
                return []
            }
            return [.openURL(url)]
        default: break
        }
        return []
    }

    static func search(_ state: inout TUIState, _ key: Key) -> [TUIEffect] {
        switch key {
        case .enter: state.tasks.isSearching = false
        case .escape:
            state.tasks.search = ""
            state.tasks.isSearching = false
        default: _ = state.tasks.search.edit(with: key)
        }
        return []
    }

    static func pickState(_ state: inout TUIState, _ picker: TasksState.StatePicker, _ key: Key) -> [TUIEffect] {
        var picker = picker
        switch key {
        case .escape, .char("q"):
            state.tasks.statePicker = nil
            return []
        case .down, .char("j"): picker.index = min(picker.states.count - 1, picker.index + 1)
        case .up, .char("k"): picker.index = max(0, picker.index - 1)
        case .enter:
            state.tasks.statePicker = nil
            let target = picker.states[picker.index]
            guard target.name != picker.issue.state else {
                state.status = StatusMessage(.info, "\(picker.issue.identifier) is already \(target.name).")
                return []
            }
            state.status = StatusMessage(.info, "Moving \(picker.issue.identifier) to \(target.name)…")
            return [.setIssueState(issue: picker.issue, state: target)]
        default: break
        }
        state.tasks.statePicker = picker
        return []
    }
}
