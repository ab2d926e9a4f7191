/// `?`: every key, and which ones wait for other parts of csm.
enum HelpView {
    static let keys: [(String, String)] = [
        ("↑ ↓  j k", "move the selection (scroll in the plan)"),
        ("Tab  Shift-Tab", "next / previous tab"),
        ("Enter", "session detail"),
        ("Esc", "back; clears the filter"),
        ("a  t", "attach the agent / terminal window; detaching (tmux prefix, d) comes back here"),
        ("c", "create a session (adds it to csm.yaml, then applies it)"),
        ("K", "kill: remove from csm.yaml and destroy; refused while its worktree holds work"),
        ("f", "toggle favorite (favorites: in csm.yaml)"),
        ("p", "preview: last message and git changes; Enter or d shows a file's diff"),
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
        lines.append(StyledLine(" Waiting for other parts of csm (pressing them says so)", .bold))
        lines.append(
            StyledLine("   " + DisplayWidth.fit("y n Y N v", to: 16), .color(.cyan))
                + StyledLine("tool approvals: need csm server"))
        lines.append(
            StyledLine("   " + DisplayWidth.fit("i  R", to: 16), .color(.cyan))
                + StyledLine("message, reconnect: need csm server"))
        lines.append(
            StyledLine("   " + DisplayWidth.fit("m  x  e", to: 16), .color(.cyan))
                + StyledLine("merge, scripts, edit: come with the session lifecycle"))
        return lines
    }
}
