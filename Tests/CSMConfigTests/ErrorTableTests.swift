import CSMConfig
import CSMModel
import Testing

/// One malformed input and the single diagnostic it must produce, as `line:column: message`.
struct ErrorCase: CustomTestStringConvertible, Sendable {
    var text: String
    var expected: String

    init(_ text: String, _ expected: String) {
        self.text = text
        self.expected = expected
    }

    var testDescription: String { expected }
}

private let head = "version: 1\nworkspace: demo\n"
private let oneRepo = head + "repos:\n  api: {path: /a}\n"

/// The error table: every entry pins the exact position and wording users see.
let errorTable: [ErrorCase] = [
    ErrorCase(
        "",
        "1:1: csm.yaml is empty; expected 'version: 1' and 'workspace: NAME'"),
    ErrorCase(
        "# only a comment\n",
        "1:1: csm.yaml is empty; expected 'version: 1' and 'workspace: NAME'"),
    ErrorCase(
        "- a\n- b\n",
        "1:1: expected a mapping for the top level, found a list"),
    ErrorCase(
        "version: 1\n",
        "1:1: missing required key 'workspace'"),
    ErrorCase(
        "workspace: demo\n",
        "1:1: missing required key 'version'"),
    ErrorCase(
        "version: 2\nworkspace: demo\n",
        "1:10: unsupported version 2; this csm reads version 1"),
    ErrorCase(
        "version: \"1\"\nworkspace: demo\n",
        "1:10: expected an integer for 'version', found a quoted string"),
    ErrorCase(
        "version: 1\nworkspace: my demo\n",
        "2:12: invalid workspace name 'my demo': use 1 to 64 characters from A-Z, a-z, 0-9, '.', '_' and '-'"),
    ErrorCase(
        "version: 1\nworkspace:\n",
        "2:11: expected a string for 'workspace', found null"),
    ErrorCase(
        head + "defaults:\n  worktreBase: /x\n",
        "4:3: unknown key 'worktreBase' in 'defaults'"),
    ErrorCase(
        head + "defualts: {}\n",
        "3:1: unknown key 'defualts' at the top level"),
    ErrorCase(
        head + "defaults:\n  colour: red\n",
        "4:3: unknown key 'colour' in 'defaults'"),
    ErrorCase(
        head + "defaults: [a]\n",
        "3:11: expected a mapping for 'defaults', found a list"),
    ErrorCase(
        head + "defaults:\n  host: gpu\n",
        "4:9: 'defaults.host' refers to host 'gpu', which is not declared in 'hosts'"),
    ErrorCase(
        head + "hosts:\n  gpu:\n    port: 22\n",
        "4:3: missing required key 'ssh' in 'hosts.gpu'"),
    ErrorCase(
        head + "hosts:\n  local:\n    ssh: me@box\n",
        "5:5: host 'local' is this machine and cannot have 'ssh'"),
    ErrorCase(
        head + "hosts:\n  gpu:\n    ssh: me@gpu\n    port: 70000\n",
        "6:11: port 70000 of host 'gpu' is out of range; expected 1-65535"),
    ErrorCase(
        head + "hosts:\n  gpu:\n    ssh: me@gpu\n    port: twenty\n",
        "6:11: expected an integer for 'hosts.gpu.port', found a string"),
    ErrorCase(
        head + "hosts:\n  \"bad name\":\n    ssh: me@gpu\n",
        "4:3: invalid host name 'bad name': use 1 to 64 characters from A-Z, a-z, 0-9, '.', '_' and '-'"),
    ErrorCase(
        head + "repos:\n  api: {}\n",
        "4:3: missing required key 'path' in 'repos.api'"),
    ErrorCase(
        head + "repos:\n  api:\n    path: /a\n    host: gpu\n",
        "6:11: repo 'api' refers to host 'gpu', which is not declared in 'hosts'"),
    ErrorCase(
        head + "repos:\n  api: /src/api\n",
        "4:8: expected a mapping for 'repos.api', found a string"),
    ErrorCase(
        oneRepo + "  web: {path: /b}\nsessions:\n  fix: {prompt: hi}\n",
        "7:3: missing required key 'repo' in 'sessions.fix'"),
    ErrorCase(
        oneRepo + "sessions:\n  fix: {repo: apj}\n",
        "6:15: session 'fix' refers to repo 'apj', which is not declared in 'repos'"),
    ErrorCase(
        oneRepo + "sessions:\n  fix:\n    favorite: \"true\"\n",
        "7:15: expected a boolean (true or false) for 'sessions.fix.favorite', found a quoted string"),
    ErrorCase(
        oneRepo + "sessions:\n  fix:\n    favorite: yes\n",
        "7:15: expected a boolean (true or false) for 'sessions.fix.favorite', found a string"),
    ErrorCase(
        oneRepo + "sessions:\n  fix:\n    env:\n      1BAD: x\n",
        "8:7: invalid environment variable name '1BAD' in 'sessions.fix.env'"),
    ErrorCase(
        oneRepo + "sessions:\n  fix:\n    prompt: ${TOKEN}\n",
        "7:13: environment variable 'TOKEN' is not set (used in 'sessions.fix.prompt')"),
    ErrorCase(
        oneRepo + "sessions:\n  fix:\n    prompt: \"${TOKEN\"\n",
        "7:14: '${' is not closed by '}'; write '$${' for a literal '${' (in 'sessions.fix.prompt')"),
    ErrorCase(
        oneRepo + "sessions:\n  fix:\n    prompt: hi $${A} and ${B}\n",
        "7:26: environment variable 'B' is not set (used in 'sessions.fix.prompt')"),
    ErrorCase(
        oneRepo + "sessions:\n  fix:\n    prompt: \"\\t${B}\"\n",
        "7:13: environment variable 'B' is not set (used in 'sessions.fix.prompt')"),
    ErrorCase(
        oneRepo + "sessions:\n  fix:\n    agent:\n      args: claude\n",
        "8:13: expected a list of strings for 'sessions.fix.agent.args', found a string"),
    ErrorCase(
        oneRepo + "sessions:\n  fix:\n    agent:\n      comand: x\n",
        "8:7: unknown key 'comand' in 'sessions.fix.agent'"),
    ErrorCase(
        oneRepo + "sessions:\n  fix: {}\nfavorites: [fix, fox]\n",
        "7:18: 'favorites' refers to session 'fox', which is not declared in 'sessions'"),
    ErrorCase(
        head + "rules:\n  - tool: Bash\n    action: allowed\n",
        "5:13: invalid value 'allowed' for 'rules[0].action'; expected one of 'allow', 'deny', 'ask'"),
    ErrorCase(
        head + "rules:\n  - tool: Bash\n",
        "4:5: missing required key 'action' in 'rules[0]'"),
    ErrorCase(
        head + "rules:\n  tool: Bash\n",
        "4:3: expected a list of rules for 'rules', found a mapping"),
    ErrorCase(
        head + "server:\n  listen: localhost\n",
        "4:11: invalid listen address 'localhost' for 'server.listen'"),
    ErrorCase(
        head + "server:\n  reconcile:\n    interval: 0\n",
        "5:15: invalid duration '0' for 'server.reconcile.interval'"),
    ErrorCase(
        head + "server:\n  reconcile:\n    interval: 5 minutes\n",
        "5:15: invalid duration '5 minutes' for 'server.reconcile.interval'"),
    ErrorCase(
        head + "server:\n  approvalTimeout: -1s\n",
        "4:20: invalid duration '-1s' for 'server.approvalTimeout'"),
    ErrorCase(
        head + "integrations:\n  linear:\n    endpoint: ftp://x\n",
        "5:15: invalid URL 'ftp://x' for 'integrations.linear.endpoint'"),
    ErrorCase(
        head + "integrations:\n  linear:\n    apikey: x\n",
        "5:5: unknown key 'apikey' in 'integrations.linear'"),
    ErrorCase(
        head + "sessions:\n  a: {}\n  a: {}\n",
        "5:3: duplicate key 'a'"),
    ErrorCase(
        head + "foo: [\n",
        "4:1: invalid YAML: did not find expected node content (while parsing a flow node)"),
    ErrorCase(
        head + "a: b: c\n",
        "3:5: invalid YAML: mapping values are not allowed in this context"),
    ErrorCase(
        head + "---\nversion: 1\n",
        "3:1: the file holds more than one YAML document"),
    ErrorCase(
        head + "x: *nope\n",
        "3:4: alias '*nope' refers to no anchor defined before it"),
    ErrorCase(
        head + "repos:\n  api: {path: ~bob/api}\n",
        "4:15: '~bob' in 'repos.api.path' is not supported"),
    ErrorCase(
        head + "defaults:\n  agent:\n    env: [a]\n",
        "5:10: expected a mapping of variable names to values for 'defaults.agent.env', found a list"),
    ErrorCase(
        "version: 1\n\tworkspace: demo\n",
        "2:1: invalid YAML: found a tab character that violates indentation (while scanning a plain scalar at line 1, column 10)"
    ),
    ErrorCase(
        head + "server:\n  reconcile:\n    prune: maybe\n",
        "5:12: expected a boolean (true or false) for 'server.reconcile.prune', found a string"),
]

@Suite("Config error table")
struct ErrorTableTests {
    @Test("each malformed input gives exactly one diagnostic at the expected position", arguments: errorTable)
    func malformedInput(_ errorCase: ErrorCase) {
        #expect(summaries(errorCase.text) == [errorCase.expected])
    }

    @Test("the table covers at least thirty inputs")
    func tableSize() {
        #expect(errorTable.count >= 30)
    }
}
