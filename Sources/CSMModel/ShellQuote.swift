/// POSIX shell quoting: the ONE place csm turns text into shell words. Used to write launch scripts, to
/// show commands, and for every argument of a command run on an SSH host (ssh hands the remote side a
/// single string that the remote login shell parses). csm never runs user text through a shell unquoted.
public enum ShellQuote {
    /// `word` in single quotes when it needs quoting (`'` becomes `'\''`), as is otherwise.
    public static func displayWord(_ word: String) -> String {
        let safe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./=:,+@%")
        if !word.isEmpty, word.allSatisfy({ safe.contains($0) }) { return word }
        return quote(word)
    }

    /// Always single-quoted. Inside single quotes a POSIX shell expands nothing (`$`, backticks, `;`,
    /// newlines, `\` are literal); the only character that needs care is `'` itself, written `'\''`.
    /// A leading `-` is not the shell's business: callers end options with `--` where a program needs it.
    public static func quote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A command line from argv, every word quoted: what `sh -c` (or ssh's remote shell) runs as exactly
    /// that argv.
    public static func command(_ argv: [String]) -> String {
        argv.map(quote).joined(separator: " ")
    }

    /// A path for a remote shell: `~` and `~/rest` become `"$HOME"` and `"$HOME"/'rest'` (the remote side
    /// expands its own home), anything else is `quote(path)`.
    public static func path(_ path: String) -> String {
        if path == "~" { return "\"$HOME\"" }
        if path.hasPrefix("~/") { return "\"$HOME\"/" + quote(String(path.dropFirst(2))) }
        return quote(path)
    }
}
