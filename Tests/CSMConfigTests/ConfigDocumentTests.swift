import CSMConfig
import CSMModel
import CSMTestSupport
import Foundation
import Testing

@Suite("Documents on disk")
struct ConfigDocumentTests {
    let text = "# mine\nversion: 1\nworkspace: w\nrepos:\n  api:\n    path: ./api\n"

    func permissions(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("load, edit, save: comments kept, paths relative to the file, mode kept")
    func editAndSave() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder.appendingPathComponent("csm.yaml").path
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
            let document = try ConfigDocument.load(path: path, loader: testLoader())
            #expect(document.workspace.repos["api"]?.path == folder.path + "/api")
            #expect(document.workspace.sourcePath == path)
            let edited = try document.editor().addSession(name: "s", fields: ["repo": "api"])
            let saved = try document.saving(edited, loader: testLoader())
            #expect(try String(contentsOfFile: path, encoding: .utf8) == text + "sessions:\n  s:\n    repo: api\n")
            #expect(saved.workspace.sessions.keys.sorted() == ["s"])
            #expect(try permissions(path) == 0o640)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "csm.yaml" }
            #expect(leftovers.isEmpty)
        }
    }

    @Test("a change on disk after reading is detected and blocks the save")
    func changedOnDisk() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder.appendingPathComponent("csm.yaml").path
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            let document = try ConfigDocument.load(path: path, loader: testLoader())
            #expect(!document.hasChangedOnDisk())
            try (text + "# someone else\n").write(toFile: path, atomically: false, encoding: .utf8)
            #expect(document.hasChangedOnDisk())
            #expect(throws: ConfigWriteError.changedOnDisk(path: path)) {
                try document.saving(text, loader: testLoader())
            }
            try FileManager.default.removeItem(atPath: path)
            #expect(document.hasChangedOnDisk())
        }
    }

    @Test("an invalid edit is refused before anything is written")
    func invalidEdit() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder.appendingPathComponent("csm.yaml").path
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            let document = try ConfigDocument.load(path: path, loader: testLoader())
            #expect(throws: ConfigWriteError.self) { try document.saving("version: 2\n", loader: testLoader()) }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        }
    }

    @Test("writeAtomically creates new files with mode 0644 and reports failures")
    func writeNewFile() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder.appendingPathComponent("new.yaml").path
            try writeAtomically("a: 1\n", to: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "a: 1\n")
            #expect(try permissions(path) & 0o777 == 0o644)
            #expect(throws: ConfigWriteError.self) {
                try writeAtomically("x", to: folder.path + "/missing/dir/csm.yaml")
            }
        }
    }

    @Test("writing through a symbolic link replaces the target and keeps the link")
    func symlink() async throws {
        try await withTemporaryDirectory { folder in
            let target = folder.appendingPathComponent("dotfiles-csm.yaml").path
            let link = folder.appendingPathComponent("csm.yaml").path
            try "a: 1\n".write(toFile: target, atomically: false, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            try writeAtomically("a: 2\n", to: link)
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "a: 2\n")
        }
    }

    @Test("loading a missing file or a folder gives a diagnostic at 1:1")
    func unreadable() async throws {
        try await withTemporaryDirectory { folder in
            for (path, message) in [
                (folder.path + "/none.yaml", "cannot read '\(folder.path)/none.yaml': no such file"),
                (folder.path, "cannot read '\(folder.path)': it is a folder"),
            ] {
                do throws(ConfigError) {
                    _ = try testLoader().load(file: path)
                    Issue.record("expected an error")
                } catch {
                    #expect(error.diagnostics.map(\.message) == [message])
                    #expect(error.diagnostics.map(\.location) == [SourceLocation(file: path, line: 1, column: 1)])
                }
            }
        }
    }
}
