import CSMAgent
import CSMModel
import Testing

@Suite("always allow / always deny")
struct RuleDerivationTests {
    static let cases: [(tool: String, input: [String: String], pattern: String?)] = [
        ("Bash", ["command": "git status -s"], "git status:*"),
        ("Bash", ["command": "git -C x log"], "git:*"),
        ("Bash", ["command": "ls -la /tmp"], "ls:*"),
        ("Bash", ["command": "FOO=1 BAR=2 npm run build"], "FOO=1 BAR=2 npm run:*"),
        ("Bash", ["command": "cd app && make test"], "cd app && make test"),
        ("Bash", ["command": "   "], nil),
        ("Bash", ["command": "/usr/bin/git push"], "/usr/bin/git push:*"),
        ("Edit", ["file_path": "/work/app/Sources/App/main.swift"], "./Sources/App/**"),
        ("Write", ["file_path": "/work/app/README.md"], "./**"),
        ("Read", ["file_path": "/etc/hosts"], "/etc/**"),
        ("Read", ["file_path": "../other/x.txt"], "/work/other/**"),
        ("WebFetch", ["url": "https://Docs.Swift.org/x"], "domain:docs.swift.org"),
        ("Grep", ["pattern": "TODO"], nil),
        ("mcp__github__get_issue", [:], nil),
    ]

    @Test("derived rules", arguments: 0..<cases.count)
    func derived(_ index: Int) throws {
        let row = Self.cases[index]
        let request = ToolRequest(
            toolName: row.tool, input: .object(row.input.mapValues(JSONValue.string)), cwd: "/work/app", home: "/home/u"
        )
        let rule = RuleDerivation.rule(for: request, action: .allow)
        #expect(rule == ToolRule(tool: row.tool, pattern: row.pattern, action: .allow))
        // The derived rule decides the request it came from.
        #expect(try ToolRuleSet([rule]).decide(request)?.action == .allow)
    }

    @Test("a derived Bash rule does not cover other sub-commands")
    func narrow() throws {
        let request = ToolRequest(
            toolName: "Bash", input: .object(["command": .string("git status")]), cwd: "/w", home: "/h")
        let rules = try ToolRuleSet([RuleDerivation.rule(for: request, action: .allow)])
        let push = ToolRequest(
            toolName: "Bash", input: .object(["command": .string("git push --force")]), cwd: "/w", home: "/h")
        #expect(rules.decide(push) == nil)
    }
}
