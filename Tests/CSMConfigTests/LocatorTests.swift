import CSMConfig
import CSMModel
import CSMTestSupport
import Testing

@Suite("Config file discovery")
struct LocatorTests {
    let environment = ["HOME": "/home/u"]

    func locate(
        _ explicit: String? = nil, cwd: String = "/work/proj/sub", env: [String: String]? = nil, files: Set<String>
    )
        throws(ConfigError) -> ConfigLocator.Location
    {
        try ConfigLocator.locate(
            explicitPath: explicit, currentDirectory: cwd, environment: env ?? environment,
            fileExists: { files.contains($0) })
    }

    @Test("an explicit path wins, resolved against the current folder")
    func explicitPath() throws {
        let files: Set = ["/work/proj/sub/other.yaml", "/work/proj/csm.yaml"]
        #expect(try locate("other.yaml", files: files) == .explicit("/work/proj/sub/other.yaml"))
        #expect(try locate("/work/proj/sub/./other.yaml", files: files).path == "/work/proj/sub/other.yaml")
    }

    @Test("a missing explicit file is an error naming it")
    func missingExplicit() {
        do {
            _ = try locate("nope.yaml", files: [])
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["cannot read 'nope.yaml': no such file"])
        }
    }

    @Test("csm.yaml is found in the current folder or the nearest parent")
    func projectFile() throws {
        #expect(try locate(files: ["/work/proj/csm.yaml", "/work/csm.yaml"]) == .project("/work/proj/csm.yaml"))
        #expect(
            try locate(files: ["/work/proj/sub/csm.yaml", "/work/proj/csm.yaml"]) == .project("/work/proj/sub/csm.yaml")
        )
        #expect(try locate(cwd: "/", files: ["/csm.yaml"]) == .project("/csm.yaml"))
    }

    @Test("the global file follows XDG_CONFIG_HOME, defaulting to ~/.config")
    func globalFile() throws {
        #expect(try locate(files: ["/home/u/.config/csm/csm.yaml"]) == .global("/home/u/.config/csm/csm.yaml"))
        let xdg = ["HOME": "/home/u", "XDG_CONFIG_HOME": "/xdg"]
        #expect(
            try locate(env: xdg, files: ["/xdg/csm/csm.yaml", "/home/u/.config/csm/csm.yaml"])
                == .global("/xdg/csm/csm.yaml"))
        #expect(
            ConfigLocator.globalPath(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "relative"])
                == "/home/u/.config/csm/csm.yaml")
    }

    @Test("the original tool's config.json is the fallback, then none with the global path")
    func legacyAndNone() throws {
        let legacy = try locate(files: ["/home/u/.config/csm/config.json"])
        #expect(legacy == .legacy("/home/u/.config/csm/config.json"))
        #expect(legacy.isLegacy)
        #expect(try locate(files: []) == .notFound(globalPath: "/home/u/.config/csm/csm.yaml"))
        #expect(try locate(files: []).path == nil)
    }
}

@Suite("Loading a located file")
struct LocatedLoadTests {
    @Test("the loader reads csm.yaml and legacy locations, and nothing for none")
    func loadLocation() async throws {
        try await withTemporaryDirectory { folder in
            let yaml = folder.appendingPathComponent("csm.yaml").path
            try "version: 1\nworkspace: w\n".write(toFile: yaml, atomically: false, encoding: .utf8)
            let json = folder.appendingPathComponent("config.json").path
            try "{\"apiPort\": 4000}".write(toFile: json, atomically: false, encoding: .utf8)
            #expect(try testLoader().load(.project(yaml))?.name == "w")
            #expect(try testLoader().load(.legacy(json))?.server.listen == "127.0.0.1:4000")
            #expect(try testLoader().load(.notFound(globalPath: yaml)) == nil)
        }
    }
}
