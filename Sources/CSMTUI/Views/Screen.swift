import CSMModel
import Foundation

/// Draws the whole screen for a state: header, tab bar, the body of the current tab or mode, the status
/// line and the key hints. Pure: the same state always gives the same frame.
public enum Screen {
    /// The smallest width laid out; a narrower terminal shows the left part of that layout.
    public static let minimumColumns = 40

    /// The frame for `state` at `state.size`.
    public static func render(_ state: TUIState) -> Frame {
        let width = max(minimumColumns, state.size.columns)
        let height = max(4, state.size.rows)
        var lines: [StyledLine] = [header(state, width: width), tabBar(state, width: width), separator(width)]
        let status = statusLines(state, width: width)
        let usage = UsageView.line(state, width: width)
        let bodyHeight = max(0, height - lines.count - 1 - status.count - (usage == nil ? 0 : 1))
        var body = bodyLines(state, width: width, height: bodyHeight)
        if body.count > bodyHeight { body = Array(body.prefix(bodyHeight)) }
        body += Array(repeating: StyledLine(), count: bodyHeight - body.count)
        lines += body
        lines += status
        if let usage { lines.append(usage) }
        lines.append(footer(state, width: width))
        // Laid out for at least the minimum size, then cut to the real one: a line wider than the terminal would
        // wrap and a frame taller would scroll.
        let columns = max(1, min(width, state.size.columns))
        let rows = max(1, min(height, state.size.rows))
        return Frame(lines: Array(lines.prefix(rows)).map { $0.sanitized().fitted(to: columns) })
    }

    static func bodyLines(_ state: TUIState, width: Int, height: Int) -> [StyledLine] {
        switch state.mode {
        case .help: return HelpView.lines(width: width)
        case let .preview(preview): return PreviewView.lines(state, preview, width: width, height: height)
        case let .plan(scroll): return PlanView.lines(state, width: width, height: height, scroll: scroll)
        case let .create(form): return CreateFormView.lines(form, width: width)
        case let .detail(session): return DetailView.lines(state, session: session, width: width, height: height)
        case let .message(draft): return SessionFormsView.message(draft, width: width, height: height)
        case let .edit(form): return SessionFormsView.edit(form, width: width)
        case let .scripts(picker): return SessionFormsView.scripts(picker, width: width)
        case let .merge(form): return SessionFormsView.merge(form, width: width, height: height)
        case .list, .filter:
            switch state.tab {
            case .sessions: return SessionsView.lines(state, width: width, height: height)
            case .repos: return scrolled(ReposView.lines(state, width: width), state.scroll, height)
            case .hosts: return scrolled(HostsView.lines(state, width: width), state.scroll, height)
            case .tasks: return TasksView.lines(state, width: width, height: height)
            case .config: return scrolled(ConfigView.lines(state, width: width, height: height), state.scroll, height)
            }
        }
    }

    /// `lines` from `offset`, never scrolled past the point where the last line is at the bottom.
    static func scrolled(_ lines: [StyledLine], _ offset: Int, _ height: Int) -> [StyledLine] {
        Array(lines.dropFirst(min(offset, max(0, lines.count - height))))
    }

    static func header(_ state: TUIState, width: Int) -> StyledLine {
        var left = StyledLine(" ◆ csm", .color(.cyan, bold: true))
        if let snapshot = state.snapshot {
            left.append("  workspace ", .dim)
            left.append(snapshot.workspace.name, .bold)
            left.append("  ")
            left = left + drift(snapshot.plan)
        } else {
            left.append("  observing…", .dim)
        }
        return left
    }

    /// "✓ in sync" or "N changes pending".
    static func drift(_ plan: Plan) -> StyledLine {
        guard plan.hasChanges else { return StyledLine("✓ in sync", .color(.green)) }
        let count = plan.actions.count
        var text = "\(count) change\(count == 1 ? "" : "s") pending"
        if plan.blockedCount > 0 { text += " (\(plan.blockedCount) blocked)" }
        return StyledLine("△ " + text + " · P to review", .color(.yellow, bold: true))
    }

    static func tabBar(_ state: TUIState, width: Int) -> StyledLine {
        var line = StyledLine(" ")
        for (index, tab) in Tab.allCases.enumerated() {
            if index > 0 { line.append(" │ ", .dim) }
            line.append(" \(tab.title) ", tab == state.tab ? Style(isBold: true, isReversed: true) : .plain)
        }
        return line
    }

    static func separator(_ width: Int) -> StyledLine { StyledLine(String(repeating: "─", count: width), .dim) }

    /// The status area: one line, or up to three for a long error or warning (word-wrapped, never cut mid-word
    /// unless a word is longer than the line).
    static func statusLines(_ state: TUIState, width: Int) -> [StyledLine] {
        let line = statusLine(state, width: width)
        guard state.confirmation == nil, state.busy == nil, line.width > width, let style = line.spans.first?.style,
            let kind = state.status?.kind ?? (state.dataError == nil ? nil : .error), kind == .error || kind == .warning
        else { return [line] }
        return wrap(line.plainText, width: width, maxLines: 3).map { StyledLine($0, style) }
    }

    /// `text` split at spaces into lines of at most `width` columns (each continuation indented by one
    /// space); the last allowed line is truncated with an ellipsis.
    static func wrap(_ text: String, width: Int, maxLines: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let candidate = current.isEmpty ? " " + word : current + " " + word
            if DisplayWidth.of(candidate) <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = " " + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        if lines.count > maxLines {
            let last = lines[maxLines - 1] + " " + lines[maxLines...].joined(separator: " ")
            lines = Array(lines.prefix(maxLines - 1)) + [DisplayWidth.truncate(last, to: width)]
        }
        return lines.map { DisplayWidth.truncate($0, to: width) }
    }

    static func statusLine(_ state: TUIState, width: Int) -> StyledLine {
        if let confirmation = state.confirmation {
            switch confirmation {
            case let .kill(session):
                return StyledLine(" Kill '\(session)'? [y/N] ", .color(.yellow, bold: true))
                    + StyledLine(
                        "Its tmux session ends; its worktree is removed unless it holds unsaved work; the branch is kept.",
                        .color(.yellow))
            case let .apply(destroys):
                return StyledLine(
                    " Apply destroys \(destroys.joined(separator: ", ")). Continue? [y/N]", .color(.yellow, bold: true))
            case let .archive(session):
                return StyledLine(" Archive '\(session)' now? [y/N] ", .color(.yellow, bold: true))
                    + StyledLine(
                        "It leaves csm.yaml, its tmux session and worktree go, the branch and a record are kept (csm restore).",
                        .color(.yellow))
            }
        }
        if let busy = state.busy { return StyledLine(" ⋯ " + busy, .color(.cyan)) }
        if state.mode == .filter { return StyledLine(" /" + state.filter + "▏", .bold) }
        if let status = state.status {
            let style: Style =
                switch status.kind {
                case .info: .plain
                case .success: .color(.green)
                case .warning: .color(.yellow)
                case .error: .color(.red, bold: true)
                }
            return StyledLine(" " + status.text, style)
        }
        if let error = state.dataError { return StyledLine(" Observation failed: " + error, .color(.red)) }
        if !state.filter.isEmpty { return StyledLine(" filter: /" + state.filter + "  (esc clears)", .dim) }
        return StyledLine()
    }

    static func footer(_ state: TUIState, width: Int) -> StyledLine {
        let hints = StyledLine(" " + keyHints(state, width: width), .dim)
        let live = state.server != nil && state.connection.hasPrefix("live")
        // The connection state keeps up to half the line; the hints get the rest.
        let connection =
            StyledLine((live ? "● " : "○ ") + state.connection, live ? .color(.green) : .dim)
            .fitted(to: max(12, width / 2)) + StyledLine(" ")
        let room = width - connection.width - 1
        return spread(hints.fitted(to: room), connection, width: width)
    }

    static func keyHints(_ state: TUIState, width: Int) -> String {
        let wide = width >= 120
        switch state.mode {
        case .help: return "any key closes help"
        case let .preview(preview):
            return preview.diff == nil
                ? "↑↓ file · ⏎/d diff · a/t attach · r reload · esc close · q quit"
                : "↑↓ scroll · space page · esc/d back · q quit"
        case .filter: return "type to filter · ⏎ keep · esc clear"
        case let .create(form):
            return form.focus == .linear
                ? "type to search Linear · ↑↓ result · ⏎ take it · tab next field · esc cancel"
                : "tab/↑↓ field · ←→ choose · ⏎ create · esc cancel"
        case .plan: return "↑↓ scroll · A apply · esc back · q quit"
        case .message: return "⏎ send · ctrl-j new line · esc discard"
        case .edit: return "tab/↑↓ field · space favorite · ⏎ save · esc cancel"
        case .scripts: return "↑↓ choose · ⏎ run · esc back"
        case .merge: return "tab/↑↓ field · ←→ strategy · ⏎ merge · esc cancel"
        case let .detail(session):
            let approval = state.approvals.contains { $0.session == session }
            if approval { return "y allow · n deny · Y always allow · N always deny · v next · esc back" }
            return wide
                ? "i message · a/t attach · R reconnect · e edit · x script · m merge · K kill · p preview · esc back · q quit"
                : "i msg · a/t · R · e · x · m · K · esc back · q quit"
        case .list where state.tab == .tasks:
            if state.tasks.statePicker != nil { return "↑↓ choose · ⏎ move the issue · esc back" }
            if state.tasks.isSearching { return "type to search · ⏎ keep · esc clear" }
            if state.tasks.detail != nil { return "↑↓ scroll · s state · c session · o open · esc back" }
            return wide
                ? "↑↓ move · ⏎ detail · f/1-6 filter · / search · s state · c session · o open · r reload · tab switch · q quit"
                : "↑↓ ⏎ f / s c o r · tab · q quit"
        case .list where width < 100:
            return state.tab == .sessions
                ? "↑↓ ⏎ a t c K f P A / r · ? help · q quit" : "tab ↑↓ c P A r · ? help · q quit"
        case .list:
            guard state.tab == .sessions else {
                return "tab switch · ↑↓ scroll · c create · P plan · A apply · r refresh · ? help · q quit"
            }
            return wide
                ? "↑↓ move · ⏎ detail · a/t attach · c create · e edit · x script · m merge · K kill · f favorite · P plan · A apply · v approval · / filter · ? help · q quit"
                : "↑↓ move · ⏎ detail · a/t attach · c create · K kill · f favorite · P plan · A apply · / filter · ? help · q quit"
        }
    }

    /// `left` and `right` on one line, `right` flush with the right edge when there is room.
    static func spread(_ left: StyledLine, _ right: StyledLine, width: Int) -> StyledLine {
        let gap = width - left.width - right.width
        guard gap >= 1 else { return left }
        return left + StyledLine(String(repeating: " ", count: gap)) + right
    }
}
