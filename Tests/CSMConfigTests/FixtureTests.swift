import CSMConfig
import CSMModel
import Foundation
import Testing

/// The fixture files under `Tests/Fixtures/config`, by folder.
func fixtureNames(_ folder: String) -> [String] {
    let url = fixturesDirectory.appendingPathComponent(folder)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted()
}

@Suite("Fixture files")
struct FixtureTests {
    @Test(
        "every invalid fixture gives exactly the diagnostics its '# expect:' lines list",
        arguments: fixtureNames("invalid"))
    func invalidFixture(_ name: String) throws {
        let path = fixturesDirectory.appendingPathComponent("invalid/\(name)").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expected = text.split(separator: "\n").filter { $0.hasPrefix("# expect: ") }.map {
            String($0.dropFirst(10))
        }
        #expect(!expected.isEmpty)
        do {
            _ = try testLoader().load(file: path)
            Issue.record("\(name) loaded without errors")
        } catch {
            #expect(error.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.message)" } == expected)
            #expect(error.diagnostics.allSatisfy { $0.location.file == path })
        }
    }

    @Test("every valid fixture loads", arguments: fixtureNames("valid"))
    func validFixture(_ name: String) throws {
        let path = fixturesDirectory.appendingPathComponent("valid/\(name)").path
        let workspace = try testLoader(["LINEAR_API_KEY": "lin_123"]).load(file: path)
        #expect(workspace.sourcePath == path)
    }

    @Test("the fixtures folder is found from the test file's path")
    func fixturesExist() {
        #expect(fixtureNames("valid").count >= 2)
        #expect(fixtureNames("invalid").count >= 4)
    }
}

@Suite("Documentation")
struct DocumentationTests {
    @Test("the complete example in docs/config.md loads")
    func docsExampleLoads() throws {
        let docs = fixturesDirectory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/config.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let afterHeading = try #require(text.components(separatedBy: "## A complete example").last)
        let block = try #require(
            afterHeading.components(separatedBy: "```yaml\n").dropFirst().first?.components(separatedBy: "```").first)
        let workspace = try testLoader(["LINEAR_API_KEY": "k"]).parse(
            block, file: "csm.yaml", baseDirectory: "/proj/acme")
        #expect(workspace.sessions.keys.sorted() == ["fix-login", "train"])
        #expect(workspace.repos["api"]?.path == "/proj/api")
    }
}
