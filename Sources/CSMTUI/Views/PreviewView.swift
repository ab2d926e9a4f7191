/// `p`: the session's last message beside its git changes; a file's diff on `d`.
enum PreviewView {
    static func lines(_ state: TUIState, _ preview: Preview, width: Int, height: Int) -> [StyledLine] {
        if let diff = preview.diff { return diffLines(diff, width: width, height: height) }
        var title = StyledLine(" Preview ", .dim)
        title.append(preview.session, .bold)
        if !preview.isLoading {
            title.append("  \(preview.uncommitted.count) uncommitted · \(preview.committed.count) committed", .dim)
        }
        let changes = changeLines(preview)
        let message = messageLines(
            state, preview.session, width: width >= 100 ? width * 2 / 5 - 2 : width - 2, height: height)
        guard width >= 100 else {
            return [title, StyledLine()] + changes + [StyledLine()] + message
        }
        let left = width * 2 / 5
        var lines = [title, StyledLine()]
        for row in 0..<max(changes.count, message.count) {
            let l = row < message.count ? message[row] : StyledLine()
            let r = row < changes.count ? changes[row] : StyledLine()
            lines.append(l.fitted(to: left, pad: true) + StyledLine(" │", .dim) + r.fitted(to: width - left - 2))
        }
        return lines
    }

    static func changeLines(_ preview: Preview) -> [StyledLine] {
        if preview.isLoading { return [StyledLine(" Reading git…", .dim)] }
        var lines: [StyledLine] = []
        var index = 0
        for (title, files) in [("Uncommitted", preview.uncommitted), ("Committed on the branch", preview.committed)] {
            lines.append(StyledLine(" " + title, .bold))
            if files.isEmpty { lines.append(StyledLine("   nothing", .dim)) }
            for file in files {
                let isSelected = index == preview.selection
                var line = StyledLine(isSelected ? " ▸ " : "   ", Style(isBold: true, isReversed: isSelected))
                line.append(file.status + " ", Style(foreground: statusColor(file.status), isReversed: isSelected))
                line.append(file.path, Style(isReversed: isSelected))
                if let ins = file.insertions, let del = file.deletions {
                    line.append("  +\(ins)", Style(foreground: .green, isReversed: isSelected))
                    line.append(" −\(del)", Style(foreground: .red, isReversed: isSelected))
                }
                lines.append(line)
                index += 1
            }
        }
        return lines
    }

    static func messageLines(_ state: TUIState, _ session: String, width: Int, height: Int) -> [StyledLine] {
        var lines = [StyledLine(" Last message", .bold)]
        guard let last = state.events[session]?.last(where: { $0.kind == "Stop" && !$0.summary.isEmpty }) else {
            lines.append(StyledLine(" None yet: the agent has not finished a turn.", .dim))
            return lines
        }
        var paragraphs: [String] = []
        for paragraph in last.summary.split(separator: "\n", omittingEmptySubsequences: false) {
            paragraphs += Screen.wrap(String(paragraph), width: max(10, width), maxLines: 1000)
            if paragraph.isEmpty { paragraphs.append("") }
        }
        let room = max(1, height - 3)
        if paragraphs.count > room { paragraphs = Array(paragraphs.suffix(room - 1)); paragraphs.insert(" …", at: 0) }
        return lines + paragraphs.map { StyledLine($0) }
    }

    static func diffLines(_ diff: DiffPane, width: Int, height: Int) -> [StyledLine] {
        var title = StyledLine(" diff ", .dim)
        title.append(diff.file.path, .bold)
        title.append(
            diff.file.isCommitted
                ? "  (committed on the branch)" : diff.file.status == "?" ? "  (untracked)" : "  (uncommitted)", .dim)
        guard let lines = diff.lines else { return [title, StyledLine(" Reading the diff…", .dim)] }
        let room = max(1, height - 1)
        let start = min(diff.scroll, max(0, lines.count - room))
        if lines.count > room {
            title.append("  \(start + 1)–\(min(lines.count, start + room)) of \(lines.count)", .dim)
        }
        return [title]
            + lines.dropFirst(start).prefix(room).map { line in
                let style: Style =
                    line.hasPrefix("+++") || line.hasPrefix("---")
                    ? .bold
                    : line.hasPrefix("+")
                        ? .color(.green)
                        : line.hasPrefix("-")
                            ? .color(.red)
                            : line.hasPrefix("@@")
                                ? .color(.cyan)
                                : .plain
                return StyledLine(" " + line, style)
            }
    }

    static func statusColor(_ status: String) -> Color {
        switch status {
        case "A", "?": .green
        case "D": .red
        default: .yellow
        }
    }
}
