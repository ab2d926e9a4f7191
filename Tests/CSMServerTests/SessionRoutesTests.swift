import CSMModel
import CSMServer
import CSMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("session routes", .tags(.realTmux, .realGit), .timeLimit(.minutes(2)))
struct SessionRoutesTests {
    @Test("POST /api/sessions declares the session keeping comments, starts it, and it is listed with its shape")
    func createAndList() async throws {
        try await withServer { server in
            try await server.test { client in
                let created = try await client.execute(
                    uri: "/api/sessions", method: .post, headers: server.json,
                    body: #"{"name":"feat","prompt":"add a test","model":"opus"}"#.buffer)
                #expect(created.status == .created, "\(created.text)")
                let results = try #require(created.object["results"] as? [[String: Any]])
                #expect(results.first?["outcome"] as? String == "succeeded")
                let config = try server.world.readConfig()
                #expect(config.hasPrefix("# end-to-end test workspace"))
                #expect(config.contains("  feat:\n    repo: app\n    model: opus\n    prompt: add a test\n"))
                #expect(try await server.world.tmux.listSessions().map(\.tmuxName) == ["csm-feat"])

                let list = try await client.execute(uri: "/api/sessions", method: .get)
                let sessions = try #require(list.object["sessions"] as? [[String: Any]])
                let session = try #require(sessions.first)
                #expect(session["name"] as? String == "feat")
                #expect(session["repo"] as? String == "app")
                #expect(session["branch"] as? String == "csm/feat")
                #expect(session["model"] as? String == "opus")
                #expect(["starting", "idle"].contains(session["status"] as? String ?? ""))
                #expect(session["turnCount"] as? Int == 0 && session["costUSD"] as? Double == 0)
                #expect((session["pendingApprovals"] as? [Any])?.isEmpty == true)
                #expect(session["favorite"] as? Bool == false)
                #expect((session["worktree"] as? String)?.hasSuffix("/worktrees/e2e/feat") == true)
                #expect(session["lastActivity"] is String)

                let again = try await client.execute(
                    uri: "/api/sessions", method: .post, headers: server.json, body: #"{"name":"feat"}"#.buffer)
                #expect(again.status == .conflict && again.errorCode == "session_exists")
                let badName = try await client.execute(
                    uri: "/api/sessions", method: .post, headers: server.json, body: #"{"name":"a b"}"#.buffer)
                #expect(badName.status == .badRequest && badName.errorCode == "invalid_name")
                let badRepo = try await client.execute(
                    uri: "/api/sessions", method: .post, headers: server.json,
                    body: #"{"name":"x","repo":"nope"}"#.buffer)
                #expect(badRepo.status == .badRequest && badRepo.errorCode == "invalid_body")
                let one = try await client.execute(uri: "/api/sessions/feat", method: .get)
                #expect(one.status == .ok && one.object["name"] as? String == "feat")
            }
        }
    }

    @Test("a message is pasted into the agent's pane; 409 when the agent is not running")
    func message() async throws {
        try await withServer(sessions: "  run:\n    repo: app\n  idle:\n    repo: app\n") { server in
            try await server.test { client in
                let notRunning = try await client.execute(
                    uri: "/api/sessions/idle/message", method: .post, headers: server.json,
                    body: #"{"text":"hello"}"#.buffer)
                #expect(notRunning.status == .conflict && notRunning.errorCode == "session_not_running")
                let unknown = try await client.execute(
                    uri: "/api/sessions/ghost/message", method: .post, headers: server.json,
                    body: #"{"text":"hello"}"#.buffer)
                #expect(unknown.status == .notFound)
                let empty = try await client.execute(
                    uri: "/api/sessions/idle/message", method: .post, headers: server.json,
                    body: #"{"text":"  "}"#.buffer)
                #expect(empty.status == .badRequest)

                let pass = try await client.execute(uri: "/api/apply", method: .post, headers: server.auth)
                #expect(pass.status == .ok)
                let sent = try await client.execute(
                    uri: "/api/sessions/run/message", method: .post, headers: server.json,
                    body: #"{"text":"echo 'quoted' $HOME; done"}"#.buffer)
                #expect(sent.status == .ok, "\(sent.text)")
                #expect(sent.object["method"] as? String == "tmux")
                let socket = server.world.tmuxSocket
                let shown = await eventually(timeout: .seconds(60)) {
                    let pane =
                        (try? runTool("tmux", ["-L", socket, "capture-pane", "-p", "-t", "=csm-run:claude"])) ?? ""
                    return pane.contains("echo 'quoted' $HOME; done")
                }
                #expect(shown, "the text reaches the pane literally")
                let events = try await server.dependencies.events.events(session: "run")
                #expect(events.contains { $0.type == "message.sent" })
            }
        }
    }

    @Test("favorite, reconnect, approve-tool and changes answer as documented")
    func sessionActions() async throws {
        try await withServer(sessions: "  a:\n    repo: app\n") { server in
            try await server.test { client in
                let favorite = try await client.execute(
                    uri: "/api/sessions/a/favorite", method: .post, headers: server.auth)
                #expect(favorite.status == .ok)
                #expect(try server.world.readConfig().contains("favorites:\n  - a\n"))
                let listed = try await client.execute(uri: "/api/sessions/a", method: .get)
                #expect(listed.object["favorite"] as? Bool == true)
                let unfavorite = try await client.execute(
                    uri: "/api/sessions/a/favorite", method: .delete, headers: server.auth)
                #expect(unfavorite.status == .ok)
                #expect(!(try server.world.readConfig().contains("- a")))
                let ghost = try await client.execute(
                    uri: "/api/sessions/ghost/favorite", method: .post, headers: server.auth)
                #expect(ghost.status == .notFound)

                _ = try await client.execute(uri: "/api/apply", method: .post, headers: server.auth)
                #expect(await eventually(timeout: .seconds(60)) { server.world.agentLaunches().count == 1 })
                let reconnect = try await client.execute(
                    uri: "/api/sessions/a/reconnect", method: .post, headers: server.auth)
                #expect(reconnect.status == .ok, "\(reconnect.text)")
                #expect(await eventually(timeout: .seconds(60)) { server.world.agentLaunches().count == 2 })
                #expect(server.world.agentLaunches().last?.first == "--continue")
                let logged = try await server.dependencies.events.events(session: "a")
                #expect(logged.contains { $0.type == "session.action" && $0.data["via"] == .string("api") })

                let approve = try await client.execute(
                    uri: "/api/sessions/a/approve-tool", method: .post, headers: server.json,
                    body: #"{"requestId":"r1","action":"allow"}"#.buffer)
                #expect(approve.status == .notFound && approve.errorCode == "approval_not_found")
                let badAction = try await client.execute(
                    uri: "/api/sessions/a/approve-tool", method: .post, headers: server.json,
                    body: #"{"requestId":"r1","action":"maybe"}"#.buffer)
                #expect(badAction.status == .badRequest)
                let worktree = server.world.worktreeBase.appendingPathComponent("e2e/a")
                try Data("# app\nmore\n".utf8).write(to: worktree.appendingPathComponent("README.md"))
                try Data("new\n".utf8).write(to: worktree.appendingPathComponent("new.txt"))
                let changes = try await client.execute(uri: "/api/sessions/a/changes", method: .get)
                #expect(changes.status == .ok, "\(changes.text)")
                let files = try #require(changes.object["files"] as? [[String: Any]])
                #expect(
                    files.map { "\($0["path"] ?? "") \($0["status"] ?? "")" } == [
                        "README.md modified", "new.txt untracked",
                    ])
                let diff = try #require(changes.object["diff"] as? String)
                #expect(diff.contains("+more") && diff.contains("+++ b/new.txt"))
                #expect(changes.object["branch"] as? String == "csm/a")
                let cut = try await client.execute(uri: "/api/sessions/a/changes?maxBytes=10", method: .get)
                #expect(cut.object["isTruncated"] as? Bool == true)
            }
        }
    }

    @Test("DELETE refuses to lose work (409, csm.yaml unchanged), then destroys with force and keeps the branch")
    func kill() async throws {
        try await withServer(sessions: "  a:\n    repo: app\n") { server in
            try await server.test { client in
                _ = try await client.execute(uri: "/api/apply", method: .post, headers: server.auth)
                let worktree = server.world.worktreeBase.appendingPathComponent("e2e/a")
                try Data("notes\n".utf8).write(to: worktree.appendingPathComponent("notes.txt"))
                let blocked = try await client.execute(uri: "/api/sessions/a", method: .delete, headers: server.auth)
                #expect(blocked.status == .conflict && blocked.errorCode == "destroy_blocked")
                #expect(try server.world.readConfig().contains("  a:\n"))
                let forced = try await client.execute(
                    uri: "/api/sessions/a?force=true", method: .delete, headers: server.auth)
                #expect(forced.status == .ok, "\(forced.text)")
                #expect(!(try server.world.readConfig().contains("  a:\n")))
                #expect(try await server.world.tmux.listSessions().isEmpty)
                #expect(!FileManager.default.fileExists(atPath: worktree.path))
                #expect(try server.world.git("branch", "--list", "csm/a").contains("csm/a"))
                let gone = try await client.execute(uri: "/api/sessions/a", method: .delete, headers: server.auth)
                #expect(gone.status == .notFound)
            }
        }
    }

    @Test("POST /api/apply runs a pass and GET /api/plan shows it; hosts and repos are listed")
    func planApplyInventory() async throws {
        try await withServer(sessions: "  a:\n    repo: app\n") { server in
            try await server.test { client in
                let before = try await client.execute(uri: "/api/plan", method: .get)
                #expect(before.status == .ok && before.object["pass"] == nil || before.object["pass"] is NSNull)
                let apply = try await client.execute(uri: "/api/apply", method: .post, headers: server.auth)
                let pass = try #require(apply.object["pass"] as? [String: Any])
                #expect(pass["reason"] as? String == "api")
                let results = try #require(pass["results"] as? [[String: Any]])
                #expect(
                    results.first?["action"] as? String == "create"
                        && results.first?["outcome"] as? String == "succeeded")
                let plan = try await client.execute(uri: "/api/plan", method: .get)
                #expect((plan.object["pass"] as? [String: Any])?["number"] as? Int == 1)
                let hosts = try await client.execute(uri: "/api/hosts", method: .get)
                #expect((hosts.object["hosts"] as? [[String: Any]])?.first?["name"] as? String == "local")
                let repos = try await client.execute(uri: "/api/repos", method: .get)
                #expect((repos.object["repos"] as? [[String: Any]])?.first?["name"] as? String == "app")
                let health = try await client.execute(uri: "/api/health", method: .get)
                #expect(health.object["status"] as? String == "ok")
                #expect((health.object["reconcile"] as? [String: Any])?["passes"] as? Int == 1)
            }
        }
    }
}

@Suite("reconcile failures in the API", .tags(.realTmux, .realGit), .timeLimit(.minutes(2)))
struct FailureRoutesTests {
    @Test("a session whose create fails shows the failure and its retry time; other sessions go ahead")
    func failureVisible() async throws {
        try await withServer(sessions: "  bad:\n    repo: app\n    base: no-such-branch\n  good:\n    repo: app\n") {
            server in
            try await server.test { client in
                let apply = try await client.execute(uri: "/api/apply", method: .post, headers: server.auth)
                let failures = try #require(apply.object["failures"] as? [[String: Any]])
                #expect(failures.map { $0["session"] as? String } == ["bad"])
                #expect((failures.first?["message"] as? String)?.contains("no-such-branch") == true)
                #expect(failures.first?["count"] as? Int == 1 && failures.first?["retryAt"] is String)
                let list = try await client.execute(uri: "/api/sessions", method: .get)
                let sessions = try #require(list.object["sessions"] as? [[String: Any]])
                let bad = try #require(sessions.first { $0["name"] as? String == "bad" })
                #expect(bad["status"] as? String == "missing")
                #expect((bad["failure"] as? [String: Any])?["action"] as? String == "create")
                let good = try #require(sessions.first { $0["name"] as? String == "good" })
                #expect(good["failure"] == nil && good["tmuxSession"] as? String == "csm-good")
                let again = try await client.execute(uri: "/api/apply", method: .post, headers: server.auth)
                let results = try #require((again.object["pass"] as? [String: Any])?["results"] as? [[String: Any]])
                #expect(results.first?["outcome"] as? String == "deferred", "backing off, not retried at once")
            }
        }
    }
}
