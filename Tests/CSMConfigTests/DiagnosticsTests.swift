import CSMConfig
import CSMModel
import Testing

@Suite("Diagnostics")
struct DiagnosticsTests {
    @Test("unknown key suggests the closest key")
    func didYouMean() {
        let found = diagnostics("version: 1\nworkspace: w\ndefaults:\n  worktreBase: /x\n")
        #expect(found.map(\.hint) == ["did you mean 'worktreeBase'?"])
    }

    @Test(
        "suggestions forgive swapped letters and case",
        arguments: [
            ("prot", "port"), ("SSH", "ssh"), ("identityfile", "identityFile"), ("wroktreeBase", "worktreeBase"),
        ])
    func suggestionVariants(_ typo: String, _ suggestion: String) {
        let found = diagnostics("version: 1\nworkspace: w\nhosts:\n  box:\n    ssh: me@box\n    \(typo): 1\n")
        #expect(found.map(\.hint) == ["did you mean '\(suggestion)'?"])
    }

    @Test("no hint when no key is close")
    func noHint() {
        let found = diagnostics("version: 1\nworkspace: w\ndefaults:\n  colour: red\n")
        #expect(found.count == 1)
        #expect(found.first?.hint == nil)
    }

    @Test("references to undeclared names suggest the closest declared one")
    func referenceHint() {
        let found = diagnostics(
            "version: 1\nworkspace: w\nrepos:\n  api: {path: /a}\n  web: {path: /w}\nsessions:\n  s: {repo: apo}\n")
        #expect(found.map(\.hint) == ["did you mean 'api'?"])
        let far = diagnostics(
            "version: 1\nworkspace: w\nrepos:\n  api: {path: /a}\n  web: {path: /w}\nsessions:\n  s: {repo: zzzzzz}\n")
        #expect(far.map(\.hint) == ["declared repos: api, web"])
    }

    @Test("diagnostics render in compiler format with the hint, source line and caret")
    func renderedFormat() {
        let text = "version: 1\nworkspace: w\ndefaults:\n  worktreBase: /x\n"
        let rendered = diagnostics(text).map(\.rendered)
        #expect(
            rendered == [
                """
                csm.yaml:4:3: error: unknown key 'worktreBase' in 'defaults'
                  hint: did you mean 'worktreeBase'?
                  worktreBase: /x
                  ^
                """
            ])
    }

    @Test("every error is collected and sorted by position")
    func collectsAll() {
        let text = """
            version: 3
            workspace: "bad name"
            hosts:
              gpu: {port: 0}
            rules:
              - {tool: Bash, action: maybe}
            server: {listen: "nohost"}
            """
        #expect(
            summaries(text) == [
                "1:10: unsupported version 3; this csm reads version 1",
                "2:12: invalid workspace name 'bad name': use \(CSMName.ruleDescription)",
                "4:3: missing required key 'ssh' in 'hosts.gpu'",
                "4:15: port 0 of host 'gpu' is out of range; expected 1-65535",
                "6:26: invalid value 'maybe' for 'rules[0].action'; expected one of 'allow', 'deny', 'ask'",
                "7:18: invalid listen address 'nohost' for 'server.listen'",
            ])
    }

    @Test("a quoted boolean and a YAML 1.1 word get hints")
    func booleanHints() {
        let base = "version: 1\nworkspace: w\nserver:\n  reconcile:\n    prune: "
        #expect(diagnostics(base + "\"true\"\n").map(\.hint) == ["remove the quotes: a quoted \"true\" is a string"])
        #expect(diagnostics(base + "yes\n").map(\.hint) == ["'yes' is not a boolean in csm.yaml; write true or false"])
    }

    @Test("the file name in locations is the path as the caller gave it")
    func fileNameAsGiven() {
        do {
            _ = try testLoader().parse("version: 1\n", file: "conf/team.yaml", baseDirectory: "/proj")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.location) == [SourceLocation(file: "conf/team.yaml", line: 1, column: 1)])
            #expect(error.description.hasSuffix("1 error in configuration."))
        }
        #expect(summaries("") == ["1:1: csm.yaml is empty; expected 'version: 1' and 'workspace: NAME'"])
    }
}
