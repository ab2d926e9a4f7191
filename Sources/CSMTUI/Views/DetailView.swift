import CSMEngine
import Foundation

/// One session's facts and its recent events.
enum DetailView {
    static func lines(_ state: TUIState, session: String, width: Int, height: Int) -> [StyledLine] {
        guard let snapshot = state.snapshot, let item = snapshot.sessions.first(where: { $0.name == session }) else {
            return [StyledLine(" Session '\(session)' is gone (esc goes back).", .dim)]
        }
        var lines: [StyledLine] = []
        var title = StyledLine(" " + (item.isFavorite ? "★ " : ""), .color(.yellow))
        title.append("Session ", .dim)
        title.append(item.name, .bold)
        lines.append(title)
        if let approval = state.approvals.first(where: { $0.session == session }) {
            lines.append(
                StyledLine(
                    " ! \(approval.tool) wants to run: \(approval.input.replacingNewlines())", .color(.red, bold: true))
            )
        }
        let (symbol, color) = SessionStyle.symbol(item.row.status)
        var status = StyledLine("   " + DisplayWidth.fit("Status", to: 10), .dim)
        status.append("\(symbol) \(item.row.status.rawValue)", .color(color))
        if item.row.attached { status.append(" (attached)", .dim) }
        lines.append(status)
        func fact(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            lines.append(
                StyledLine("   " + DisplayWidth.fit(label, to: 10), .dim) + StyledLine(value.replacingNewlines()))
        }
        fact("Host", item.row.host)
        fact("Repo", item.repo ?? "not declared")
        fact("Branch", item.row.branch)
        fact("Worktree", item.row.worktree)
        fact("Work", item.row.worktree == nil ? nil : SessionStyle.changes(item))
        fact(
            "Created",
            item.row.createdAt.map {
                timestamp($0, zone: state.timeZone) + " (" + SessionStyle.age(from: $0, to: snapshot.observedAt)
                    + " ago)"
            })
        fact("tmux", item.row.tmuxSession)
        fact("Issue", item.linear)
        fact("Prompt", item.prompt)
        fact("Last said", item.lastMessage)
        lines.append(StyledLine())
        lines.append(StyledLine(" Events", .bold) + StyledLine("  (hook log)", .dim))
        let events = state.events[session] ?? []
        if events.isEmpty {
            lines.append(StyledLine("   No hook events recorded yet.", .dim))
        } else {
            let room = max(1, height - lines.count)
            for event in events.suffix(room) {
                var line = StyledLine(
                    "   " + (event.time.map { clock($0, zone: state.timeZone) } ?? "--:--:--") + "  ", .dim)
                line.append(DisplayWidth.fit(event.kind, to: 18) + " ", eventStyle(event.kind))
                line.append(event.summary.replacingNewlines())
                lines.append(line)
            }
        }
        return lines
    }

    static func eventStyle(_ kind: String) -> Style {
        switch kind {
        case "PreToolUse", "PostToolUse": .color(.cyan)
        case "PermissionRequest", "Notification": .color(.yellow)
        case "Stop", "SubagentStop", "SessionEnd": .color(.green)
        case "UserPromptSubmit": .color(.magenta)
        default: .color(.blue)
        }
    }

    static func timestamp(_ date: Date, zone: TimeZone) -> String {
        let c = calendar(zone).dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    static func clock(_ date: Date, zone: TimeZone) -> String {
        let c = calendar(zone).dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}
