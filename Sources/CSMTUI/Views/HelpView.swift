/// `?`: every key.
enum HelpView {
    static let keys: [(String, String)] = [
        ("↑ ↓  j k", "move the selection (scroll in the plan)"),
        ("Tab  Shift-Tab", "next / previous tab"),
        ("Enter", "session detail (issue detail on Tasks)"),
        ("Esc", "back; clears the filter"),
        ("a  t", "attach the agent / terminal window; detaching (tmux prefix, d) comes back here"),
        ("c", "create a session (Linear issue search, adds it to csm.yaml, applies it)"),
        ("e", "edit: rename, Linear issue, favorite"),
        ("x", "run one of the session's scripts in its terminal window"),
        ("m", "merge the branch into its base (message editable), then archive if you want"),
        ("K", "kill: remove from csm.yaml and destroy; refused while its worktree holds work"),
        ("f", "toggle favorite (favorites: in csm.yaml); on Tasks: next filter"),
        ("p", "preview: last message and git changes; Enter or d shows a file's diff"),
        ("P  A", "show the plan / apply it (destroys are confirmed)"),
        ("y n", "allow / deny the session's pending tool request (csm server)"),
        ("Y N", "always allow / always deny: also adds the rule to csm.yaml"),
        ("v", "the next session with a pending approval"),
        ("i", "type a message to the agent (Enter sends, Ctrl-J new line; csm server)"),
        ("R", "reconnect: restart the agent with --continue"),
        ("/", "filter sessions (search issues on Tasks)"),
        ("s  o", "Tasks: change the issue's state / open its URL"),
        ("r", "refresh now; reconnects to the server at once when its stream dropped"),
        ("q  Ctrl-C", "quit"),
    ]

    static func lines(width: Int) -> [StyledLine] {
        var lines: [StyledLine] = [StyledLine(" Keys", .bold)]
        for (key, text) in keys {
            lines.append(StyledLine("   " + DisplayWidth.fit(key, to: 16), .color(.cyan)) + StyledLine(text))
        }
        return lines
    }
}
