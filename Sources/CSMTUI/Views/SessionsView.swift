import CSMEngine
import Foundation

/// The Sessions tab: one row per session grouped by repo, the selected row highlighted.
enum SessionsView {
    /// Which columns fit a width, and how wide each is.
    struct Columns: Equatable {
        var name: Int
        var host: Int?
        var linear: Int?
        var branch: Int?
        var changes: Int?
        var lastMessage: Int?
        /// Turns and cost (from the server, or from the local transcripts without one).
        var turns: Int?
        var cost: Int?
        static let status = 13
        static let age = 5

        init(width: Int, hasLinear: Bool, hasAgent: Bool = false) {
            host = width >= 80 ? 10 : nil
            linear = width >= 140 && hasLinear ? 10 : nil
            branch = width >= 100 ? 24 : nil
            changes = width >= 120 ? 25 : nil
            turns = hasAgent && width >= 90 ? 5 : nil
            cost = hasAgent && width >= 70 ? 7 : nil
            let fixed =
                5 + Self.status + 1 + Self.age + 1
                + [host, linear, branch, changes, turns, cost].compactMap { $0.map { $0 + 1 } }.reduce(0, +)
            let rest = width - fixed
            name = max(8, min(28, rest))
            if width >= 160 {
                lastMessage = max(0, rest - name - 1)
            } else if let branchWidth = branch {
                branch = branchWidth + rest - name  // what the name does not need goes to the branch
            } else {
                name = max(8, rest)
            }
        }
    }

    static func lines(_ state: TUIState, width: Int, height: Int) -> [StyledLine] {
        guard let snapshot = state.snapshot else { return [StyledLine(" Observing sessions…", .dim)] }
        var lines: [StyledLine] = []
        if let first = state.approvals.first {
            let count = state.approvals.count
            lines.append(
                StyledLine(
                    " ! \(count) tool approval\(count == 1 ? "" : "s") pending — \(first.session): \(first.tool) [v to view]",
                    .color(.red, bold: true)))
        }
        let visible = state.visibleSessions
        guard !visible.isEmpty else {
            lines.append(
                StyledLine(
                    state.filter.isEmpty
                        ? " No sessions in workspace '\(snapshot.workspace.name)'. Press c to create one."
                        : " No session matches /\(state.filter).", .dim))
            return lines
        }
        // Turns and cost: from the server, or from the transcripts without one.
        let hasAgent = state.server != nil || visible.contains { $0.agent != nil }
        let columns = Columns(width: width, hasLinear: visible.contains { $0.linear != nil }, hasAgent: hasAgent)
        lines.append(headerRow(columns).fitted(to: width))
        var rows: [(line: StyledLine, isSelected: Bool)] = []
        var group: String?? = .none
        let selected = state.selectedSession?.name
        let asking = Set(state.approvals.map(\.session))
        for item in visible {
            if group != .some(item.repo) {
                group = .some(item.repo)
                rows.append((StyledLine(" " + (item.repo ?? "not declared"), .color(.blue, bold: true)), false))
            }
            let isSelected = item.name == selected
            rows.append(
                (
                    row(
                        item, columns: columns, now: snapshot.observedAt, isSelected: isSelected, width: width,
                        isAsking: asking.contains(item.name)),
                    isSelected
                ))
        }
        // Scroll so the selected row stays in view.
        let room = max(1, height - lines.count)
        let selectedIndex = rows.firstIndex { $0.isSelected } ?? 0
        let offset = rows.count <= room ? 0 : min(rows.count - room, max(0, selectedIndex - room + 2))
        lines += rows.dropFirst(offset).prefix(room).map(\.line)
        return lines
    }

    static func headerRow(_ columns: Columns) -> StyledLine {
        var text =
            "     " + DisplayWidth.fit("NAME", to: columns.name) + " " + DisplayWidth.fit("STATUS", to: Columns.status)
            + " " + DisplayWidth.fitRight("AGE", to: Columns.age)
        if let turns = columns.turns { text += " " + DisplayWidth.fitRight("TURNS", to: turns) }
        if let cost = columns.cost { text += " " + DisplayWidth.fitRight("COST", to: cost) }
        if let host = columns.host { text += " " + DisplayWidth.fit("HOST", to: host) }
        if let linear = columns.linear { text += " " + DisplayWidth.fit("ISSUE", to: linear) }
        if let branch = columns.branch { text += " " + DisplayWidth.fit("BRANCH", to: branch) }
        if let changes = columns.changes { text += " " + DisplayWidth.fit("CHANGES", to: changes) }
        if let width = columns.lastMessage, width > 0 { text += " " + DisplayWidth.fit("LAST MESSAGE", to: width) }
        return StyledLine(text, .dim)
    }

    /// `isAsking`: a tool request of the session waits for a decision here (the server holds it, and the
    /// agent's own status may still say `working`).
    static func row(
        _ item: SessionItem, columns: Columns, now: Date, isSelected: Bool, width: Int, isAsking: Bool = false
    ) -> StyledLine {
        let isWaiting = item.agent?.isWaiting == true || isAsking
        var base: Style = isSelected ? .reversed : .plain
        if item.row.status == .unmanaged && !isSelected { base = .dim }
        // A session waiting for a person stands out: yellow and bold across the row, `!` in the gutter.
        if isWaiting { base = Style(foreground: .yellow, isBold: true, isReversed: isSelected) }
        func style(_ s: Style) -> Style {
            var s = s
            s.isReversed = isSelected
            return s
        }
        let gutter = isSelected ? (isWaiting ? " ▸!" : " ▸ ") : (isWaiting ? "  !" : "   ")
        var line = StyledLine(gutter, style(isWaiting ? .color(.yellow, bold: true) : .bold))
        line.append(item.isFavorite ? "★ " : "  ", style(.color(.yellow)))
        line.append(DisplayWidth.fit(item.name, to: columns.name) + " ", style(isSelected || isWaiting ? .bold : base))
        let (symbol, color, word) = SessionStyle.display(item, isAsking: isAsking)
        line.append(
            DisplayWidth.fit(symbol + " " + word, to: Columns.status) + " ", style(.color(color, bold: isWaiting)))
        line.append(
            DisplayWidth.fitRight(
                item.row.createdAt.map { SessionStyle.age(from: $0, to: now) } ?? "-", to: Columns.age), base)
        if let turns = columns.turns {
            line.append(" " + DisplayWidth.fitRight(item.agent.map { String($0.turns) } ?? "-", to: turns), base)
        }
        if let cost = columns.cost {
            line.append(
                " " + DisplayWidth.fitRight(item.agent.map { SessionStyle.cost($0.costUSD) } ?? "-", to: cost), base)
        }
        if let host = columns.host { line.append(" " + DisplayWidth.fit(item.row.host, to: host), base) }
        if let linear = columns.linear { line.append(" " + DisplayWidth.fit(item.linear ?? "", to: linear), base) }
        if let branch = columns.branch { line.append(" " + DisplayWidth.fit(item.row.branch ?? "-", to: branch), base) }
        if let changes = columns.changes {
            line.append(" " + DisplayWidth.fit(SessionStyle.changes(item), to: changes), base)
        }
        if let width = columns.lastMessage, width > 0 {
            line.append(" " + DisplayWidth.fit(item.lastMessage?.replacingNewlines() ?? "", to: width), style(.dim))
        }
        return line.fitted(to: width, pad: isSelected, padStyle: base)
    }
}

/// Symbols, colours and short texts shared by the views.
enum SessionStyle {
    /// The status a row shows: the agent's (working, waiting, idle, starting) when a server reports it for a
    /// running session — `waiting` while one of its tool requests waits for a decision — else the observed one.
    static func display(_ item: SessionItem, isAsking: Bool = false) -> (String, Color, String) {
        if item.row.status == .running, isAsking { return ("▲", .yellow, "waiting") }
        if item.row.status == .running, let agent = item.agent {
            switch agent.status {
            case "working": return ("◐", .cyan, "working")
            case "waiting": return ("▲", .yellow, "waiting")
            case "idle": return ("●", .green, "idle")
            case "starting": return ("◔", .blue, "starting")
            default: break
            }
        }
        let (symbol, color) = symbol(item.row.status)
        return (symbol, color, item.row.status.rawValue)
    }

    /// "$0.42", "$12.30", "$1.2k".
    static func cost(_ usd: Double) -> String {
        if usd >= 1000 { return String(format: "$%.1fk", usd / 1000) }
        return String(format: "$%.2f", usd)
    }

    static func symbol(_ status: SessionStatus) -> (String, Color) {
        switch status {
        case .running: ("●", .green)
        case .stopped: ("■", .red)
        case .missing: ("○", .yellow)
        case .orphaned: ("◌", .yellow)
        case .unmanaged: ("·", .white)
        case .unreachable: ("✕", .red)
        case .blocked: ("!", .red)
        }
    }

    /// "45s", "12m", "3h", "5d" (as `csm list`).
    static func age(from date: Date, to now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86400: return "\(seconds / 3600)h"
        default: return "\(seconds / 86400)d"
        }
    }

    /// `3 files +42 −7` (the branch against its base, untracked files as added) or "clean" once the stats
    /// are known; before that, and on remote hosts, the observed counts: "2 mod · 1 new · 3 commits".
    /// "-" when there is no worktree to look at.
    static func changes(_ item: SessionItem) -> String {
        guard hasWorktree(item) else { return "-" }
        if let stats = item.diffStats { return stats.summary }
        return counts(item) ?? "clean"
    }

    /// The detail view's line: the stats with the counts behind them ("3 files +42 −7 · 2 mod · 1 new").
    static func work(_ item: SessionItem) -> String {
        guard hasWorktree(item) else { return "-" }
        guard let stats = item.diffStats else { return counts(item) ?? "clean" }
        return [stats.summary, counts(item)].compactMap { $0 }.joined(separator: " · ")
    }

    /// "2 mod · 1 new · 3 commits"; nil when all are 0.
    static func counts(_ item: SessionItem) -> String? {
        var parts: [String] = []
        if item.uncommitted > 0 { parts.append("\(item.uncommitted) mod") }
        if item.untracked > 0 { parts.append("\(item.untracked) new") }
        if item.uniqueCommits > 0 { parts.append("\(item.uniqueCommits) commit\(item.uniqueCommits == 1 ? "" : "s")") }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    static func hasWorktree(_ item: SessionItem) -> Bool {
        item.row.worktree != nil && item.row.status != .unmanaged
            && (item.row.status != .missing || item.row.createdAt != nil)
    }
}
