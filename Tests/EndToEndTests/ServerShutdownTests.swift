import CSMEngine
import CSMTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `csm server` stopped by SIGTERM while it is busy: sessions running, SSE and WebSocket clients
/// streaming, hook POSTs waiting for a person's approval, and a reconcile pass in flight running a setup
/// that would take ten minutes. The server must exit with status 0 and release `server.lock`; the 30 s
/// wait is a hang detector, not a timing assertion (the stop takes about a second).
@Suite("csm server shutdown", .tags(.realTmux, .realGit), .timeLimit(.minutes(10)))
struct ServerShutdownTests {
    @Test("SIGTERM with streams, pending approvals and a setup in flight: exit 0, lock released, hooks told 'ask'")
    func busyServerStops() async throws {
        try await withCSMWorld { world in
            let outcome = try await stopBusyServer(world)
            #expect(outcome.problems.isEmpty, "\(outcome.problems.joined(separator: "\n"))\n\(outcome.log)")
        }
    }

    /// Three at once (the suite's own parallel tests are the load in CI). `CSM_SHUTDOWN_ROUNDS` repeats it and
    /// `CSM_SHUTDOWN_BURNERS` adds busy-looping processes, for hunting a rare hang on purpose
    /// (`CSM_SHUTDOWN_ROUNDS=20 CSM_SHUTDOWN_BURNERS=2 scripts/test.sh --filter ServerShutdownTests`).
    @Test("the same, three servers at once (more rounds and CPU burners on request): every one stops")
    func busyServersUnderLoad() async throws {
        let environment = ProcessInfo.processInfo.environment
        let rounds = environment["CSM_SHUTDOWN_ROUNDS"].flatMap(Int.init) ?? 1
        let burnerCount = environment["CSM_SHUTDOWN_BURNERS"].flatMap(Int.init) ?? 0
        let burners = try (0..<max(0, burnerCount)).map { _ in
            try BackgroundProgram("sh", ["-c", "while :; do :; done"])
        }
        defer { for burner in burners { burner.stop() } }
        for round in 1...max(1, rounds) {
            let problems = try await withThrowingTaskGroup(of: [String].self) { group in
                for index in 1...3 {
                    group.addTask {
                        try await withCSMWorld { world in
                            let outcome = try await stopBusyServer(world)
                            return outcome.problems.map { "round \(round), server \(index): \($0)\n\(outcome.log)" }
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
    }
}

/// What went wrong when a busy server was stopped (nothing, when `problems` is empty), and its output.
struct ShutdownOutcome {
    var problems: [String] = []
    var log = ""
}

/// Starts `csm server` in `world`, makes it busy in every way a shutdown can be held up, sends SIGTERM and
/// checks how it ended.
func stopBusyServer(_ world: CSMWorld) async throws -> ShutdownOutcome {
    // A unique duration, so the setup's own `sleep` can be told apart from every other process.
    let nap = "600.\(Int.random(in: 1000...9999))"
    try world.writeConfig(
        world.config(
            sessions: """
                  a:
                    repo: app
                  b:
                    repo: app
                  c:
                    repo: app
                  slow:
                    repo: app
                    setup: sleep \(nap)

                """) + "server:\n  reconcile:\n    interval: 1s\n")
    let server = try CSMProcess(world: world, arguments: ["server", "--listen", "127.0.0.1:0"])
    var clients: [BackgroundProgram] = []
    var socket: Int32 = -1
    defer {
        server.stop()
        for client in clients { client.stop() }
        if socket >= 0 { close(socket) }
    }
    var outcome = ShutdownOutcome()
    func fail(_ problem: String) -> ShutdownOutcome {
        outcome.problems.append(problem)
        outcome.log = server.text
        return outcome
    }

    guard await eventually(timeout: .seconds(60), { server.baseURL != nil }), let base = server.baseURL else {
        return fail("the server never printed its address")
    }
    let running = await eventually(timeout: .seconds(60)) {
        let names = await world.tmuxSessionNames()
        return ["csm-a", "csm-b", "csm-c"].allSatisfy(names.contains) && world.hookSecret("a") != nil
    }
    guard running else { return fail("sessions a, b, c did not start: \(await world.tmuxSessionNames())") }
    guard await eventually(timeout: .seconds(60), { processExists(commandLine: ["sleep", nap]) }) else {
        return fail("the setup of 'slow' never started")
    }

    // Streams: the global SSE, one session's SSE and the dashboard's WebSocket.
    clients.append(try BackgroundProgram("curl", ["-s", "-N", "\(base)/api/events"]))
    clients.append(try BackgroundProgram("curl", ["-s", "-N", "\(base)/api/sessions/a/stream"]))
    socket = try openWebSocket(base)
    // Two PreToolUse hooks no rule decides: each waits for a person (approvalTimeout is 120 s).
    let hooks = try (1...2).map { index in
        try BackgroundProgram(
            "curl",
            [
                "-s", "-X", "POST", "-H", "Content-Type: application/json",
                "-H", "X-CSM-Hook-Secret: \(world.hookSecret("a") ?? "")",
                "--data",
                #"{"hook_event_name":"PreToolUse","session_id":"s-1","cwd":"/tmp","tool_name":"Bash","#
                    + #""tool_input":{"command":"make deploy \#(index)"},"tool_use_id":"tu-\#(index)"}"#,
                "\(base)/api/hooks/a",
            ])
    }
    clients += hooks
    let pending = await eventually(timeout: .seconds(30)) {
        let sessions = httpGet("\(base)/api/sessions")
        return sessions.components(separatedBy: "\"requestId\"").count - 1 >= 2
    }
    guard pending else { return fail("the two approvals never became pending") }

    let pid = server.process.processIdentifier
    kill(pid, SIGTERM)
    // Read with waitid, not `Process.isRunning`: the verdict must not depend on Foundation's child tracking.
    var exit: (signalled: Bool, status: Int32)?
    let exited = await eventually(timeout: .seconds(30)) {
        exit = childExit(pid)
        return exit != nil
    }
    guard exited, var ended = exit else {
        let stacks = (try? runTool("gdb", ["-p", "\(pid)", "-batch", "-ex", "thread apply all bt 8"])) ?? "(no gdb)"
        await killHard(server.process)
        return fail("csm server did not exit within 30 s of SIGTERM\n\(stacks.suffix(8000))")
    }
    if !ended.signalled, ended.status == -1, await eventually(timeout: .seconds(30), { !server.process.isRunning }) {
        // Foundation reaped it first: its record has the status.
        ended = (server.process.terminationReason == .uncaughtSignal, server.process.terminationStatus)
    }
    outcome.log = server.text
    if ended.signalled || ended.status != 0 {
        outcome.problems.append(
            "csm server ended with \(ended.signalled ? "signal" : "status") \(ended.status), not status 0")
    }
    let lockPath = world.stateDir.appendingPathComponent("workspaces/e2e/server.lock").path
    if let lock = try WorkspaceLock.tryAcquire(path: lockPath) {
        lock.release()
    } else {
        outcome.problems.append("server.lock is still held")
    }
    // The hooks got their answer (`ask` prints nothing: Claude Code asks in its own prompt).
    let hookPIDs = hooks.map(\.process.processIdentifier)
    if !(await eventually(timeout: .seconds(10)) { hookPIDs.allSatisfy { childExit($0) != nil } }) {
        outcome.problems.append("a hook POST is still waiting")
    }
    for hook in hooks where !hook.text.contains(#""decision":"ask""#) {
        outcome.problems.append("a hook was not answered 'ask': \(hook.text)")
    }
    if processExists(commandLine: ["sleep", nap]) {
        outcome.problems.append("the setup's 'sleep \(nap)' outlived the server")
    }
    // Every event line is complete, and the shutdown's answers were stored before the files closed.
    do {
        _ = try world.eventIDsByFile()
    } catch {
        outcome.problems.append("\(error)")
    }
    let events = world.stateDir.appendingPathComponent("workspaces/e2e/events/sessions/a.jsonl")
    let stored = (try? String(contentsOf: events, encoding: .utf8)) ?? ""
    if stored.components(separatedBy: "csm server is shutting down").count - 1 != 2 {
        outcome.problems.append("the two 'agent.approval_decided' events of the shutdown are not stored")
    }
    return outcome
}

/// Whether a process with exactly this command line runs (read from /proc).
func processExists(commandLine: [String]) -> Bool {
    let wanted = commandLine.joined(separator: "\0") + "\0"
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.contains { entry in
        guard entry.allSatisfy(\.isNumber), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
        else { return false }
        return String(decoding: data, as: UTF8.self) == wanted
    }
}

/// A WebSocket client on `/api/ws` that completes the upgrade and then only holds the connection open
/// (the server streams events into it). Returns the socket; the caller closes it.
func openWebSocket(_ base: String) throws -> Int32 {
    struct WebSocketFailure: Error, CustomStringConvertible {
        var description: String
    }
    guard let port = base.split(separator: ":").last.flatMap({ UInt16($0) }) else {
        throw WebSocketFailure(description: "no port in \(base)")
    }
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw WebSocketFailure(description: "socket: \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    var timeout = timeval(tv_sec: 30, tv_usec: 0)
    _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let request =
        "GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    let sent = request.withCString { write(fd, $0, strlen($0)) }
    var head = Data()
    var byte: UInt8 = 0
    while connected == 0, sent > 0, !head.ends(with: Data("\r\n\r\n".utf8)), read(fd, &byte, 1) == 1 {
        head.append(byte)
    }
    let text = String(decoding: head, as: UTF8.self)
    guard text.hasPrefix("HTTP/1.1 101") else {
        close(fd)
        throw WebSocketFailure(description: "the WebSocket upgrade was answered: \(text)")
    }
    return fd
}

extension Data {
    fileprivate func ends(with suffix: Data) -> Bool {
        count >= suffix.count && self[(endIndex - suffix.count)...] == suffix
    }
}
