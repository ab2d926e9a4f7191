import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A bounded soak of the real server: 50 sessions (fake agent), a pass every second, random drift (killed
/// tmux sessions, killed agents, deleted worktrees), hook traffic, and SSE clients that come and go. It
/// stops by itself after `CSM_SOAK_SECONDS` (default 60, what CI runs; `scripts/soak.sh` runs 600) and
/// then checks: resident memory grew less than 10%, no file descriptor was leaked, no event was lost.
/// The figures go to stdout and, when set, to the file `CSM_SOAK_REPORT`.
@Suite("soak", .tags(.realTmux, .realGit, .soak), .timeLimit(.minutes(20)))
struct SoakTests {
    static var duration: Int {
        ProcessInfo.processInfo.environment["CSM_SOAK_SECONDS"].flatMap(Int.init) ?? 60
    }

    @Test("50 sessions, drift every second, SSE clients coming and going: memory, descriptors and events hold")
    func soak() async throws {
        try await withCSMWorld { world in
            let names = (0..<50).map { String(format: "k%02d", $0) }
            try world.writeConfig(FaultTests.config(world, sessions: names, interval: "1s"))
            let server = try CSMProcess(world: world, arguments: ["server", "--listen", "127.0.0.1:0"])
            defer { server.stop() }
            #expect(await eventually(timeout: .seconds(120)) { server.baseURL != nil }, "\(server.text)")
            let base = try #require(server.baseURL)
            let pid = server.process.processIdentifier
            let expected = names.map { "csm-\($0)" }
            #expect(await eventually(timeout: .seconds(300)) { await world.tmuxSessionNames() == expected })
            #expect(await eventually(timeout: .seconds(60)) { names.allSatisfy { world.hookSecret($0) != nil } })
            // Every session's channel gets events from the start, so the event files' descriptors (one per
            // channel, kept open) are all in the baseline.
            let pairs = names.map { "\($0)=\(world.hookSecret($0) ?? "")" }
            let flood = fixturesDirectory.appendingPathComponent("bin/hook-flood").path

            // One client stays for the whole run (from the first event on); the others come and go.
            let steady = try SSEClient(url: base + "/api/events", lastEventID: 0)
            defer { steady.stop() }
            let warmUp = try BackgroundProgram(flood, [base, "15", "50"] + pairs)
            defer { warmUp.stop() }
            _ = await eventually(timeout: .seconds(60)) { !warmUp.process.isRunning }
            let rssBefore = try #require(residentKilobytes(of: pid))
            let descriptorsBefore = try #require(openDescriptorCount(of: pid))

            let traffic = try BackgroundProgram(flood, [base, "\(Self.duration)", "50"] + pairs)
            defer { traffic.stop() }
            let run = try await Self.injectDrift(world: world, base: base, names: names)
            let drift = run.drift
            let finished = run.finished
            _ = await eventually(timeout: .seconds(60)) { !traffic.process.isRunning }

            // Back to rest: every session running again, then measure.
            #expect(await Self.converges(world), "the workspace converges after the drift stops")
            try await Task.sleep(for: .seconds(3))
            let rssAfter = try #require(residentKilobytes(of: pid))
            let descriptorsAfter = try #require(openDescriptorCount(of: pid))

            // No lost events: the steady client saw every stored id once, in order; each visitor saw a gap-free
            // run of them after its Last-Event-ID.
            let stored = try world.eventIDsByFile().values.flatMap { $0 }.sorted()
            let highest = try #require(stored.last)
            #expect(await eventually(timeout: .seconds(60)) { (steady.ids.last ?? 0) >= highest })
            let seen = steady.ids.filter { $0 <= highest }
            #expect(seen == stored, "the steady client saw \(seen.count) of \(stored.count) stored events")
            for visitor in finished where !visitor.ids.isEmpty {
                let slice = stored.filter { $0 > visitor.from && $0 <= visitor.ids.last! }
                #expect(visitor.ids == slice, "a visitor from \(visitor.from) missed or repeated events")
            }

            let growth = Double(rssAfter - rssBefore) / Double(rssBefore) * 100
            let report = """
                soak: \(Self.duration) s, 50 sessions, \(drift) drift injections, \(finished.count) SSE visitors, \
                \(stored.count) events (ids up to \(highest)); hook traffic \(traffic.text.trimmingCharacters(in: .whitespacesAndNewlines)); \
                RSS \(rssBefore) KiB -> \(rssAfter) KiB (\(String(format: "%+.1f", growth))%); \
                fds \(descriptorsBefore) -> \(descriptorsAfter) (now \(Self.descriptorKinds(of: pid))); \
                connections \(Self.connectionStates(port: base.split(separator: ":").last.map(String.init) ?? ""))
                """
            print(report)
            if let path = ProcessInfo.processInfo.environment["CSM_SOAK_REPORT"], !path.isEmpty {
                try Data((report + "\n").utf8).write(to: URL(fileURLWithPath: path))
            }
            #expect(growth < 10, "\(report)")
            #expect(descriptorsAfter <= descriptorsBefore + 2, "\(report)")
            #expect(server.process.isRunning)
        }
    }

    /// A visitor: an SSE client resumed from `from`, leaving at `leaveAt`.
    struct Visitor {
        let client: SSEClient
        let from: UInt64
        let leaveAt: ContinuousClock.Instant
    }

    /// Drift once a second until the soak's end: a killed tmux session, an exited agent or a deleted worktree,
    /// and a new SSE visitor each time. Returns the number of injections and what each visitor received.
    static func injectDrift(world: CSMWorld, base: String, names: [String]) async throws -> (
        drift: Int, finished: [(ids: [UInt64], from: UInt64)]
    ) {
        var generator = SystemRandomNumberGenerator()
        var visitors: [Visitor] = []
        var finished: [(ids: [UInt64], from: UInt64)] = []
        var drift = 0
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: .seconds(duration))
        while clock.now < end {
            let name = names[Int.random(in: 0..<names.count, using: &generator)]
            let kind = Int.random(in: 0..<10, using: &generator)
            if kind < 6 {
                try? await world.tmux.killSession(named: "csm-\(name)")
            } else if kind < 9 {
                // The agent exits: its window stays (remain-on-exit) and the pass restarts it.
                _ = try? runTool(
                    "tmux", ["-L", world.tmuxSocket, "respawn-window", "-k", "-t", "csm-\(name):claude", "true"])
            } else {
                try? FileManager.default.removeItem(at: world.worktreeBase.appendingPathComponent("e2e/\(name)"))
            }
            drift += 1
            let latest = jsonObject(httpGet(base + "/api/health"))["lastEventId"] as? Int ?? 0
            let from = UInt64(max(0, latest - Int.random(in: 0...200, using: &generator)))
            let stay = Int64.random(in: 300...3000, using: &generator)
            let client = try SSEClient(url: base + "/api/events", lastEventID: from)
            visitors.append(Visitor(client: client, from: from, leaveAt: clock.now.advanced(by: .milliseconds(stay))))
            let now = clock.now
            var staying: [Visitor] = []
            for visitor in visitors {
                if visitor.leaveAt <= now {
                    visitor.client.stop()
                    finished.append((visitor.client.ids, visitor.from))
                } else {
                    staying.append(visitor)
                }
            }
            visitors = staying
            try await Task.sleep(for: .seconds(1))
        }
        for visitor in visitors {
            visitor.client.stop()
            finished.append((visitor.client.ids, visitor.from))
        }
        return (drift, finished)
    }

    /// Whether `csm plan` finds nothing to do within three minutes.
    static func converges(_ world: CSMWorld) async -> Bool {
        for _ in 0..<180 {
            if let plan = try? await world.csm("plan", "--detailed-exitcode"), plan.status == 0 { return true }
            try? await Task.sleep(for: .seconds(1))
        }
        return false
    }

    /// Open descriptors of `pid` by kind (socket, pipe, event file, other file), for the report.
    static func descriptorKinds(of pid: Int32) -> String {
        let folder = "/proc/\(pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var kinds: [String: Int] = [:]
        for entry in entries {
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\(entry)")) ?? "?"
            let kind =
                target.hasPrefix("socket:") ? "sockets" : target.hasPrefix("pipe:") ? "pipes"
                : target.hasSuffix(".jsonl") ? "event files" : "other"
            kinds[kind, default: 0] += 1
        }
        return kinds.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }

    /// TCP connections of the server's port by state (`ss`), for the report.
    static func connectionStates(port: String) -> String {
        let output = (try? runTool("ss", ["-tn", "state", "all", "( sport = :\(port) )"])) ?? ""
        var states: [String: Int] = [:]
        for line in output.split(separator: "\n").dropFirst() {
            if let state = line.split(separator: " ").first { states[String(state), default: 0] += 1 }
        }
        let peers = (try? runTool("ss", ["-tnpH", "state", "established", "( dport = :\(port) )"])) ?? ""
        var owners: [String: Int] = [:]
        for line in peers.split(separator: "\n") {
            let owner = line.range(of: #"users:\(\("[^"]+""#, options: .regularExpression).map { String(line[$0]) } ?? "?"
            owners[owner, default: 0] += 1
        }
        return states.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            + " (clients: " + owners.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
    }
}
