import CSMModel
import Foundation

/// The outcome of evaluating rules for one tool request.
public struct RuleDecision: Sendable, Equatable {
    public var action: RuleAction
    /// The position of the deciding rule in `rules:` (0-based).
    public var ruleIndex: Int
    public var rule: ToolRule

    public init(action: RuleAction, ruleIndex: Int, rule: ToolRule) {
        self.action = action
        self.ruleIndex = ruleIndex
        self.rule = rule
    }
}

/// A rule that cannot be used, with its position.
public enum RuleError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyTool(index: Int)
    /// `tool: Bash(git *)` together with `pattern:`: one of the two spellings must go.
    case patternTwice(index: Int, tool: String)
    /// `Bash(git *` or `Bash(x)y`.
    case malformedTool(index: Int, tool: String)

    public var description: String {
        switch self {
        case let .emptyTool(index), let .patternTwice(index, _), let .malformedTool(index, _):
            return "rules[\(index)]: \(reason)"
        }
    }

    /// What is wrong and what to do, without the rule's position.
    public var reason: String {
        switch self {
        case .emptyTool:
            return "'tool' is empty; write a tool name such as Bash, or '*' for every tool"
        case let .patternTwice(_, tool):
            return "'\(tool)' already carries a pattern in parentheses; remove 'pattern' or the parentheses"
        case let .malformedTool(_, tool):
            return "'\(tool)' is neither a tool name nor Claude Code's 'Tool(pattern)' spelling"
        }
    }
}

/// Ordered tool-approval rules, compiled once per session: the first rule that matches decides.
///
/// A rule is `{tool, pattern?, action}`. `tool` is a name (`Bash`), `*`, a glob over names
/// (`mcp__github__*`), an MCP server (`mcp__github`, meaning all of its tools), or Claude Code's own
/// spelling with the pattern in parentheses (`Bash(git *)`, `Read(./src/**)`, `Bash(npm run test:*)`,
/// `WebFetch(domain:example.com)`). See docs/agent.md for how patterns read each tool's input.
public struct ToolRuleSet: Sendable {
    struct Compiled: Sendable {
        var index: Int
        var rule: ToolRule
        var toolGlob: Glob
        /// `mcp__server` written alone: every tool of that server.
        var mcpServerPrefix: String?
        var pattern: String?
    }

    public let rules: [ToolRule]
    let compiled: [Compiled]

    /// Compiles `rules`; throws the first unusable rule (use `problems(in:)` to list them all).
    public init(_ rules: [ToolRule]) throws {
        self.rules = rules
        compiled = try rules.enumerated().map { try Self.compile($0.element, index: $0.offset) }
    }

    /// Every unusable rule, for configuration diagnostics.
    public static func problems(in rules: [ToolRule]) -> [RuleError] {
        rules.enumerated().compactMap { entry in
            do {
                _ = try compile(entry.element, index: entry.offset)
                return nil
            } catch let error as RuleError {
                return error
            } catch {
                return nil
            }
        }
    }

    /// The first rule that matches `request`, or nil when none does (the request then waits for a person).
    public func decide(_ request: ToolRequest) -> RuleDecision? {
        for rule in compiled where Self.matches(rule, request) {
            return RuleDecision(action: rule.rule.action, ruleIndex: rule.index, rule: rule.rule)
        }
        return nil
    }

    static func compile(_ rule: ToolRule, index: Int) throws -> Compiled {
        var tool = rule.tool.trimmingCharacters(in: .whitespaces)
        var pattern = rule.pattern
        guard !tool.isEmpty else { throw RuleError.emptyTool(index: index) }
        if let open = tool.firstIndex(of: "(") {
            guard tool.hasSuffix(")"), open != tool.startIndex else {
                throw RuleError.malformedTool(index: index, tool: rule.tool)
            }
            guard pattern == nil else { throw RuleError.patternTwice(index: index, tool: rule.tool) }
            let inner = String(tool[tool.index(after: open)..<tool.index(before: tool.endIndex)])
            tool = String(tool[..<open])
            // `Bash()` and `Bash(*)` mean the same as plain `Bash`, as in Claude Code.
            pattern = inner.isEmpty || inner == "*" ? nil : inner
        } else if tool.contains(")") {
            throw RuleError.malformedTool(index: index, tool: rule.tool)
        }
        var serverPrefix: String?
        if tool.hasPrefix("mcp__"), !tool.contains("*"), tool.dropFirst(5).range(of: "__") == nil {
            serverPrefix = tool + "__"
        }
        return Compiled(
            index: index, rule: rule, toolGlob: Glob(tool, flavor: .text), mcpServerPrefix: serverPrefix,
            pattern: pattern)
    }

    static func matches(_ rule: Compiled, _ request: ToolRequest) -> Bool {
        let nameMatches =
            rule.toolGlob.matches(request.toolName)
            || rule.mcpServerPrefix.map { request.toolName.hasPrefix($0) } == true
        guard nameMatches else { return false }
        guard let pattern = rule.pattern else { return true }
        return InputMatcher(pattern: pattern, request: request).matches(action: rule.rule.action)
    }
}
