import CSMConfig
import CSMModel
import Testing

@Suite("rules in Claude Code's spelling")
struct RuleSpellingTests {
    @Test("Tool(pattern) is accepted; a malformed one or a pattern given twice is an error at the tool")
    func spelling() throws {
        let ok = try parse("version: 1\nworkspace: w\nrules:\n  - {tool: \"Bash(git *)\", action: allow}\n")
        #expect(ok.rules.first?.tool == "Bash(git *)")
        #expect(
            summaries("version: 1\nworkspace: w\nrules:\n  - {tool: \"Bash(git *\", action: allow}\n") == [
                "4:12: invalid rule 'rules[0]': 'Bash(git *' is neither a tool name nor Claude Code's 'Tool(pattern)' spelling"
            ])
        #expect(
            summaries("version: 1\nworkspace: w\nrules:\n  - tool: Read(./src/**)\n    pattern: x\n    action: deny\n")
                == [
                    "4:11: invalid rule 'rules[0]': 'Read(./src/**)' already carries a pattern in parentheses; remove 'pattern' or the parentheses"
                ])
    }
}
