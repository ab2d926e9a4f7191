/// The small forms opened on a session: `i` message, `e` edit, `x` scripts, `m` merge.
enum SessionFormsView {
    static func message(_ draft: MessageDraft, width: Int, height: Int) -> [StyledLine] {
        var lines: [StyledLine] = [
            StyledLine(" Message to ", .bold) + StyledLine(draft.session, .color(.cyan, bold: true)),
            StyledLine(" Enter sends it to the agent's pane; Ctrl-J starts a new line; Esc discards it.", .dim),
            StyledLine(),
        ]
        let textLines = draft.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let room = max(1, height - lines.count)
        let shown = textLines.suffix(room)
        for (index, text) in shown.enumerated() {
            // The end of the last line is where the typing happens: show it, cutting the start.
            let isLast = index == shown.count - 1
            let visible = DisplayWidth.of(text) > width - 6 ? "…" + String(text.suffix(max(1, width - 8))) : text
            var line = StyledLine(" │ ", .dim)
            line.append(visible)
            if isLast { line.append(" ", .reversed) }
            lines.append(line)
        }
        return lines
    }

    static func edit(_ form: EditForm, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = [
            StyledLine(" Edit ", .bold) + StyledLine(form.session, .color(.cyan, bold: true)), StyledLine(),
        ]
        for field in EditForm.Field.allCases {
            let isFocused = form.focus == field
            var line = StyledLine(
                (isFocused ? " ▸ " : "   ") + DisplayWidth.fit(field.label, to: 9), isFocused ? .bold : .dim)
            switch field {
            case .name:
                line.append(form.name)
                if isFocused { line.append(" ", .reversed) }
                if form.name != form.session { line.append("  (renames the session, its branch and worktree)", .dim) }
            case .linear:
                if form.linear.isEmpty && !isFocused {
                    line.append("none (e.g. ENG-42)", .dim)
                } else {
                    line.append(form.linear)
                }
                if isFocused { line.append(" ", .reversed) }
            case .favorite:
                line.append(form.favorite ? "★ yes" : "☆ no", isFocused ? .color(.yellow, bold: true) : .plain)
                if isFocused { line.append("  (space toggles)", .dim) }
            }
            lines.append(line)
        }
        lines.append(StyledLine())
        if let error = form.error { lines.append(StyledLine(" " + error, .color(.red, bold: true))) }
        lines.append(
            StyledLine(" Enter saves (csm.yaml keeps its comments; a rename stops and restarts the agent).", .dim))
        return lines
    }

    static func scripts(_ picker: ScriptPicker, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = [
            StyledLine(" Run a script of ", .bold) + StyledLine(picker.session, .color(.cyan, bold: true))
                + StyledLine(" in its terminal window", .bold),
            StyledLine(),
        ]
        let nameWidth = min(20, max(6, picker.scripts.map { DisplayWidth.of($0.name) }.max() ?? 6))
        for (index, script) in picker.scripts.enumerated() {
            let isSelected = index == picker.index
            var line = StyledLine(isSelected ? " ▸ " : "   ", isSelected ? .reversed : .plain)
            line.append(
                DisplayWidth.fit(script.name, to: nameWidth) + "  ",
                isSelected ? Style(isBold: true, isReversed: true) : .bold)
            line.append(script.command.replacingNewlines(), isSelected ? .reversed : .dim)
            lines.append(line.fitted(to: width, pad: isSelected, padStyle: isSelected ? .reversed : .plain))
        }
        lines.append(StyledLine())
        lines.append(StyledLine(" Enter runs it; watch it with t (the terminal window).", .dim))
        return lines
    }

    static func merge(_ form: MergeForm, width: Int, height: Int) -> [StyledLine] {
        var lines: [StyledLine] = [
            StyledLine(" Merge ", .bold) + StyledLine(form.branch, .color(.cyan, bold: true))
                + StyledLine(" (session \(form.session)) into its base", .bold),
            StyledLine(),
        ]
        var strategy = StyledLine(
            (form.focus == .strategy ? " ▸ " : "   ") + DisplayWidth.fit("Strategy", to: 9),
            form.focus == .strategy ? .bold : .dim)
        for (index, name) in MergeForm.strategies.enumerated() {
            strategy.append(
                index == form.strategyIndex ? "‹\(name)›" : " \(name) ",
                index == form.strategyIndex ? .color(.cyan, bold: true) : .dim)
            strategy.append(" ")
        }
        lines.append(strategy)
        let label = StyledLine(
            (form.focus == .message ? " ▸ " : "   ") + DisplayWidth.fit("Message", to: 9),
            form.focus == .message ? .bold : .dim)
        let messageLines = form.message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if form.message.isEmpty {
            lines.append(label + StyledLine("csm's default for the strategy (reading the branch's commits…)", .dim))
        } else {
            let room = max(2, height - 7)
            for (index, text) in messageLines.suffix(room).enumerated() {
                var line = index == 0 ? label : StyledLine(String(repeating: " ", count: 12))
                line.append(text)
                if form.focus == .message && index == min(room, messageLines.count) - 1 { line.append(" ", .reversed) }
                lines.append(line)
            }
        }
        var push = StyledLine(
            (form.focus == .push ? " ▸ " : "   ") + DisplayWidth.fit("Push", to: 9), form.focus == .push ? .bold : .dim)
        push.append(
            form.push ? "yes: git push origin <base> afterwards" : "no", form.focus == .push ? .color(.cyan) : .plain)
        lines.append(push)
        lines.append(StyledLine())
        lines.append(
            StyledLine(
                " Enter merges in the source repository (refused, changing nothing, on uncommitted files or a conflict);",
                .dim))
        lines.append(
            StyledLine(" then csm asks whether to archive the session. Ctrl-J: new line in the message.", .dim))
        return lines
    }
}
