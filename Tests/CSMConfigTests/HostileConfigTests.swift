import CSMConfig
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// Hostile csm.yaml: the fuzzer's corpus replayed on every test run, and the branch rules the Schemathesis
/// run showed were missing (a branch git refuses used to fail only at apply time).
@Suite("hostile csm.yaml", .tags(.hostileInput))
struct HostileConfigTests {
    static let header = "version: 1\nworkspace: w\nrepos:\n  app:\n    path: ./app\nsessions:\n"

    @Test("every input of the fuzz corpus loads or fails with positioned diagnostics")
    func fuzzCorpus() throws {
        let folder = packageRoot.appendingPathComponent("Fuzz/Corpus/config")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files.count > 20)
        for file in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            do {
                _ = try testLoader().parse(String(decoding: data, as: UTF8.self), file: "csm.yaml", baseDirectory: "/proj")
            } catch {
                #expect(!error.diagnostics.isEmpty, "\(file)")
                for diagnostic in error.diagnostics {
                    #expect(diagnostic.location.line >= 1 && diagnostic.location.column >= 1, "\(file): \(diagnostic)")
                }
            }
        }
    }

    @Test("branch names git refuses are config errors at their position", arguments: [
        "", "-x", "a..b", "a b", "a:b", "a~1", "a^", "a?", "a*", "a[", "a\\\\b", "a/", "/a", "a//b", "a.", ".a",
        "a/.b", "a.lock", "a/b.lock/c", "@", "a@{u}", "a\\tb", "a\\u007fb",
    ])
    func invalidBranches(_ branch: String) {
        let found = summaries(Self.header + "  s:\n    repo: app\n    branch: \"\(branch)\"\n")
        #expect(found.count == 1, "\(branch.debugDescription): \(found)")
        #expect(found.first?.hasPrefix("9:13: invalid branch name") == true, "\(branch.debugDescription): \(found)")
    }

    @Test("branch names git accepts load", arguments: ["feature/login-fix", "csm/a", "ünïcode", "a.b", "a-b_c", "x@y"])
    func validBranches(_ branch: String) throws {
        let workspace = try parse(Self.header + "  s:\n    repo: app\n    branch: \"\(branch)\"\n")
        #expect(workspace.sessions["s"]?.branch == branch)
    }

    @Test("an invalid branchPrefix is an error; two sessions on one branch of a repo are an error")
    func prefixAndDuplicates() {
        let prefix = summaries(
            "version: 1\nworkspace: w\ndefaults:\n  branchPrefix: \"a..\"\nrepos:\n  app: {path: ./app}\nsessions: {}\n")
        #expect(prefix.count == 1 && prefix.first?.hasPrefix("4:17: invalid branchPrefix") == true, "\(prefix)")
        let duplicate = summaries(Self.header + "  a:\n    repo: app\n  b:\n    repo: app\n    branch: csm/a\n")
        #expect(duplicate == [
            "11:13: sessions 'a' and 'b' both use branch 'csm/a' of repo 'app'"
        ], "\(duplicate)")
    }

    @Test("a session whose name makes an invalid default branch needs a branch; a repo's baseBranch follows git's rules")
    func defaultBranchAndBase() throws {
        for name in ["v2.", "a..b", "x.lock", ".hidden"] {
            let found = summaries(Self.header + "  \(name):\n    repo: app\n")
            #expect(found.count == 1 && found.first?.hasPrefix("7:3: session '\(name)' needs a 'branch:'") == true, "\(found)")
            let fixed = try parse(Self.header + "  \(name):\n    repo: app\n    branch: feature/x\n")
            #expect(fixed.sessions[name]?.branch == "feature/x")
        }
        let repoBase = summaries(
            "version: 1\nworkspace: w\nrepos:\n  app:\n    path: ./app\n    baseBranch: \"ma in\"\nsessions: {}\n")
        #expect(repoBase.count == 1 && repoBase.first?.hasPrefix("6:17: invalid branch name") == true, "\(repoBase)")
    }

    @Test("two sessions whose names differ only in '.' and '_' are an error: tmux would give them one session")
    func tmuxNameCollision() {
        let found = summaries(Self.header + "  a.b:\n    repo: app\n  a_b:\n    repo: app\n")
        #expect(found == ["9:3: sessions 'a.b' and 'a_b' would share the tmux session 'csm-a_b'"], "\(found)")
        #expect(CSMName.tmuxSessionName(for: "v1.2") == "csm-v1_2")
    }
}
