import CSMModel
import Foundation

/// Matches one rule pattern against one request's input, the way the request's tool kind reads it.
struct InputMatcher {
    var pattern: String
    var request: ToolRequest

    func matches(action: RuleAction) -> Bool {
        switch request.kind {
        case .shell:
            guard let command = request.primaryInput else { return false }
            return matchesShell(command, action: action)
        case .file:
            return request.primaryInput.map(matchesPath) ?? false
        case .search:
            return request.primaryInput.map(matchesText) == true || request.searchPath.map(matchesPath) == true
        case .fetch:
            guard let url = request.primaryInput else { return false }
            if pattern.hasPrefix("domain:") { return Self.host(of: url, isWithin: String(pattern.dropFirst(7))) }
            return matchesText(url)
        case .other:
            return request.primaryInput.map(matchesText) ?? false
        }
    }

    /// Text glob, with Claude Code's `prefix:*` form: `npm run test:*` matches `npm run test` alone or
    /// followed by whitespace and anything (not `npm run testing`).
    func matchesText(_ text: String) -> Bool {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if pattern.hasSuffix(":*") {
            let prefix = String(pattern.dropLast(2))
            return Glob(prefix, flavor: .text).matches(text) || Glob(prefix + " *", flavor: .text).matches(text)
                || Glob(prefix + "\t*", flavor: .text).matches(text)
        }
        return Glob(pattern, flavor: .text).matches(text)
    }

    /// A shell command matches an `allow` rule only when every sub-command matches and nothing is
    /// substituted (`$(…)`, `<(…)`, backticks), so `git *` does not allow `git log; rm -rf ~`. A `deny`
    /// or `ask` rule matches when the whole command or any sub-command does, so `rm *` catches
    /// `cd x && rm -rf y`.
    func matchesShell(_ command: String, action: RuleAction) -> Bool {
        let parts = ShellCommandSplitter.split(command)
        let patternIsCompound = ShellCommandSplitter.split(pattern).subcommands.count > 1
        if patternIsCompound { return action == .allow && parts.hasSubstitution ? false : matchesText(command) }
        switch action {
        case .allow:
            return !parts.hasSubstitution && !parts.subcommands.isEmpty && parts.subcommands.allSatisfy(matchesText)
        case .deny, .ask:
            return matchesText(command) || parts.subcommands.contains(where: matchesText)
        }
    }

    /// Path glob against a normalised path. The pattern is normalised the same way: `./x` and `x/y` are
    /// relative to the session's cwd, `~/` is the home folder, `/x` and Claude Code's `//x` are absolute;
    /// a pattern without any `/` matches a file name in any folder (`*.env`, as in `.gitignore`).
    func matchesPath(_ path: String) -> Bool {
        Glob(Self.absolutePattern(pattern, cwd: request.cwd, home: request.home), flavor: .path).matches(path)
    }

    static func absolutePattern(_ pattern: String, cwd: String, home: String) -> String {
        if !pattern.contains("/") && pattern != "~" { return "/**/" + pattern }
        let trimmed = pattern.hasPrefix("//") ? String(pattern.dropFirst()) : pattern
        return PathNormalizer.normalize(trimmed, cwd: cwd, home: home)
    }

    static func host(of url: String, isWithin domain: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased(), !domain.isEmpty else { return false }
        let domain = domain.lowercased()
        if domain.hasPrefix("*.") { return host.hasSuffix(domain.dropFirst(1)) }
        return host == domain || host.hasSuffix("." + domain)
    }
}

/// Splits a shell command line into sub-commands at `&&`, `||`, `;`, `|`, `|&`, `&` and newlines outside
/// quotes. Lexical only (no expansion), which is all a rule needs: it errs toward more parts.
enum ShellCommandSplitter {
    struct Result: Equatable {
        var subcommands: [String]
        /// `$(…)`, `<(…)`, `>(…)` or backticks outside single quotes: what runs cannot be read from the text.
        var hasSubstitution: Bool
    }

    static func split(_ command: String) -> Result {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        var substitution = false
        var chars = Array(command)[...]
        func flush() {
            let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { parts.append(trimmed) }
            current = ""
        }
        while let c = chars.popFirst() {
            if let q = quote {
                current.append(c)
                if c == "\\" && q == "\"", let next = chars.popFirst() {
                    current.append(next)
                } else if c == q {
                    quote = nil
                } else if q == "\"" && (c == "`" || (c == "$" && chars.first == "(")) {
                    substitution = true
                }
                continue
            }
            switch c {
            case "\\":
                current.append(c)
                if let next = chars.popFirst() { current.append(next) }
            case "'", "\"":
                quote = c
                current.append(c)
            case "`":
                substitution = true
                current.append(c)
            case "$" where chars.first == "(", "<" where chars.first == "(", ">" where chars.first == "(":
                // `$(…)`, and process substitution `<(…)` / `>(…)`, run commands the text does not show.
                substitution = true
                current.append(c)
            case ";", "\n", "\r":
                flush()
            case "&":
                // `2>&1` and `&>` are redirections, not separators.
                if current.last == ">" || chars.first == ">" {
                    current.append(c)
                } else {
                    if chars.first == "&" { chars.removeFirst() }
                    flush()
                }
            case "|":
                if current.last == ">" {
                    current.append(c)
                } else {
                    if chars.first == "|" || chars.first == "&" { chars.removeFirst() }
                    flush()
                }
            default:
                current.append(c)
            }
        }
        flush()
        return Result(subcommands: parts, hasSubstitution: substitution)
    }
}
