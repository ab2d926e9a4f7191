import CSMConfig
import CSMModel
import Foundation
import Testing

/// A file in the house style: 2-space indentation, comments everywhere.
private let twoSpace = """
    # Team workspace
    version: 1
    workspace: demo   # the tag on everything we own

    repos:
      api:
        path: /src/api  # main repo

    # Sessions we keep running.
    sessions:
      # The login fix
      login:
        repo: api
        prompt: "Fix login"
        # more notes on login
      docs: {repo: api}

    favorites:
      - login   # pinned
      - docs
    # trailing comment

    """

@Suite("Comment-preserving editor")
struct EditorTests {
    func edit(_ text: String) throws -> ConfigEditor { try ConfigEditor(text: text) }

    @Test("addSession appends a block entry with the file's indentation and keeps every other byte")
    func addSessionTwoSpaces() throws {
        let result = try edit(twoSpace).addSession(
            name: "new-one", fields: ["repo": "api", "prompt": "Say: hi", "favorite": true])
        let expected = twoSpace.replacingOccurrences(
            of: "  docs: {repo: api}\n",
            with: """
                  docs: {repo: api}
                  new-one:
                    repo: api
                    prompt: "Say: hi"
                    favorite: true

                """)
        #expect(result == expected)
        let workspace = try parse(result)
        #expect(
            workspace.sessions["new-one"]
                == SessionSpec(name: "new-one", repo: "api", prompt: "Say: hi", favorite: true))
    }

    @Test("addSession follows 4-space indentation")
    func addSessionFourSpaces() throws {
        let text =
            "version: 1\nworkspace: w\nrepos:\n    api:\n        path: /a\nsessions:\n    one:\n        repo: api\n"
        let result = try edit(text).addSession(name: "two", fields: ["repo": "api", "env": .mapping(["A": "1"])])
        #expect(result == text + "    two:\n        repo: api\n        env:\n            A: \"1\"\n")
        #expect(try parse(result).sessions["two"]?.env == ["A": "1"])
    }

    @Test("addSession creates sessions: at the end of the file when absent")
    func addSessionWithoutSection() throws {
        let text = "version: 1\nworkspace: w\nrepos:\n  api: {path: /a}\n# end"
        let result = try edit(text).addSession(name: "s", fields: ["prompt": "go"])
        #expect(result == text + "\nsessions:\n  s:\n    prompt: go\n")
        #expect(try parse(result).sessions["s"]?.repo == "api")
    }

    @Test("addSession turns an empty flow mapping into block form, keeping the comment")
    func addSessionIntoFlowEmpty() throws {
        let text = "version: 1\nworkspace: w\nrepos: {api: {path: /a}}\nsessions: {}  # none yet\nrules: []\n"
        let result = try edit(text).addSession(name: "s", fields: ["repo": "api"])
        #expect(
            result
                == "version: 1\nworkspace: w\nrepos: {api: {path: /a}}\nsessions:  # none yet\n  s:\n    repo: api\nrules: []\n"
        )
        #expect(try parse(result).sessions.keys.sorted() == ["s"])
    }

    @Test("addSession into a null section and into a non-empty flow mapping")
    func addSessionNullAndFlow() throws {
        let null = "version: 1\nworkspace: w\nrepos: {api: {path: /a}}\nsessions: ~\n"
        #expect(
            try edit(null).addSession(name: "s", fields: ["repo": "api"])
                == "version: 1\nworkspace: w\nrepos: {api: {path: /a}}\nsessions:\n  s:\n    repo: api\n")
        let flow = "version: 1\nworkspace: w\nrepos: {api: {path: /a}}\nsessions: {a: {}}\n"
        let result = try edit(flow).addSession(name: "b", fields: ["prompt": "x, y"])
        #expect(
            result == "version: 1\nworkspace: w\nrepos: {api: {path: /a}}\nsessions: {a: {}, b: {prompt: \"x, y\"}}\n")
        #expect(try parse(result).sessions["b"]?.prompt == "x, y")
    }

    @Test("addSession refuses duplicates and invalid names")
    func addSessionErrors() throws {
        #expect(throws: ConfigEditError.alreadyExists(kind: "session", name: "login")) {
            try edit(twoSpace).addSession(name: "login", fields: [:])
        }
        #expect(throws: ConfigEditError.invalidName("a b")) { try edit(twoSpace).addSession(name: "a b", fields: [:]) }
        #expect(throws: ConfigEditError.notFound(kind: "session", name: "nope")) {
            try edit(twoSpace).removeSession(name: "nope")
        }
    }

    @Test("removeSession removes the entry with its own comments and nothing else")
    func removeSession() throws {
        let result = try edit(twoSpace).removeSession(name: "login")
        let expected = twoSpace.replacingOccurrences(
            of: """
                  # The login fix
                  login:
                    repo: api
                    prompt: "Fix login"
                    # more notes on login

                """, with: "")
        #expect(result == expected)
        // Favorites are the caller's job: the session is still listed there until removeFavorite.
        #expect(throws: ConfigError.self) { try parse(result) }
        let cleaned = try edit(result).removeFavorite("login")
        #expect(try parse(cleaned).sessions.keys.sorted() == ["docs"])
    }

    @Test("removing the last session leaves sessions: {}")
    func removeLastSession() throws {
        let text =
            "version: 1\nworkspace: w\nrepos: {api: {path: /a}}\nsessions:   # all\n  only:\n    repo: api\nrules: []\n"
        let result = try edit(text).removeSession(name: "only")
        #expect(result == "version: 1\nworkspace: w\nrepos: {api: {path: /a}}\nsessions: {}   # all\nrules: []\n")
        #expect(try parse(result).sessions.isEmpty)
    }

    @Test("removeSession from a flow mapping re-joins the other entries")
    func removeFromFlow() throws {
        let text =
            "version: 1\nworkspace: w\nrepos: {api: {path: /a}}\nsessions: {a: {}, b: {model: x}, c: {}}  # flow\n"
        #expect(
            try edit(text).removeSession(name: "b")
                == "version: 1\nworkspace: w\nrepos: {api: {path: /a}}\nsessions: {a: {}, c: {}}  # flow\n")
    }

    @Test("adding then removing a session gives back the original text")
    func addRemoveRoundTrip() throws {
        let text = try String(
            contentsOfFile: fixturesDirectory.appendingPathComponent("valid/full.yaml").path, encoding: .utf8)
        let added = try edit(text).addSession(name: "zzz", fields: ["repo": "api", "env": .mapping(["A": "b"])])
        #expect(added != text)
        #expect(try edit(added).removeSession(name: "zzz") == text)
    }

    @Test("addRepo adds a path entry under repos")
    func addRepo() throws {
        let result = try edit(twoSpace).addRepo(name: "web", path: "~/src/web app")
        #expect(
            result
                == twoSpace.replacingOccurrences(
                    of: "    path: /src/api  # main repo\n",
                    with: "    path: /src/api  # main repo\n  web:\n    path: ~/src/web app\n"))
        #expect(try parse(result).repos["web"]?.path == "/home/u/src/web app")
    }

    @Test("favorites: add and remove in block lists")
    func favoritesBlock() throws {
        let withLogin = try edit(twoSpace).addSession(name: "x", fields: ["repo": "api"])
        let added = try edit(withLogin).addFavorite("x")
        #expect(added == withLogin.replacingOccurrences(of: "  - docs\n", with: "  - docs\n  - x\n"))
        #expect(try edit(added).addFavorite("x") == added)
        let removed = try edit(twoSpace).removeFavorite("login")
        #expect(removed == twoSpace.replacingOccurrences(of: "  - login   # pinned\n", with: ""))
        let none = try edit(removed).removeFavorite("docs")
        #expect(
            none
                == twoSpace.replacingOccurrences(
                    of: "favorites:\n  - login   # pinned\n  - docs\n", with: "favorites: []\n"))
        #expect(try parse(none).favorites.isEmpty)
    }

    @Test("favorites: flow lists, null and missing lists")
    func favoritesOtherLayouts() throws {
        let base = "version: 1\nworkspace: w\nrepos: {api: {path: /a}}\nsessions: {a: {}, b: {}}\n"
        #expect(try edit(base + "favorites: []\n").addFavorite("a") == base + "favorites: [a]\n")
        #expect(try edit(base + "favorites: [a]\n").addFavorite("b") == base + "favorites: [a, b]\n")
        #expect(try edit(base + "favorites: [a, b]\n").removeFavorite("a") == base + "favorites: [b]\n")
        #expect(try edit(base + "favorites:\n").addFavorite("b") == base + "favorites:\n  - b\n")
        #expect(try edit(base).addFavorite("a") == base + "favorites:\n  - a\n")
        #expect(try edit(base).removeFavorite("a") == base)
    }

    @Test("appendRule and replaceRules keep the rules line and everything around it")
    func rules() throws {
        let text =
            "version: 1\nworkspace: w\n# Rules: first match wins\nrules:   # ordered\n  - tool: Read\n    action: allow\n# after\nserver: {}\n"
        let appended = try edit(text).appendRule(ToolRule(tool: "Bash", pattern: "rm -rf *", action: .deny))
        #expect(
            appended
                == text.replacingOccurrences(
                    of: "    action: allow\n",
                    with: "    action: allow\n  - tool: Bash\n    pattern: rm -rf *\n    action: deny\n"))
        #expect(try parse(appended).rules.last == ToolRule(tool: "Bash", pattern: "rm -rf *", action: .deny))
        let replaced = try edit(appended).replaceRules([ToolRule(tool: "*", action: .ask)])
        #expect(
            replaced
                == "version: 1\nworkspace: w\n# Rules: first match wins\nrules:   # ordered\n  - tool: \"*\"\n    action: ask\n# after\nserver: {}\n"
        )
        let emptied = try edit(replaced).replaceRules([])
        #expect(
            emptied
                == "version: 1\nworkspace: w\n# Rules: first match wins\nrules: []   # ordered\n# after\nserver: {}\n")
        let refilled = try edit(emptied).replaceRules([ToolRule(tool: "Read", action: .allow)])
        #expect(
            refilled
                == "version: 1\nworkspace: w\n# Rules: first match wins\nrules:   # ordered\n  - tool: Read\n    action: allow\n# after\nserver: {}\n"
        )
        let created = try edit("version: 1\nworkspace: w\n").appendRule(ToolRule(tool: "Edit", action: .ask))
        #expect(created == "version: 1\nworkspace: w\nrules:\n  - tool: Edit\n    action: ask\n")
    }

    @Test("setScalar replaces a value in place, creates missing parents and removes keys")
    func setScalar() throws {
        let text =
            "version: 1\nworkspace: w\nintegrations:\n  linear:\n    apiKey: old   # secret\n    endpoint: http://x\n"
        let replaced = try edit(text).setScalar(path: ["integrations", "linear", "apiKey"], value: "${LINEAR_API_KEY}")
        #expect(replaced == text.replacingOccurrences(of: "apiKey: old", with: "apiKey: \"${LINEAR_API_KEY}\""))
        #expect(try parse(replaced, environment: ["LINEAR_API_KEY": "k"]).integrations.linearAPIKey == "k")
        let created = try edit("version: 1\nworkspace: w\n").setScalar(
            path: ["integrations", "linear", "apiKey"], value: "abc")
        #expect(created == "version: 1\nworkspace: w\nintegrations:\n  linear:\n    apiKey: abc\n")
        let partly = try edit("version: 1\nworkspace: w\nserver:\n  listen: 127.0.0.1:1\n")
            .setScalar(path: ["server", "reconcile", "interval"], value: "30s")
        #expect(partly == "version: 1\nworkspace: w\nserver:\n  listen: 127.0.0.1:1\n  reconcile:\n    interval: 30s\n")
        let removedOne = try edit(text).setScalar(path: ["integrations", "linear", "endpoint"], value: nil)
        #expect(removedOne == "version: 1\nworkspace: w\nintegrations:\n  linear:\n    apiKey: old   # secret\n")
        let removedAll = try edit(removedOne).setScalar(path: ["integrations", "linear", "apiKey"], value: nil)
        #expect(removedAll == "version: 1\nworkspace: w\nintegrations:\n  linear: {}\n")
        #expect(try edit(text).setScalar(path: ["nothing", "here"], value: nil) == text)
    }

    @Test("setValue writes booleans, integers, lists and mappings, replacing any old value")
    func setValue() throws {
        let text = "version: 1\nworkspace: w\nserver:\n  reconcile:\n    prune: false  # careful\n"
        let prune = try edit(text).setValue(path: ["server", "reconcile", "prune"], value: true)
        #expect(prune == "version: 1\nworkspace: w\nserver:\n  reconcile:\n    prune: true  # careful\n")
        #expect(try parse(prune).server.prune)
        let args = try edit(text).setValue(path: ["defaults", "agent", "args"], value: .list(["--a", "-b"]))
        #expect(args == text + "defaults:\n  agent:\n    args:\n      - --a\n      - -b\n")
        #expect(try parse(args).defaults.agent.args == ["--a", "-b"])
        let mapping = try edit(text).setValue(path: ["server", "reconcile"], value: .mapping(["interval": "1m"]))
        #expect(mapping == "version: 1\nworkspace: w\nserver:\n  reconcile:\n    interval: 1m\n")
        let literal =
            "version: 1\nworkspace: w\nrepos: {a: {path: /a}}\nsessions:\n  s:\n    env: |\n      x\n    model: m\n"
        let env = try edit(literal).setValue(path: ["sessions", "s", "env"], value: .mapping(["A": "1"]))
        #expect(
            env
                == "version: 1\nworkspace: w\nrepos: {a: {path: /a}}\nsessions:\n  s:\n    env:\n      A: \"1\"\n    model: m\n"
        )
        #expect(throws: ConfigEditError.self) { try edit(text).setScalar(path: ["server"], value: "x") }
    }

    @Test("setScalar inside flow mappings stays inline")
    func setScalarInFlow() throws {
        let text = "version: 1\nworkspace: w\nintegrations: {linear: {}}  # flow\n"
        let set = try edit(text).setScalar(path: ["integrations", "linear", "apiKey"], value: "k")
        #expect(set == "version: 1\nworkspace: w\nintegrations: {linear: {apiKey: k}}  # flow\n")
        let more = try edit(set).setScalar(path: ["integrations", "linear", "endpoint"], value: "http://x")
        #expect(more == "version: 1\nworkspace: w\nintegrations: {linear: {apiKey: k, endpoint: http://x}}  # flow\n")
        #expect(
            try edit(more).setScalar(path: ["integrations", "linear", "apiKey"], value: nil)
                == "version: 1\nworkspace: w\nintegrations: {linear: {endpoint: http://x}}  # flow\n")
        let server = try edit("version: 1\nworkspace: w\nserver: {listen: \"127.0.0.1:1\"}\n")
            .setScalar(path: ["server", "reconcile", "prune"], value: "x")
        #expect(server == "version: 1\nworkspace: w\nserver: {listen: \"127.0.0.1:1\", reconcile: {prune: x}}\n")
    }

    @Test("setScalar handles empty values and block scalars")
    func setScalarSpecialValues() throws {
        let text =
            "version: 1\nworkspace: w\nrepos: {api: {path: /a}}\nsessions:\n  s:\n    prompt: |\n      long\n      text\n    model:\n"
        let prompt = try edit(text).setScalar(path: ["sessions", "s", "prompt"], value: "two\nlines")
        #expect(
            prompt
                == "version: 1\nworkspace: w\nrepos: {api: {path: /a}}\nsessions:\n  s:\n    prompt: \"two\\nlines\"\n    model:\n"
        )
        let model = try edit(text).setScalar(path: ["sessions", "s", "model"], value: "opus")
        #expect(model == text.replacingOccurrences(of: "    model:\n", with: "    model: opus\n"))
        #expect(try parse(prompt).sessions["s"]?.prompt == "two\nlines")
        #expect(throws: ConfigEditError.self) { try edit(text).setScalar(path: ["sessions"], value: "x") }
    }

    @Test("CRLF files keep CRLF and every other byte")
    func crlf() throws {
        let text =
            "version: 1\r\nworkspace: w\r\nrepos:\r\n  api:\r\n    path: /a\r\nsessions:\r\n  a:\r\n    repo: api\r\n"
        let added = try edit(text).addSession(name: "b", fields: ["model": "opus"])
        #expect(added == text + "  b:\r\n    model: opus\r\n")
        #expect(
            try edit(added).removeSession(name: "a")
                == "version: 1\r\nworkspace: w\r\nrepos:\r\n  api:\r\n    path: /a\r\nsessions:\r\n  b:\r\n    model: opus\r\n"
        )
        #expect(try parse(added).sessions["b"]?.model == "opus")
    }

    @Test("a byte-order mark, a document marker and non-ASCII text do not shift the splices")
    func bomAndMarkers() throws {
        let text = "\u{FEFF}---\nversion: 1  # é\nsessions:\n  café: {}\n  b: {}\n"
        #expect(try edit(text).removeSession(name: "b") == "\u{FEFF}---\nversion: 1  # é\nsessions:\n  café: {}\n")
        #expect(
            try edit(text).setScalar(path: ["version"], value: "2")
                == "\u{FEFF}---\nversion: \"2\"  # é\nsessions:\n  café: {}\n  b: {}\n")
    }

    @Test("the editor refuses text that is not YAML or has a flow top level")
    func refusals() {
        #expect(throws: ConfigEditError.self) { try ConfigEditor(text: "a: [") }
        #expect(throws: ConfigEditError.self) { try ConfigEditor(text: "{version: 1}") }
        #expect(throws: Never.self) { try ConfigEditor(text: "") }
    }

    @Test(
        "scalars render plain when safe and double-quoted otherwise",
        arguments: [
            ("api", "api"), ("git *", "git *"), ("", "\"\""), ("true", "\"true\""), ("no", "\"no\""),
            ("123", "\"123\""),
            ("1.5", "\"1.5\""), ("~", "\"~\""), ("null", "\"null\""), ("a: b", "\"a: b\""), ("a #b", "\"a #b\""),
            ("-x", "-x"), ("-", "\"-\""), ("- x", "\"- x\""), ("-1", "\"-1\""), (":x", "\":x\""), ("?", "\"?\""),
            ("*", "\"*\""), ("x, y", "\"x, y\""), (" pad", "\" pad\""), ("say \"hi\"", "say \"hi\""),
            ("line\nnext", "\"line\\nnext\""), ("tab\there", "\"tab\\there\""), ("back\\slash", "back\\slash"),
            ("héllo", "héllo"), ("bell\u{7}", "\"bell\\x07\""), ("${X}", "\"${X}\""), ("~/src", "~/src"),
        ])
    func scalarRendering(_ input: String, _ rendered: String) throws {
        #expect(YAMLScalar.render(input) == rendered)
        let node = try #require(try YAMLParser.parse("k: " + rendered + "\n", file: "t.yaml"))
        #expect(node.value(forKey: "k")?.scalar?.value == input)
        let flow = try #require(try YAMLParser.parse("k: [" + rendered + ", {a: " + rendered + "}]\n", file: "t.yaml"))
        #expect(flow.value(forKey: "k")?.items?.first?.scalar?.value == input)
        #expect(flow.value(forKey: "k")?.items?.last?.value(forKey: "a")?.scalar?.value == input)
    }
}

@Suite("Editor invariants")
struct EditorInvariantTests {
    /// The comments of a text (from `#` to the end of the line), in order.
    func comments(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                return line.trimmingCharacters(in: .whitespaces)
            }
            return line.range(of: " #").map { String(line[$0.upperBound...]) }
        }
    }

    @Test("operations that add or change keep every comment of a commented file, in order")
    func commentsKept() throws {
        let text = try String(
            contentsOfFile: fixturesDirectory.appendingPathComponent("valid/full.yaml").path, encoding: .utf8)
        let editor = try ConfigEditor(text: text)
        let results = [
            try editor.addSession(name: "extra", fields: ["repo": "api", "prompt": "multi\nline"]),
            try editor.addRepo(name: "web", path: "/src/web"),
            try editor.addFavorite("fix-login"),
            try editor.appendRule(ToolRule(tool: "Edit", pattern: "*.md", action: .allow)),
            try editor.setScalar(path: ["server", "listen"], value: "127.0.0.1:4000"),
            try editor.setScalar(path: ["defaults", "worktreeBase"], value: "/srv/wt"),
            try editor.setScalar(path: ["integrations", "linear", "endpoint"], value: nil),
        ]
        for result in results {
            #expect(comments(result) == comments(text))
            #expect(throws: Never.self) {
                try testLoader(["LINEAR_API_KEY": "k"]).parse(result, file: "csm.yaml", baseDirectory: "/p")
            }
        }
    }

    @Test("removing each session in turn keeps the file loadable and the other sessions unchanged")
    func removeEach() throws {
        let text = try String(
            contentsOfFile: fixturesDirectory.appendingPathComponent("valid/full.yaml").path, encoding: .utf8)
        let loader = testLoader(["LINEAR_API_KEY": "k"])
        let original = try loader.parse(text, file: "csm.yaml", baseDirectory: "/p")
        for name in original.sessions.keys {
            let without = try ConfigEditor(text: ConfigEditor(text: text).removeFavorite(name)).removeSession(
                name: name)
            let workspace = try loader.parse(without, file: "csm.yaml", baseDirectory: "/p")
            var expected = original.sessions
            expected[name] = nil
            #expect(workspace.sessions == expected)
        }
    }
}
