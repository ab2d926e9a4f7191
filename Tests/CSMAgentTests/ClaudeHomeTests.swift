import CSMAgent
import CSMTestSupport
import Foundation
import Testing

@Suite("Claude Code's files")
struct ClaudeHomeTests {
    @Test("project folder names follow Claude Code's sanitising, long paths get a hash suffix")
    func folderNames() {
        #expect(ClaudeHome.projectFolderName(for: "/tmp/explore/wt2") == "-tmp-explore-wt2")
        #expect(ClaudeHome.projectFolderName(for: "/home/u/my_app.v2") == "-home-u-my-app-v2")
        let long = "/" + String(repeating: "a", count: 250)
        let name = ClaudeHome.projectFolderName(for: long)
        #expect(name.hasPrefix("-" + String(repeating: "a", count: 199) + "-") && name.count > 201)
    }

    @Test("locations follow HOME and CLAUDE_CONFIG_DIR")
    func locations() {
        let plain = ClaudeHome(environment: ["HOME": "/h"], fallbackHome: "/x")
        #expect(plain.globalConfigFile == "/h/.claude.json" && plain.configDirectory == "/h/.claude")
        #expect(plain.transcriptPath(cwd: "/w/a", sessionID: "s") == "/h/.claude/projects/-w-a/s.jsonl")
        let custom = ClaudeHome(environment: ["HOME": "/h", "CLAUDE_CONFIG_DIR": "/c"], fallbackHome: "/x")
        #expect(custom.globalConfigFile == "/c/.claude.json" && custom.projectFolder(for: "/w") == "/c/projects/-w")
    }

    @Test("marking a folder trusted keeps every other key and writes nothing when already trusted")
    func trust() async throws {
        try await withTemporaryDirectory { dir in
            let home = ClaudeHome(environment: ["HOME": dir.path], fallbackHome: "/x")
            let original =
                #"{"numStartups": 7, "oauthAccount": {"email": "a@b"}, "projects": {"/r": {"allowedTools": ["Bash"], "hasTrustDialogAccepted": false}}}"#
            try Data(original.utf8).write(to: URL(fileURLWithPath: home.globalConfigFile))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: home.globalConfigFile)
            #expect(try home.markTrusted("/r"))
            #expect(try home.markTrusted("/w/new"))
            #expect(try home.markTrusted("/w/new") == false)
            let object =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: home.globalConfigFile)))
                as? [String: Any]
            #expect(object?["numStartups"] as? Int == 7)
            #expect((object?["oauthAccount"] as? [String: Any])?["email"] as? String == "a@b")
            let projects = object?["projects"] as? [String: [String: Any]]
            #expect(projects?["/r"]?["allowedTools"] as? [String] == ["Bash"])
            #expect(home.isTrusted("/r") && home.isTrusted("/w/new") && !home.isTrusted("/w"))
            let mode =
                try FileManager.default.attributesOfItem(atPath: home.globalConfigFile)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test("a missing config is created; a broken one is left alone")
    func missingAndBroken() async throws {
        try await withTemporaryDirectory { dir in
            let home = ClaudeHome(environment: ["HOME": dir.path], fallbackHome: "/x")
            #expect(try home.markTrusted("/w"))
            #expect(home.isTrusted("/w"))
            try Data("{not json".utf8).write(to: URL(fileURLWithPath: home.globalConfigFile))
            #expect(throws: ClaudeConfigError.notAnObject(path: home.globalConfigFile)) { try home.markTrusted("/v") }
            #expect(try String(contentsOfFile: home.globalConfigFile, encoding: .utf8) == "{not json")
        }
    }

    @Test("a symbolic link to the config stays a link")
    func symlink() async throws {
        try await withTemporaryDirectory { dir in
            let real = dir.appendingPathComponent("dotfiles/claude.json")
            try FileManager.default.createDirectory(
                at: real.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: real)
            try FileManager.default.createSymbolicLink(
                atPath: dir.path + "/.claude.json", withDestinationPath: real.path)
            let home = ClaudeHome(environment: ["HOME": dir.path], fallbackHome: "/x")
            #expect(try home.markTrusted("/w"))
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: home.globalConfigFile) == real.path)
            #expect(home.isTrusted("/w"))
        }
    }

    @Test("a conversation exists once a transcript is in the project folder")
    func conversations() async throws {
        try await withTemporaryDirectory { dir in
            let home = ClaudeHome(environment: ["HOME": dir.path], fallbackHome: "/x")
            #expect(!home.hasConversation(cwd: "/w/a"))
            try FileManager.default.createDirectory(
                atPath: home.projectFolder(for: "/w/a"), withIntermediateDirectories: true)
            #expect(!home.hasConversation(cwd: "/w/a"))
            _ = FileManager.default.createFile(
                atPath: home.transcriptPath(cwd: "/w/a", sessionID: "s"), contents: Data())
            #expect(home.hasConversation(cwd: "/w/a"))
        }
    }
}
