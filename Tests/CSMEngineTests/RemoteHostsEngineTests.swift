import CSMAgent
import CSMConfig
import CSMDrivers
import CSMEngine
import CSMModel
import CSMPlanner
import CSMTestSupport
import Foundation
import Testing

/// Plan and apply across the local machine and two SSH hosts (real sshd instances on loopback, each with
/// its own tmux servers), with the fake agent.
@Suite("remote hosts", .tags(.realSSH, .realTmux, .realGit), .timeLimit(.minutes(3)))
struct RemoteHostsEngineTests {
    /// A world with hosts `remote1` and `remote2`, its engine and its transport.
    struct Setup {
        var world: CSMWorld
        var hosts: [SSHDInstance]
        var engine: Engine
        var remote: RemoteHosts

        func workspace() throws -> Workspace { try ConfigLoader().load(file: world.configFile.path) }

        /// A worktree base for a host, with characters that need quoting on the way.
        func base(_ host: String) -> String { world.root.path + "/\(host) it's a $dir" }

        func config(sessions: String, extraHosts: String = "") -> String {
            let fake = fixturesDirectory.appendingPathComponent("bin/fake-agent").path
            var text = """
                version: 1
                workspace: e2e
                defaults:
                  worktreeBase: ./worktrees
                  agent:
                    command: \(fake)
                    env:
                      FAKE_AGENT_LOG: \(world.agentLog.path)
                hosts:

                """
            for host in hosts {
                text += host.yaml + "    worktreeBase: \"\(base(host.name))\"\n"
            }
            text += extraHosts
            text += """
                repos:
                  app:
                    path: ./repo
                    baseBranch: main

                """
            for host in hosts {
                text +=
                    "  app-\(host.name):\n    path: \(world.repo.path)\n    host: \(host.name)\n    baseBranch: main\n"
            }
            return text + "sessions:\n" + sessions
        }
    }

    static func withSetup(_ body: (Setup) async throws -> Void) async throws {
        try await withCSMWorld { world in
            try await withSSHHosts(["remote1", "remote2"]) { hosts in
                let transport = SSHTransport(
                    stateDirectory: world.stateDir.path,
                    options: SSHOptions(connectTimeout: 5, extraOptions: hosts[0].clientOptions))
                let remote = RemoteHosts(transport: transport, tmuxSocket: world.tmuxSocket)
                let engine = Engine(
                    tmux: world.tmux, git: LibGit2Driver(),
                    launch: AgentLaunch(layout: StateLayout(root: world.stateDir.path), csmExecutable: "/bin/true"),
                    remote: remote)
                defer { Task { await transport.disconnectAll() } }
                try await body(Setup(world: world, hosts: hosts, engine: engine, remote: remote))
                await transport.disconnectAll()
            }
        }
    }

    static let threeSessions =
        "  l:\n    repo: app\n  a:\n    repo: app-remote1\n    prompt: \"it's $HOME; `date` \\\"q\\\"\\nline 2\"\n  b:\n    repo: app-remote2\n"

    @Test("a workspace spanning this machine and two SSH hosts converges with one apply")
    func mixedWorkspaceConverges() async throws {
        try await Self.withSetup { setup in
            try setup.world.writeConfig(setup.config(sessions: Self.threeSessions))
            let workspace = try setup.workspace()
            let (plan, actual) = try await setup.engine.plan(workspace)
            #expect(actual.unreachableHosts.isEmpty, "\(actual.unreachableHosts)")
            #expect(
                plan.actions.map { "\($0.kind.rawValue) \($0.session)@\($0.host)" }
                    == ["create a@remote1", "create b@remote2", "create l@local"])
            let report = await setup.engine.applier.apply(plan)
            #expect(report.isComplete, "\(report.failures)")

            let again = try await setup.engine.plan(workspace).plan
            #expect(again.actions.isEmpty, "apply, then plan: no changes (\(again.actions.map(\.reason)))")

            let remote1 = try await setup.remote.tmux("remote1").listSessions().map(\.tmuxName)
            let remote2 = try await setup.remote.tmux("remote2").listSessions().map(\.tmuxName)
            let local = try await setup.world.tmux.listSessions().map(\.tmuxName)
            #expect(remote1 == ["csm-a"] && remote2 == ["csm-b"] && local == ["csm-l"])
            let worktree = setup.base("remote1") + "/e2e/a"
            #expect(FileManager.default.fileExists(atPath: worktree + "/README.md"))
            #expect(try runTool("git", ["-C", worktree, "branch", "--show-current"]) == "csm/a\n")

            // The prompt reached the remote agent as one argument, exactly as written.
            #expect(await eventually(timeout: .seconds(30)) { setup.world.agentLaunches().count == 3 })
            let prompts = setup.world.agentLaunches().compactMap { $0.last }
            #expect(prompts.contains("it's $HOME; `date` \"q\""), "\(setup.world.agentLaunches())")

            let rows = try await setup.engine.list(workspace)
            #expect(
                rows.first { $0.name == "a" }?.host == "remote1" && rows.first { $0.name == "a" }?.status == .running)

            // A message pasted into a remote pane arrives whole (stdin through ssh), and the pane reads back.
            let tmux1 = setup.remote.tmux("remote1")
            try await tmux1.paste("echo 'it''s' \"$((6*7))\" `true` ✓", session: "csm-a", window: "terminal")
            let echoed = await eventually(timeout: .seconds(20)) {
                let text = (try? await tmux1.capturePane(session: "csm-a", window: "terminal")) ?? ""
                return text.contains("its 42 ✓")
            }
            let pane = (try? await tmux1.capturePane(session: "csm-a", window: "terminal")) ?? ""
            #expect(echoed, "\(pane)")

            // The dashboard's git changes of a remote session, read on the host.
            try Data("note\n".utf8).write(to: URL(fileURLWithPath: worktree + "/notes $1.txt"))
            try Data("# app\nchanged\n".utf8).write(to: URL(fileURLWithPath: worktree + "/README.md"))
            let changes = try await setup.remote.git("remote1").changes(worktreePath: worktree, maxDiffBytes: 1 << 20)
            #expect(changes.branch == "csm/a")
            #expect(
                changes.files.map { "\($0.status) \($0.path)" }.sorted() == [
                    "modified README.md", "untracked notes $1.txt",
                ])
            #expect(changes.diff.contains("+changed") && changes.diff.contains("+note"), "\(changes.diff)")
        }
    }

    @Test("observing costs one ssh round trip per host")
    func oneRoundTripPerHost() async throws {
        try await Self.withSetup { setup in
            try setup.world.writeConfig(setup.config(sessions: Self.threeSessions))
            let workspace = try setup.workspace()
            _ = try await setup.engine.observer.observe(workspace)
            let before = [
                await setup.remote.transport.commandCount(host: "remote1"),
                await setup.remote.transport.commandCount(host: "remote2"),
            ]
            _ = try await setup.engine.observer.observe(workspace)
            let after = [
                await setup.remote.transport.commandCount(host: "remote1"),
                await setup.remote.transport.commandCount(host: "remote2"),
            ]
            #expect(after == before.map { $0 + 1 })
        }
    }

    @Test("kill: a session no longer declared is destroyed on its host, its branch kept")
    func destroyRemote() async throws {
        try await Self.withSetup { setup in
            try setup.world.writeConfig(setup.config(sessions: Self.threeSessions))
            let first = try await setup.engine.plan(try setup.workspace()).plan
            #expect(await setup.engine.applier.apply(first).isComplete)

            try setup.world.writeConfig(setup.config(sessions: "  l:\n    repo: app\n  a:\n    repo: app-remote1\n"))
            let plan = try await setup.engine.plan(try setup.workspace(), options: PlanOptions(prune: true)).plan
            #expect(plan.actions.map { "\($0.kind.rawValue) \($0.session)@\($0.host)" } == ["destroy b@remote2"])
            let report = await setup.engine.applier.apply(plan)
            #expect(report.isComplete, "\(report.failures)")
            #expect(try await setup.remote.tmux("remote2").listSessions().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: setup.base("remote2") + "/e2e/b"))
            #expect(try setup.world.git("branch", "--list", "csm/b").contains("csm/b"))
        }
    }

    @Test("destroy on a host is blocked while the worktree holds work")
    func remoteWorkBlocksDestroy() async throws {
        try await Self.withSetup { setup in
            try setup.world.writeConfig(setup.config(sessions: "  b:\n    repo: app-remote2\n"))
            #expect(
                await setup.engine.applier.apply(try await setup.engine.plan(try setup.workspace()).plan).isComplete)
            try Data("work\n".utf8).write(to: URL(fileURLWithPath: setup.base("remote2") + "/e2e/b/notes.txt"))
            try setup.world.writeConfig(setup.config(sessions: ""))
            let plan = try await setup.engine.plan(try setup.workspace(), options: PlanOptions(prune: true)).plan
            #expect(plan.actions.map(\.kind) == [.blocked])
            #expect(plan.actions.first?.reason.contains("untracked") == true, "\(plan.actions.map(\.reason))")
        }
    }

    @Test("a host that is down is unreachable and nothing is planned for it, not even with prune")
    func hostDown() async throws {
        try await Self.withSetup { setup in
            try setup.world.writeConfig(setup.config(sessions: Self.threeSessions))
            #expect(
                await setup.engine.applier.apply(try await setup.engine.plan(try setup.workspace()).plan).isComplete)

            stopSSHD(setup.hosts[1])
            await setup.remote.transport.disconnect("remote2")
            try setup.world.writeConfig(setup.config(sessions: "  l:\n    repo: app\n"))
            let (plan, actual) = try await setup.engine.plan(try setup.workspace(), options: PlanOptions(prune: true))
            #expect(actual.unreachableHosts.keys.sorted() == ["remote2"])
            #expect(actual.unreachableHosts["remote2"]?.contains("remote2") == true)
            #expect(!plan.actions.contains { $0.host == "remote2" })
            #expect(plan.actions.map { "\($0.kind.rawValue) \($0.session)@\($0.host)" } == ["destroy a@remote1"])
            let rows = try await setup.engine.list(try setup.workspace())
            #expect(rows.allSatisfy { $0.host != "remote2" || $0.status == .unreachable })
        }
    }
}

/// Transcripts of remote agents are tailed through the host's connection.
@Suite("remote transcripts", .tags(.realSSH), .timeLimit(.minutes(2)))
struct RemoteTranscriptTests {
    @Test("a transcript on an SSH host is followed as it grows, a half-written line kept until it ends")
    func tailsRemoteFile() async throws {
        try await withSSHHosts(["remote1"]) { hosts in
            try await withTemporaryDirectory { state in
                let transport = SSHTransport(
                    stateDirectory: state.path,
                    options: SSHOptions(connectTimeout: 5, extraOptions: hosts[0].clientOptions))
                await transport.configure([hosts[0].hostSpec])
                defer { Task { await transport.disconnectAll() } }
                let file = hosts[0].home + "/it's a transcript.jsonl"
                let reader = RemoteTranscriptReader(
                    runner: SSHProcessRunner(transport: transport, host: "remote1"), minimumInterval: .zero)
                let tailer = TranscriptTailer(path: file, reader: reader)
                #expect(await tailer.poll().isEmpty, "no file yet")
                let handle = try FileHandle(
                    forWritingTo: {
                        _ = FileManager.default.createFile(atPath: file, contents: nil)
                        return URL(fileURLWithPath: file)
                    }())
                try handle.write(contentsOf: Data(#"{"type":"user","uuid":"u1","message":{"content":"hel"#.utf8))
                #expect(await tailer.poll().isEmpty)
                try handle.write(contentsOf: Data((#"lo ✓"}}"# + "\n").utf8))
                #expect(await tailer.poll().map(\.event) == [.userPrompt(text: "hello ✓")])
                #expect(await tailer.poll().isEmpty, "nothing new")
                try handle.close()
                await transport.disconnect("remote1")
            }
        }
    }
}
