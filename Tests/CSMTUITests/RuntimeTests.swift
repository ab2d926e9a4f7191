import CSMConfig
import CSMDrivers
import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Synchronization
import Testing

@testable import CSMTUI

/// The data source and effect runner over the engine with in-memory drivers and a real csm.yaml.
@Suite("runtime with in-memory drivers")
struct RuntimeTests {
    let tmux = InMemoryTmux()
    let git = InMemoryGit()
    let root: URL
    var configPath: String { root.appendingPathComponent("csm.yaml").path }

    init() throws {
        root = try makeTemporaryDirectory(prefix: "csm-tui")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("app"), withIntermediateDirectories: true)
        let text = """
            # my sessions
            version: 1
            workspace: ws
            defaults:
              worktreeBase: /wt
            repos:
              app:
                path: ./app
            sessions:
              keep:
                repo: app  # the one we keep

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    var environment: TUIEnvironment {
        let loader = ConfigLoader(environment: [:], homeDirectory: root.path)
        let path = configPath
        let state = StateLayout(root: root.appendingPathComponent("state").path)
        return TUIEnvironment(
            engine: Engine(tmux: tmux, git: git, launch: AgentLaunch(layout: state, csmExecutable: "/usr/bin/csm")),
            loader: loader, loadWorkspace: { try loader.load(file: path) }, editablePath: path, stateLayout: state,
            tmux: TmuxCLI(socketName: "unused"), isInsideSessionServer: false, pollInterval: 60)
    }

    func config() throws -> String { try String(contentsOfFile: configPath, encoding: .utf8) }

    final class Recorder: Sendable {
        let events = Mutex<[TUIEvent]>([])
        var emit: @Sendable (TUIEvent) -> Void { { event in self.events.withLock { $0.append(event) } } }
        var last: TUIEvent? { events.withLock { $0.last } }
    }

    @Test("an observation becomes a snapshot with rows, favorites and the plan")
    func observe() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        guard case let .snapshot(snapshot) = await PollingDataSource(environment: environment).observe() else {
            Issue.record("no snapshot")
            return
        }
        #expect(snapshot.sessions.map(\.name) == ["keep"])
        #expect(snapshot.sessions.first?.row.status == .missing)
        #expect(snapshot.plan.toAdd == 1)
    }

    @Test("create declares the session keeping comments and applies it; favorite edits favorites")
    func createAndFavorite() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let runner = WorkspaceEffectRunner(environment: environment)
        let recorder = Recorder()
        await runner.perform(.create(CreateRequest(name: "made", repo: "app", prompt: "go")), emit: recorder.emit)
        #expect(recorder.last == .effect(.succeeded("Created 'made'; a attaches to it.")))
        #expect(try config().contains("repo: app  # the one we keep\n  made:\n    repo: app\n    prompt: go\n"))
        #expect(try await tmux.listSessions().map(\.tmuxName) == ["csm-made"])
        #expect(recorder.events.withLock { $0 }.contains(.effect(.progress("create made…"))))

        await runner.perform(.setFavorite(session: "made", isFavorite: true), emit: recorder.emit)
        #expect(try config().hasSuffix("favorites:\n  - made\n"))
        await runner.perform(.setFavorite(session: "made", isFavorite: false), emit: recorder.emit)
        #expect(!(try config().contains("- made")))

        await runner.perform(.create(CreateRequest(name: "made", repo: "app")), emit: recorder.emit)
        #expect(recorder.last == .effect(.failed("a session named 'made' is already declared in csm.yaml.")))
    }

    @Test("kill is refused while the worktree holds work, leaving csm.yaml alone, and succeeds once it is clean")
    func kill() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let runner = WorkspaceEffectRunner(environment: environment)
        let recorder = Recorder()
        await runner.perform(.apply(confirmedDestroys: []), emit: recorder.emit)
        #expect(recorder.last == .effect(.succeeded("Apply complete: 1 added, 0 changed, 0 destroyed.")))
        await git.addWorkOnNextObserve(path: "/wt/ws/keep", untracked: 1)
        let before = try config()
        await runner.perform(.kill(session: "keep"), emit: recorder.emit)
        guard case let .effect(.killRefused(session, reason)) = recorder.last else {
            Issue.record("not refused: \(String(describing: recorder.last))")
            return
        }
        #expect(session == "keep" && reason.contains("1 untracked file"))
        #expect(try config() == before)
        var clean = try #require(await git.worktrees["/wt/ws/keep"])
        clean.untrackedCount = 0
        await git.add(clean)
        await runner.perform(.kill(session: "keep"), emit: recorder.emit)
        #expect(recorder.last == .effect(.succeeded("Killed 'keep'; its branch is kept.")))
        #expect(!(try config().contains("keep:")))
        #expect(try await tmux.listSessions().isEmpty)
    }

    @Test("apply refuses to destroy what the user did not confirm")
    func applyConfirmation() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let runner = WorkspaceEffectRunner(environment: environment)
        let recorder = Recorder()
        await runner.perform(.apply(confirmedDestroys: []), emit: recorder.emit)
        let text = try config().replacingOccurrences(of: "  keep:\n    repo: app  # the one we keep\n", with: "")
        try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
        await runner.perform(.apply(confirmedDestroys: []), emit: recorder.emit)
        #expect(recorder.last == .effect(.failed(TUIError.planChanged(destroys: ["keep"]).description)))
        await runner.perform(.apply(confirmedDestroys: ["keep"]), emit: recorder.emit)
        #expect(recorder.last == .effect(.succeeded("Apply complete: 0 added, 0 changed, 1 destroyed.")))
    }

    @Test("the polling source reports its mode, observes, and observes again on refresh without waiting")
    func polling() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let source = PollingDataSource(environment: environment)
        let recorder = Recorder()
        let task = Task { await source.run { recorder.emit(.data($0)) } }
        defer { task.cancel() }
        let snapshots = {
            recorder.events.withLock { $0.count { if case .data(.snapshot) = $0 { true } else { false } } }
        }
        // Generous limits: in the full suite, CPU-bound property tests can hold the cooperative threads for seconds.
        #expect(await eventually(timeout: .seconds(60)) { snapshots() == 1 })
        #expect(recorder.events.withLock { $0.first } == .data(.connection("observing every 60 s · no server")))
        source.refresh()
        #expect(await eventually(timeout: .seconds(60)) { snapshots() == 2 })
    }

    @Test("the hook log becomes events: name, time and a short summary")
    func hookLog() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("hooks.jsonl").path
        let lines = [
            #"{"payload":{"hook_event_name":"SessionStart","source":"startup"},"ts":"2026-11-25T04:00:00Z"}"#,
            #"{"payload":{"hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/a.swift"}},"ts":"2026-11-25T04:00:01Z"}"#,
            "not json",
            #"{"payload":{"hook_event_name":"Stop","last_assistant_message":"Done."},"ts":"2026-11-25T04:00:02Z"}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let events = HookLog.read(path: path)
        #expect(events.map(\.kind) == ["SessionStart", "PreToolUse", "Stop"])
        #expect(events.map(\.summary) == ["startup", "Read /a.swift", "Done."])
        #expect(events.first?.time == ISO8601DateFormatter().date(from: "2026-11-25T04:00:00Z"))
        #expect(HookLog.read(path: root.appendingPathComponent("none").path).isEmpty)
    }

    @Test("git's status, name-status and numstat output become changed files")
    func gitParsing() {
        let status = GitChanges.parseStatus(
            " M Sources/a.swift\nA  new.swift\n?? \"with space.txt\"\nR  old.swift -> renamed.swift\n D gone.swift\n")
        #expect(
            status.map(\.path) == ["Sources/a.swift", "new.swift", "with space.txt", "renamed.swift", "gone.swift"])
        #expect(status.map(\.status) == ["M", "A", "?", "R", "D"])
        #expect(status.allSatisfy { !$0.isCommitted })
        let names = GitChanges.parseNameStatus("M\tREADME.md\nA\tTests/x.swift\n")
        #expect(
            names == [
                ChangedFile(path: "README.md", status: "M", isCommitted: true),
                ChangedFile(path: "Tests/x.swift", status: "A", isCommitted: true),
            ])
        let counts = GitChanges.parseNumstat("3\t1\tREADME.md\n-\t-\timage.png\n")
        #expect(counts["README.md"]??.0 == 3 && counts["README.md"]??.1 == 1)
        #expect(counts["image.png"] != nil && counts["image.png"]! == nil)
    }

    @Test("diff stats: which worktrees are asked for, with their base and activity, and where the stats go")
    func statsRequests() {
        let requests = PollingDataSource.statsRequests(
            workspace: Fixture.workspace, actual: Fixture.actual, activity: ["feature": "120"])
        #expect(
            requests == [
                DiffStatsCache.Request(
                    worktreePath: "/work/trees/demo/feature", repoPath: "/src/app", base: "main", activity: "2/1/3 120"),
                DiffStatsCache.Request(
                    worktreePath: "/work/trees/demo/translate", repoPath: "/src/docs", base: nil, activity: "0/0/0 -"),
                // No longer declared: the marker's repository, compared with its HEAD.
                DiffStatsCache.Request(
                    worktreePath: "/work/trees/demo/old", repoPath: "/src/app", base: nil, activity: "0/0/0 -"),
            ])
        var snapshot = Fixture.snapshot
        for index in snapshot.sessions.indices { snapshot.sessions[index].diffStats = nil }
        let stats = ["/work/trees/demo/feature": DiffStats(files: 1, insertions: 2, deletions: 3)]
        let applied = PollingDataSource.applying(stats, to: snapshot)
        #expect(applied.sessions.compactMap { $0.diffStats == nil ? nil : $0.name } == ["feature"])
        #expect(SessionStyle.changes(applied.sessions.first { $0.name == "feature" }!) == "1 file +2 \u{2212}3")
        // Without stats yet: the observed counts.
        #expect(SessionStyle.changes(snapshot.sessions.first { $0.name == "feature" }!) == "2 mod · 1 new · 3 commits")
    }

    @Test("an untracked file's lines, as git counts them; binary files have none")
    func untrackedLines() async throws {
        try await withTemporaryDirectory(prefix: "csm-lines") { root in
            func file(_ name: String, _ bytes: [UInt8]) throws -> String {
                let url = root.appendingPathComponent(name)
                try Data(bytes).write(to: url)
                return url.path
            }
            let three = try file("three", Array("a\nb\nc\n".utf8))
            let unterminated = try file("unterminated", Array("a\nb".utf8))
            let empty = try file("empty", [])
            let binary = try file("binary", [0x89, 0x50, 0, 10, 10])
            #expect(GitChanges.lineCount(three) == 3 && GitChanges.lineCount(unterminated) == 2)
            #expect(GitChanges.lineCount(empty) == 0 && GitChanges.lineCount(binary) == nil)
            #expect(GitChanges.lineCount(root.appendingPathComponent("missing").path) == nil)
        }
    }

    /// Answers every command with a fixed result and records the argv.
    final class RecordingRunner: ProcessRunner {
        let result: ProcessResult
        let calls = Mutex<[[String]]>([])
        init(_ result: ProcessResult) { self.result = result }
        func run(_ executable: String, _ arguments: [String], input: String?, environment: [String: String]?)
            async throws
            -> ProcessResult
        {
            calls.withLock { $0.append([executable] + arguments) }
            return result
        }
    }

    @Test("a host probe runs ssh in batch mode with the host's port and key, and reports ssh's reason on failure")
    func hostProbe() async {
        defer { try? FileManager.default.removeItem(at: root) }
        let host = HostSpec(name: "build", ssh: "me@build", port: 2222, identityFile: "/k/id")
        let ok = RecordingRunner(ProcessResult(status: 0, stdout: "", stderr: ""))
        let reachable = await HostProbe(runner: ok).check(host)
        #expect(reachable.isReachable && reachable.latency != nil)
        #expect(
            ok.calls.withLock { $0 } == [
                [
                    "ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-p", "2222", "-i", "/k/id", "me@build",
                    "true",
                ]
            ])
        let refused = RecordingRunner(
            ProcessResult(status: 255, stdout: "", stderr: "ssh: connect to host build port 2222: Connection refused\n")
        )
        let down = await HostProbe(runner: refused).check(host)
        #expect(!down.isReachable && down.message == "ssh: connect to host build port 2222: Connection refused")
        let local = await HostProbe(runner: refused).check(HostSpec(name: "local"))
        #expect(local.isReachable && refused.calls.withLock { $0.count } == 1, "the local host is not probed")
    }
}
