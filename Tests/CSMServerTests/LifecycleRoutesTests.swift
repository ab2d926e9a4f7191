import CSMModel
import CSMServer
import CSMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("session lifecycle routes", .tags(.realTmux, .realGit), .timeLimit(.minutes(2)))
struct LifecycleRoutesTests {
    @Test("diff, squash merge with archive, archive list and restore bring the same branch back")
    func mergeArchiveRestore() async throws {
        try await withServer(sessions: "  feat:\n    repo: app\n") { server in
            try await server.test { client in
                _ = try await client.execute(uri: "/api/apply", method: .post, headers: server.auth)
                let worktree = server.world.worktreeBase.appendingPathComponent("e2e/feat")
                try Data("hello\n".utf8).write(to: worktree.appendingPathComponent("hello.txt"))

                let diff = try await client.execute(uri: "/api/sessions/feat/diff?file=hello.txt", method: .get)
                #expect(diff.status == .ok, "\(diff.text)")
                #expect((diff.object["patch"] as? String)?.contains("+hello") == true)
                let outside = try await client.execute(uri: "/api/sessions/feat/diff?file=../x", method: .get)
                #expect(outside.status == .badRequest, "\(outside.text)")

                let dirty = try await client.execute(
                    uri: "/api/sessions/feat/merge", method: .post, headers: server.json, body: #"{"strategy":"squash"}"#.buffer)
                #expect(dirty.status == .conflict && dirty.errorCode == "worktree_dirty", "\(dirty.text)")

                try server.world.git("add", "hello.txt", in: worktree)
                try server.world.git("commit", "-q", "-m", "Add hello", in: worktree)
                let merged = try await client.execute(
                    uri: "/api/sessions/feat/merge", method: .post, headers: server.json,
                    body: #"{"strategy":"squash","archive":true}"#.buffer)
                #expect(merged.status == .ok, "\(merged.text)")
                #expect(try server.world.git("log", "-1", "--format=%s", "main").contains("Add hello"))
                #expect(!(try server.world.readConfig().contains("  feat:\n")))

                let archive = try await client.execute(uri: "/api/archive", method: .get)
                let records = try #require(archive.object["archive"] as? [[String: Any]])
                #expect(records.map { $0["name"] as? String } == ["feat"])

                let restored = try await client.execute(uri: "/api/archive/feat/restore", method: .post, headers: server.auth)
                #expect(restored.status == .ok, "\(restored.text)")
                #expect(FileManager.default.fileExists(atPath: worktree.appendingPathComponent("hello.txt").path))
                let again = try await client.execute(uri: "/api/archive/feat/restore", method: .post, headers: server.auth)
                #expect(again.status == .notFound && again.errorCode == "archive_not_found", "\(again.text)")
            }
        }
    }

    @Test("rename moves the session; run starts a declared script; errors are JSON with stable codes")
    func renameAndRun() async throws {
        try await withServer(sessions: "  old:\n    repo: app\n    scripts:\n      hello: echo hi\n") { server in
            try await server.test { client in
                _ = try await client.execute(uri: "/api/apply", method: .post, headers: server.auth)
                let unauthenticated = try await client.execute(
                    uri: "/api/sessions/old/rename", method: .post, body: #"{"name":"new"}"#.buffer)
                #expect(unauthenticated.status == .unauthorized)
                let invalid = try await client.execute(
                    uri: "/api/sessions/old/rename", method: .post, headers: server.json, body: #"{"name":"a b"}"#.buffer)
                #expect(invalid.status == .badRequest)
                let renamed = try await client.execute(
                    uri: "/api/sessions/old/rename", method: .post, headers: server.json, body: #"{"name":"new"}"#.buffer)
                #expect(renamed.status == .ok, "\(renamed.text)")
                #expect(renamed.object["to"] as? String == "new")
                #expect(try server.world.readConfig().contains("  new:\n"))
                #expect(FileManager.default.fileExists(atPath: server.world.worktreeBase.appendingPathComponent("e2e/new").path))

                let ran = try await client.execute(
                    uri: "/api/sessions/new/run", method: .post, headers: server.json, body: #"{"script":"hello"}"#.buffer)
                #expect(ran.status == .ok, "\(ran.text)")
                let missing = try await client.execute(
                    uri: "/api/sessions/new/run", method: .post, headers: server.json, body: #"{"script":"nope"}"#.buffer)
                #expect(missing.status == .notFound && missing.errorCode == "script_not_found", "\(missing.text)")
                let unknown = try await client.execute(
                    uri: "/api/sessions/ghost/archive", method: .post, headers: server.auth)
                #expect(unknown.status == .notFound && unknown.errorCode == "session_not_found", "\(unknown.text)")
            }
        }
    }
}
