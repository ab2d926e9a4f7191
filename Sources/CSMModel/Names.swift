/// Rules for the names csm gives to workspaces, hosts, repos and sessions.
///
/// Names reach tmux targets, file paths and ssh command lines, so they are limited to a small,
/// shell-safe alphabet everywhere (config, CLI, API).
public enum CSMName {
    /// The longest name accepted.
    public static let maxLength = 64

    /// A human-readable statement of the rule, used in error messages.
    public static let ruleDescription = "1 to 64 characters from A-Z, a-z, 0-9, '.', '_' and '-'"

    /// Whether `name` follows `[A-Za-z0-9._-]{1,64}` and is not `.` or `..`.
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxLength, name != ".", name != ".." else { return false }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }

    /// The prefix of every tmux session csm may own (as in the original tool).
    public static let tmuxPrefix = "csm-"

    /// The tmux session name of a csm session: `csm-<name>` with each `.` written as `_`, because tmux
    /// turns `.` (its pane separator in targets) into `_` itself when it creates a session, and targets
    /// naming the original spelling then miss. Two sessions differing only in `.`/`_` would share a tmux
    /// session, so the config loader refuses that pair.
    public static func tmuxSessionName(for session: String) -> String {
        tmuxPrefix + session.replacingOccurrences(of: ".", with: "_")
    }

    /// The csm session name encoded in a tmux session name, if it has csm's prefix (for a session named
    /// with a `.`, the `_` spelling: owned sessions carry their real name in `@csm-session`).
    public static func sessionName(fromTmux tmuxName: String) -> String? {
        guard tmuxName.hasPrefix(tmuxPrefix) else { return nil }
        let rest = String(tmuxName.dropFirst(tmuxPrefix.count))
        return rest.isEmpty ? nil : rest
    }
}
