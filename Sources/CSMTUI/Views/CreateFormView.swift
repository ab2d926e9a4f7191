/// `c`: the create form, one field per line, the focused one highlighted.
enum CreateFormView {
    static func lines(_ form: CreateForm, width: Int) -> [StyledLine] {
        var lines: [StyledLine] = [StyledLine(" New session", .bold), StyledLine()]
        for field in CreateForm.Field.allCases {
            let isFocused = form.focus == field
            var line = StyledLine(
                (isFocused ? " ▸ " : "   ") + DisplayWidth.fit(field.label, to: 8), isFocused ? .bold : .dim)
            switch field {
            case .repo:
                line.append(
                    form.repos.isEmpty ? "(none declared)" : "‹ \(form.repo ?? "") ›",
                    isFocused ? .color(.cyan, bold: true) : .plain)
                if form.repos.count > 1 { line.append("  \(form.repoIndex + 1)/\(form.repos.count)", .dim) }
            default:
                let value = form[field]
                if value.isEmpty && !isFocused {
                    line.append(placeholder(field), .dim)
                } else {
                    // Long values show their end, where the typing happens.
                    let room = max(4, width - 14)
                    let shown = DisplayWidth.of(value) > room ? "…" + String(value.suffix(room - 1)) : value
                    line.append(shown)
                    if isFocused { line.append(" ", .reversed) }
                }
            }
            lines.append(line)
        }
        lines.append(StyledLine())
        if let error = form.error { lines.append(StyledLine(" " + error, .color(.red, bold: true))) }
        lines.append(StyledLine(" Enter adds the session to csm.yaml and applies it.", .dim))
        return lines
    }

    static func placeholder(_ field: CreateForm.Field) -> String {
        switch field {
        case .name: "required: letters, digits, - and _"
        case .branch: "default: the branch prefix + name"
        case .prompt: "optional first prompt"
        case .repo: ""
        }
    }
}
