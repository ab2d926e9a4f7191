/// The Tasks tab: my Linear issues grouped by state, an issue's detail, the state picker.
enum TasksView {
    static func lines(_ state: TUIState, width: Int, height: Int) -> [StyledLine] {
        let tasks = state.tasks
        guard let issues = tasks.issues else {
            return [
                StyledLine(" " + (tasks.message ?? "Reading your Linear issues…"), tasks.message == nil ? .dim : .bold)
            ]
        }
        if let picker = tasks.statePicker { return statePicker(picker, width: width) }
        if let issue = tasks.detail { return detail(issue, scroll: tasks.scroll, width: width, height: height) }
        var lines: [StyledLine] = [filterBar(tasks, count: issues.count)]
        let visible = tasks.visible
        guard !visible.isEmpty else {
            lines.append(StyledLine(" No issue matches.", .dim))
            return lines
        }
        let keyWidth = min(12, max(6, visible.map { DisplayWidth.of($0.identifier) }.max() ?? 6))
        var rows: [(StyledLine, Bool)] = []
        var group: String?
        let selected = tasks.selectedIssue?.identifier
        for issue in visible {
            if group != issue.state {
                group = issue.state
                rows.append((StyledLine(" " + issue.state, .color(stateColor(issue.stateType), bold: true)), false))
            }
            let isSelected = issue.identifier == selected
            var line = StyledLine(
                isSelected ? " ▸ " : "   ", isSelected ? Style(isBold: true, isReversed: true) : .plain)
            line.append(
                DisplayWidth.fit(issue.identifier, to: keyWidth) + "  ",
                isSelected ? Style(isBold: true, isReversed: true) : .bold)
            line.append(issue.title.replacingNewlines(), isSelected ? .reversed : .plain)
            rows.append(
                (line.fitted(to: width, pad: isSelected, padStyle: isSelected ? .reversed : .plain), isSelected))
        }
        let room = max(1, height - lines.count)
        let selectedIndex = rows.firstIndex { $0.1 } ?? 0
        let offset = rows.count <= room ? 0 : min(rows.count - room, max(0, selectedIndex - room + 2))
        lines += rows.dropFirst(offset).prefix(room).map(\.0)
        return lines
    }

    static func filterBar(_ tasks: TasksState, count: Int) -> StyledLine {
        var line = StyledLine(" ")
        for filter in TaskFilter.allCases {
            line.append(
                " \(filter.rawValue + 1) \(filter.title) ",
                filter == tasks.filter ? Style(isBold: true, isReversed: true) : .dim)
        }
        if tasks.isSearching {
            line.append("  /" + tasks.search + "▏", .bold)
        } else if !tasks.search.isEmpty {
            line.append("  /" + tasks.search, .color(.cyan))
        }
        return line
    }

    static func stateColor(_ type: String) -> Color {
        switch type {
        case "started": .yellow
        case "unstarted": .blue
        case "completed": .green
        case "canceled": .red
        default: .white
        }
    }

    static func detail(_ issue: TaskIssue, scroll: Int, width: Int, height: Int) -> [StyledLine] {
        var lines: [StyledLine] = [
            StyledLine(" " + issue.identifier + "  ", .color(.cyan, bold: true)) + StyledLine(issue.title, .bold),
            StyledLine("   State  ", .dim) + StyledLine(issue.state, .color(stateColor(issue.stateType))),
        ]
        if let url = issue.url { lines.append(StyledLine("   URL    ", .dim) + StyledLine(url)) }
        lines.append(StyledLine())
        let body: [StyledLine]
        if let description = issue.description, !description.trimmingSpaces().isEmpty {
            body = MarkdownText.lines(description, width: width - 3).map { StyledLine("   ") + $0 }
        } else {
            body = [StyledLine(issue.description == nil ? "   Reading the description…" : "   No description.", .dim)]
        }
        let room = max(1, height - lines.count)
        lines += Screen.scrolled(body, scroll, room)
        return lines
    }

    static func statePicker(_ picker: TasksState.StatePicker, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = [
            StyledLine(" Move ", .bold) + StyledLine(picker.issue.identifier, .color(.cyan, bold: true))
                + StyledLine(" to:", .bold),
            StyledLine(),
        ]
        for (index, state) in picker.states.enumerated() {
            let isSelected = index == picker.index
            var line = StyledLine(isSelected ? " ▸ " : "   ", isSelected ? .reversed : .plain)
            line.append(state.name, isSelected ? Style(isBold: true, isReversed: true) : .color(stateColor(state.type)))
            if state.name == picker.issue.state { line.append("  (now)", isSelected ? .reversed : .dim) }
            lines.append(line.fitted(to: width, pad: isSelected, padStyle: isSelected ? .reversed : .plain))
        }
        return lines
    }
}

/// Markdown as readable terminal text: headings bold, list bullets, links as `text (url)`, emphasis and
/// code marks removed, paragraphs word-wrapped to the width.
enum MarkdownText {
    static func lines(_ markdown: String, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        var inCode = false
        for raw in markdown.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false)
        {
            var text = String(raw)
            if text.trimmingSpaces().hasPrefix("```") {
                inCode.toggle()
                continue
            }
            if inCode {
                lines.append(StyledLine("  " + text, .color(.cyan)))
                continue
            }
            var style: Style = .plain
            var indent = ""
            let trimmed = text.trimmingSpaces()
            if trimmed.hasPrefix("#") {
                text = String(trimmed.drop { $0 == "#" }).trimmingSpaces()
                style = .bold
            } else if trimmed.hasPrefix("- [ ] ") || trimmed.hasPrefix("* [ ] ") {
                text = "☐ " + trimmed.dropFirst(6)
                indent = "  "
            } else if trimmed.lowercased().hasPrefix("- [x] ") || trimmed.lowercased().hasPrefix("* [x] ") {
                text = "☑ " + trimmed.dropFirst(6)
                indent = "  "
            } else if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.hasPrefix("+ ") {
                let depth = (text.prefix { $0 == " " }.count) / 2
                text = String(repeating: "  ", count: depth) + "• " + trimmed.dropFirst(2)
                indent = String(repeating: "  ", count: depth + 1)
            } else if trimmed.hasPrefix(">") {
                text = "│ " + String(trimmed.dropFirst()).trimmingSpaces()
                style = .dim
            } else if trimmed == "---" || trimmed == "***" {
                lines.append(StyledLine(String(repeating: "─", count: max(1, min(width, 40))), .dim))
                continue
            }
            text = inline(text)
            if text.trimmingSpaces().isEmpty {
                if lines.last?.plainText.isEmpty == false { lines.append(StyledLine()) }
                continue
            }
            for (index, piece) in Screen.wrap(text, width: width + 1, maxLines: 1000).enumerated() {
                // `wrap` starts each line with one space; drop it and indent continuations under the bullet.
                let body = String(piece.dropFirst())
                lines.append(StyledLine((index == 0 ? "" : indent) + body, style))
            }
        }
        return lines
    }

    /// Links become `text (url)`; `**`, `__`, backticks and images' `!` are dropped.
    static func inline(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "[") {
            guard let close = rest[open...].firstIndex(of: "]"), rest.index(after: close) < rest.endIndex,
                rest[rest.index(after: close)] == "(",
                let end = rest[close...].firstIndex(of: ")")
            else { break }
            var before = rest[..<open]
            if before.last == "!" { before = before.dropLast() }
            let label = rest[rest.index(after: open)..<close]
            let url = rest[rest.index(close, offsetBy: 2)..<end]
            result += before + (label.isEmpty || label == url ? String(url) : "\(label) (\(url))")
            rest = rest[rest.index(after: end)...]
        }
        result += rest
        for mark in ["**", "__", "`"] { result = result.replacingOccurrences(of: mark, with: "") }
        return result
    }
}
