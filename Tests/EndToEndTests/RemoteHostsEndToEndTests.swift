import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// The built `csm` against real sshd "hosts": the CLI across hosts, and hooks of a remote agent reaching
/// `csm server` through the reverse forward.
@Suite("remote hosts end to end", .tags(.realSSH, .realTmux, .realGit), .timeLimit(.minutes(3)))
struct RemoteHostsEndToEndTests {
    static func config(_ world: CSMWorld, _ hosts: [SSHDInstance], sessions: String) -> String {
        var text = world.config(sessions: sessions)
        var hostLines = "hosts:\n"
        var repoLines = ""
        for host in hosts {
            hostLines += host.yaml + "    worktreeBase: \(world.root.path)/\(host.name)-worktrees\n"
            repoLines +=
                "  app-\(host.name):\n    path: \(world.repo.path)\n    host: \(host.name)\n    baseBranch: main\n"
        }
        text = text.replacingOccurrences(of: "repos:\n", with: hostLines + "repos:\n" + repoLines)
        return text
    }

    static func sshEnvironment(_ hosts: [SSHDInstance]) -> [String: String] {
        ["CSM_SSH_OPTIONS": hosts[0].clientOptions.joined(separator: ";")]
    }

    @Test("csm hosts, list --host, create --host and kill work across hosts")
    func cliAcrossHosts() async throws {
        try await withCSMWorld { base in
            try await withSSHHosts(["remote1", "remote2"]) { hosts in
                var world = base
                world.extraEnvironment = Self.sshEnvironment(hosts)
                try world.writeConfig(Self.config(world, hosts, sessions: "  l:\n    repo: app\n"))

                let listing = try await world.csm("hosts")
                #expect(listing.status == 0, "\(listing.combined)")
                let lines = listing.stdout.split(separator: "\n").map(String.init)
                for name in ["remote1", "remote2"] {
                    let line = lines.first { $0.hasPrefix(name) } ?? ""
                    #expect(
                        line.contains("reachable") && line.contains(" ms") && line.contains("sh + curl"),
                        "\(listing.stdout)")
                }

                let created = try await world.csm("create", "r", "--repo", "app-remote1", "--prompt", "say 'hi' $there")
                #expect(created.status == 0, "\(created.combined)")
                let list = try await world.csm("list", "--host", "remote1", "--json")
                #expect(list.status == 0, "\(list.combined)")
                #expect(
                    list.stdout.contains(#""name" : "r""#) || list.stdout.contains(#""name":"r""#), "\(list.stdout)")
                #expect(!list.stdout.contains(#""l""#))
                let worktree = world.root.path + "/remote1-worktrees/e2e/r"
                #expect(FileManager.default.fileExists(atPath: worktree + "/README.md"))

                let apply = try await world.csm("apply", "--yes")
                #expect(apply.status == 0, "\(apply.combined)")
                let plan = try await world.csm("plan", "--detailed-exitcode")
                #expect(plan.status == 0, "apply then plan: no changes\n\(plan.combined)")

                let reconnect = try await world.csm("reconnect", "r")
                #expect(reconnect.status == 0, "\(reconnect.combined)")
                let merge = try await world.csm("merge", "r")
                #expect(merge.status != 0 && merge.stderr.contains("SSH host 'remote1'"), "\(merge.combined)")

                let killed = try await world.csm("kill", "r")
                #expect(killed.status == 0, "\(killed.combined)")
                #expect(!FileManager.default.fileExists(atPath: worktree))
                let after = try await world.csm("list", "--host", "remote1")
                #expect(!after.stdout.contains("r "), "\(after.stdout)")
            }
        }
    }

    @Test("a remote agent's hook reaches csm server through the reverse forward and gets the approval decided in csm")
    func hookOverReverseForward() async throws {
        try await withCSMWorld { base in
            try await withSSHHosts(["remote1"]) { hosts in
                var world = base
                world.extraEnvironment = Self.sshEnvironment(hosts)
                let host = hosts[0]
                try world.writeConfig(
                    Self.config(world, hosts, sessions: "  r:\n    repo: app-remote1\n")
                        + "server:\n  reconcile:\n    interval: 1s\n  approvalTimeout: 120\n")
                let server = try CSMProcess(
                    world: world, arguments: ["server", "--listen", "127.0.0.1:0"], environment: world.extraEnvironment)
                defer { server.stop() }
                #expect(await eventually(timeout: .seconds(60)) { server.baseURL != nil }, "\(server.text)")
                let baseURL = try #require(server.baseURL)
                let root = host.home + "/.local/state/csm-remote"
                let settings = root + "/workspaces/e2e/sessions/r/settings.json"
                #expect(
                    await eventually(timeout: .seconds(60)) {
                        FileManager.default.fileExists(atPath: root + "/workspaces/e2e/server.json")
                            && FileManager.default.fileExists(atPath: settings)
                    }, "\(server.text)")

                // The hook command Claude Code would run on the host, run there over ssh with a PreToolUse payload.
                let json =
                    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: settings)))
                    as? [String: Any]
                let hooks = json?["hooks"] as? [String: Any]
                let entry = (hooks?["PreToolUse"] as? [[String: Any]])?.first?["hooks"] as? [[String: Any]]
                let command = try #require(entry?.first?["command"] as? String)
                #expect(command.contains("hook-relay.sh"))
                let payload =
                    #"{"hook_event_name":"PreToolUse","session_id":"s1","tool_name":"Bash","tool_input":{"command":"touch x"},"tool_use_id":"t1","cwd":"/tmp"}"#
                let ssh =
                    ["-o", "BatchMode=yes", "-i", host.userKey, "-p", String(host.port)]
                    + host.clientOptions.flatMap { ["-o", $0] } + ["\(host.user)@127.0.0.1", command]
                let hook = Task { try await SpawnProcessRunner().run("ssh", ssh, input: payload, environment: nil) }

                var requestID: String?
                let pending = await eventually(timeout: .seconds(60)) {
                    let text = (try? runTool("curl", ["-s", "\(baseURL)/api/sessions/r"])) ?? ""
                    let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
                    requestID = (object?["pendingApprovals"] as? [[String: Any]])?.first?["requestId"] as? String
                    return requestID != nil
                }
                #expect(pending, "no pending approval reached the server\n\(server.text)")
                let id = try #require(requestID)
                let token = try String(contentsOf: world.stateDir.appendingPathComponent("token"), encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let decided = try runTool(
                    "curl",
                    [
                        "-s", "-X", "POST", "\(baseURL)/api/sessions/r/approve-tool", "-H",
                        "Authorization: Bearer \(token)",
                        "-H", "Content-Type: application/json", "-d", #"{"requestId":"\#(id)","action":"allow"}"#,
                    ])
                #expect(decided.contains(#""success":true"#), "\(decided)")
                let answer = try await hook.value
                #expect(answer.status == 0, "\(answer.stderr)")
                #expect(answer.stdout.contains(#""permissionDecision":"allow""#), "\(answer.stdout)")
            }
        }
    }
}
