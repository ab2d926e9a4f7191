/// `?`: every key, and which ones wait for other parts of csm.
enum HelpView {
    static let keys: [(String, String)] = [
        ("↑ ↓  j k", "move the selection (scroll in the plan)"),
        ("Tab  Shift-Tab", "next / previous tab"),
        ("Enter", "session detail"),
        ("Esc", "back; clears the filter"),
        ("a  t", "attach the agent / terminal window (detach with your tmux prefix + d to come back)"),
        ("c", "create a session (adds it to csm.yaml, then applies it)"),
        ("K", "kill: remove from csm.yaml and destroy; refused while the worktree holds unsaved work"),
        ("f", "toggle favorite (favorites: in csm.yaml)"),
        ("P  A", "show the plan / apply it (destroys are confirmed)"),
        ("/", "filter sessions by name, repo or branch"),
        ("r", "refresh now (otherwise every 5 s)"),
        ("q  Ctrl-C", "quit"),
    ]

    static func lines(width: Int) -> [StyledLine] {
        var lines: [StyledLine] = [StyledLine(" Keys", .bold)]
        for (key, text) in keys {
            lines.append(StyledLine("   " + DisplayWidth.fit(key, to: 16), .color(.cyan)) + StyledLine(text))
        }
        lines.append(StyledLine())
        lines.append(StyledLine(" Waiting for other parts of csm", .bold))
        let waiting = Reducer.unavailable.sorted { $0.key < $1.key }
            .map { "\($0.key)" }.joined(separator: " ")
        lines.append(StyledLine("   " + waiting, .color(.cyan)) + StyledLine("  say what they need when pressed", .dim))
        return lines
    }
}
