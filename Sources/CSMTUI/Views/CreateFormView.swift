/// `c`: the create form, one field per line, the focused one highlighted; Linear search results under the
/// Issue field.
enum CreateFormView {
    static func lines(_ form: CreateForm, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = [StyledLine(" New session", .bold), StyledLine()]
        for field in form.fields {
            let isFocused = form.focus == field
            var line = StyledLine(
                (isFocused ? " ▸ " : "   ") + DisplayWidth.fit(field.label, to: 8), isFocused ? .bold : .dim)
            let choice: Style = isFocused ? .color(.cyan, bold: true) : .plain
            switch field {
            case .repo:
                line.append(form.repos.isEmpty ? "(none declared)" : "‹ \(form.repo ?? "") ›", choice)
                if form.repos.count > 1 { line.append("  \(form.repoIndex + 1)/\(form.repos.count)", .dim) }
            case .host:
                line.append("‹ \(form.host ?? "the repo's host") ›", choice)
            case .effort:
                line.append("‹ \(form.effort ?? "Claude Code's default") ›", choice)
            default:
                let value = form[field]
                if value.isEmpty && !isFocused {
                    line.append(placeholder(field), .dim)
                } else {
                    // Long values show their end, where the typing happens.
                    let room = max(4, width - 14)
                    let shown = DisplayWidth.of(value) > room ? "…" + String(value.suffix(room - 1)) : value
                    line.append(shown, field == .linear && form.linear != nil ? .color(.cyan) : .plain)
                    if isFocused { line.append(" ", .reversed) }
                }
            }
            lines.append(line)
            if field == .linear && isFocused {
                for (index, issue) in form.linearResults.enumerated() {
                    let isSelected = index == form.linearIndex
                    let text =
                        "      " + DisplayWidth.fit(issue.identifier, to: 10) + " " + issue.title.replacingNewlines()
                        + "  · " + issue.state
                    lines.append(
                        StyledLine(text, isSelected ? .reversed : .dim).fitted(
                            to: width, pad: isSelected, padStyle: isSelected ? .reversed : .plain))
                }
            }
        }
        lines.append(StyledLine())
        if let error = form.error { lines.append(StyledLine(" " + error, .color(.red, bold: true))) }
        lines.append(StyledLine(" Enter adds the session to csm.yaml and applies it.", .dim))
        return lines
    }

    static func placeholder(_ field: CreateForm.Field) -> String {
        switch field {
        case .linear: "optional: type to search your Linear issues"
        case .name: "required: letters, digits, - and _"
        case .branch: "default: the branch prefix + name"
        case .prompt: "optional first prompt"
        case .repo, .host, .effort: ""
        }
    }
}
