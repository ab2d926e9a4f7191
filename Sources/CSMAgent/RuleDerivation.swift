import CSMModel
import Foundation

/// Derives the rule an "always allow" / "always deny" answer appends to csm.yaml (ORIGINAL.md §6,
/// narrowed where the original was too broad).
///
/// - `Bash`: the command's program plus, for programs that take a sub-command (`git`, `npm`, `cargo`, …),
///   that sub-command, in Claude Code's prefix form: `git status -s` → `git status:*` (matches `git status`
///   and `git status <anything>`, not `git push`). Leading `VAR=value` assignments stay in the prefix; a
///   compound command (`cd x && make`) or one with `$(…)` gives its exact text. An empty command gives a
///   rule for every Bash call.
/// - File tools: the file's folder and everything below it, relative to the session's cwd when inside it
///   (`./Sources/App/**`), else absolute.
/// - `WebFetch`: the URL's host (`domain:example.com`).
/// - Anything else (`Grep`, `Glob`, `WebSearch`, MCP tools): the tool by name.
public enum RuleDerivation {
    /// Programs whose first argument names what they do, so the rule keeps it.
    public static let subcommandPrograms: Set<String> = [
        "git", "npm", "npx", "pnpm", "yarn", "bun", "cargo", "swift", "go", "docker", "kubectl", "gh", "make",
        "pip", "pip3", "uv", "poetry", "bundle", "rails", "dotnet", "mvn", "gradle", "terraform", "brew", "apt",
        "apt-get", "systemctl", "tmux", "deno", "mix", "composer",
    ]

    /// The rule that answers requests like `request` with `action` from now on.
    public static func rule(for request: ToolRequest, action: RuleAction) -> ToolRule {
        switch request.kind {
        case .shell:
            let command = request.input["command"]?.stringValue ?? ""
            return ToolRule(tool: request.toolName, pattern: shellPattern(command), action: action)
        case .file:
            guard let path = request.primaryInput else { return ToolRule(tool: request.toolName, action: action) }
            return ToolRule(
                tool: request.toolName, pattern: folderPattern(path, cwd: request.cwd, home: request.home),
                action: action)
        case .fetch:
            guard let url = request.primaryInput, let host = URLComponents(string: url)?.host, !host.isEmpty else {
                return ToolRule(tool: request.toolName, action: action)
            }
            return ToolRule(tool: request.toolName, pattern: "domain:" + host.lowercased(), action: action)
        case .search, .other:
            return ToolRule(tool: request.toolName, action: action)
        }
    }

    static func shellPattern(_ command: String) -> String? {
        let split = ShellCommandSplitter.split(command)
        guard let first = split.subcommands.first else { return nil }
        let trimmed = command.trimmingCharacters(in: .whitespacesAndNewlines)
        // A compound command is only allowed when every part matches one rule: keep it exact.
        if (split.subcommands.count > 1 || split.hasSubstitution), !trimmed.contains("*") { return trimmed }
        let words = first.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        // `VAR=value` words stay in the rule: they change what the program does.
        guard let programIndex = words.firstIndex(where: { !isAssignment($0) }) else { return nil }
        let program = words[programIndex]
        var prefix = Array(words[...programIndex])
        if subcommandPrograms.contains((program as NSString).lastPathComponent), programIndex + 1 < words.count {
            let sub = words[programIndex + 1]
            // An option (`git -C dir …`) or anything quoted or globbed ends the prefix.
            if !sub.hasPrefix("-"), !sub.contains("*"), !sub.contains("\""), !sub.contains("'") { prefix.append(sub) }
        }
        guard !prefix.contains(where: { $0.contains("*") }) else { return nil }
        return prefix.joined(separator: " ") + ":*"
    }

    static func isAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        return word[..<equals].allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }

    static func folderPattern(_ path: String, cwd: String, home: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let base = PathNormalizer.normalize(cwd, cwd: "/", home: home)
        if folder == base { return "./**" }
        if folder.hasPrefix(base + "/") { return "./" + folder.dropFirst(base.count + 1) + "/**" }
        return (folder == "/" ? "" : folder) + "/**"
    }
}
