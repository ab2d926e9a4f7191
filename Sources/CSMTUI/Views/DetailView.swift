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
        let pending = state.approvals.filter { $0.session == session }
        if let approval = pending.first {
            lines += approvalBanner(approval, more: pending.count - 1, width: width)
        }
        let (symbol, color, word) = SessionStyle.display(item, isAsking: !pending.isEmpty)
        var status = StyledLine("   " + DisplayWidth.fit("Status", to: 10), .dim)
        status.append("\(symbol) \(word)", .color(color, bold: item.agent?.isWaiting == true || !pending.isEmpty))
        if let reason = item.agent?.reason, item.row.status == .running {
            status.append(" — " + reason.replacingNewlines(), .dim)
        }
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
        fact("Work", item.row.worktree == nil ? nil : SessionStyle.work(item))
        fact(
            "Created",
            item.row.createdAt.map {
                timestamp($0, zone: state.timeZone) + " (" + SessionStyle.age(from: $0, to: snapshot.observedAt)
                    + " ago)"
            })
        fact("tmux", item.row.tmuxSession)
        fact("Issue", item.linear.map { key in item.linearTitle.map { key + " — " + $0 } ?? key })
        fact("Model", item.agent?.model)
        if let agent = item.agent {
            fact("Usage", "\(agent.turns) turn\(agent.turns == 1 ? "" : "s") · \(SessionStyle.cost(agent.costUSD))")
        }
        fact("Prompt", item.prompt)
        let texts = state.assistantText[session] ?? []
        if texts.isEmpty { fact("Last said", item.lastMessage) }
        let events = state.events[session] ?? []
        // The agent's latest text, as the server streams it: up to a third of the room left.
        if let latest = texts.last {
            lines.append(StyledLine())
            lines.append(StyledLine(" Agent", .bold) + StyledLine("  (live)", .dim))
            let wrapped = latest.split(separator: "\n", omittingEmptySubsequences: true).flatMap {
                Screen.wrap(String($0), width: width - 3, maxLines: 50)
            }
            let room = max(2, (height - lines.count) / 3)
            if wrapped.count > room { lines.append(StyledLine("   …", .dim)) }
            for text in wrapped.suffix(room) { lines.append(StyledLine("  " + text, .color(.green))) }
        }
        lines.append(StyledLine())
        lines.append(
            StyledLine(" Events", .bold)
                + StyledLine(state.server == nil ? "  (hook log)" : "  (live from csm server)", .dim))
        if events.isEmpty {
            lines.append(
                StyledLine(state.server == nil ? "   No hook events recorded yet." : "   No events yet.", .dim))
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

    /// The banner of a pending tool request: the tool, its input (up to four lines) and the keys.
    static func approvalBanner(_ approval: PendingApproval, more: Int, width: Int) -> [StyledLine] {
        let alert = Style(foreground: .red, isBold: true)
        var lines = [
            StyledLine(" ! Approval needed: ", alert)
                + StyledLine(approval.tool, Style(foreground: .yellow, isBold: true))
                + StyledLine(more > 0 ? "  (+\(more) more)" : "", .dim)
        ]
        let input = approval.input.split(separator: "\n", omittingEmptySubsequences: false)
        for text in input.prefix(4) { lines.append(StyledLine("   │ ", .color(.red)) + StyledLine(String(text))) }
        if input.count > 4 { lines.append(StyledLine("   │ … \(input.count - 4) more lines", .dim)) }
        lines.append(
            StyledLine("   y", .color(.green, bold: true)) + StyledLine(" allow  ")
                + StyledLine("n", .color(.red, bold: true)) + StyledLine(" deny  ")
                + StyledLine("Y", .color(.green, bold: true)) + StyledLine(" always allow  ")
                + StyledLine("N", .color(.red, bold: true)) + StyledLine(" always deny", .plain)
                + StyledLine("  (always: adds the rule to csm.yaml)", .dim))
        return lines
    }

    /// Colours by event type: tools cyan, approvals and waiting red/yellow, the agent's text green, prompts
    /// magenta, failures red, csm's own actions blue.
    static func eventStyle(_ kind: String) -> Style {
        switch kind {
        case "PreToolUse", "PostToolUse", "tool_use", "tool_result": .color(.cyan)
        case "approval_pending", "tool_auto_denied", "error", "setup.failed": .color(.red, bold: true)
        case "PermissionRequest", "Notification", "approval_decided", "status": .color(.yellow)
        case "Stop", "SubagentStop", "SessionEnd", "assistant_text", "tool_auto_allowed": .color(.green)
        case "UserPromptSubmit", "user_prompt", "message.sent": .color(.magenta)
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
