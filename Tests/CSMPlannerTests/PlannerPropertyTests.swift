import CSMModel
import CSMPlanner
import CSMTestSupport
import Foundation
import Testing

/// Random (desired, actual) pairs drawn from a small pool of names so collisions are common.
struct RandomCase: CustomStringConvertible {
    var desired: [DesiredSession]
    var actual: ActualState
    var options: PlanOptions
    var seed: UInt64

    var description: String { "seed \(seed)" }

    static let names = ["a", "b", "c", "d", "e", "f"]

    static func make(seed: UInt64) -> RandomCase {
        var rng = SeededRandom(seed: seed)
        var desired: [DesiredSession] = []
        var actual = ActualState()
        for name in names {
            let host = rng.chance(0.15) ? "far" : "local"
            var d = Fixture.desired(name, model: rng.chance(0.3) ? "opus" : nil, host: host)
            if rng.chance(0.3) { d = Fixture.withSetup(d, ["make deps"]) }
            if rng.chance(0.5) { desired.append(d) }
            if rng.chance(0.5) {
                var tmux = Fixture.tmux(d, running: rng.chance(0.8), spec: rng.chance(0.7) ? d.specHash : "stale")
                tmux.windows = [nil, AgentWindows.all, ["claude"], ["terminal"]][Int(rng.next() % 4)]
                actual.tmuxSessions.append(tmux)
            }
            if rng.chance(0.5) {
                var wt = Fixture.worktree(name, path: rng.chance(0.9) ? nil : "/elsewhere/\(name)",
                                          uncommitted: rng.chance(0.2) ? 1 : 0, untracked: rng.chance(0.2) ? 2 : 0,
                                          unique: rng.chance(0.2) ? 1 : 0)
                wt.host = host
                if let hash = d.setupHash, rng.chance(0.5) {
                    wt.setup = SetupStamp(hash: hash, exitStatus: rng.chance(0.5) ? 1 : 0, finishedAt: Date(timeIntervalSince1970: 0),
                                          logTail: "tail", logPath: "/log")
                }
                actual.worktrees.append(wt)
            }
            if rng.chance(0.1) { actual.tmuxSessions.append(ObservedTmuxSession(host: host, tmuxName: "csm-\(name)")) }
            if rng.chance(0.1) {
                actual.tmuxSessions.append(ObservedTmuxSession(host: host, tmuxName: "csm-\(name)", workspace: "other", session: name))
            }
            if rng.chance(0.1) { actual.worktrees.append(ObservedWorktree(host: host, path: d.worktreePath, marker: nil)) }
        }
        if rng.chance(0.3) { actual.unreachableHosts["far"] = "down" }
        actual.tmuxSessions.shuffle(using: &rng)
        actual.worktrees.shuffle(using: &rng)
        let options = PlanOptions(force: rng.chance(0.3), deleteBranch: rng.chance(0.3), prune: rng.chance(0.85),
                                  retrySetup: rng.chance(0.2))
        return RandomCase(desired: desired.shuffled(using: &rng), actual: actual, options: options, seed: seed)
    }

    func plan(_ actual: ActualState? = nil) -> Plan {
        Planner.plan(workspace: Fixture.workspace, desired: desired, actual: actual ?? self.actual, options: options)
    }
}

@Suite("Planner properties over random worlds")
struct PlannerPropertyTests {
    static let seeds: [UInt64] = Array(1...400)

    @Test("applying the plan and planning again leaves only what was already blocked", arguments: seeds)
    func convergence(seed: UInt64) {
        let c = RandomCase.make(seed: seed)
        let first = c.plan()
        let second = c.plan(InMemoryWorld.simulate(first, on: c.actual))
        #expect(second.actions.allSatisfy { $0.kind == .blocked }, "\(c): \(second.actions.map { "\($0.kind) \($0.session)" })")
        #expect(second.actions.map(\.session) == first.actions.filter { $0.kind == .blocked }.map(\.session), "\(c)")
    }

    @Test("nothing unowned is ever killed or removed", arguments: seeds)
    func ownership(seed: UInt64) {
        let c = RandomCase.make(seed: seed)
        let after = InMemoryWorld.simulate(c.plan(), on: c.actual)
        let foreignBefore = c.actual.tmuxSessions.filter { !$0.isOwned(by: Fixture.workspace) }
        let foreignAfter = after.tmuxSessions.filter { !$0.isOwned(by: Fixture.workspace) }
        #expect(foreignBefore == foreignAfter, "\(c)")
        let unownedBefore = c.actual.worktrees.filter { $0.marker?.workspace != Fixture.workspace }
        #expect(unownedBefore.allSatisfy { after.worktrees.contains($0) }, "\(c)")
        for action in c.plan().actions where action.killsTmux {
            #expect(c.actual.tmuxSessions.contains { $0.isOwned(by: Fixture.workspace) && $0.session == action.session }, "\(c)")
        }
    }

    @Test("work is never destroyed without --force, and with it is always archived first", arguments: seeds)
    func nothingLost(seed: UInt64) {
        let c = RandomCase.make(seed: seed)
        for action in c.plan().actions where action.kind == .destroy {
            if action.worktree?.holdsWork == true {
                #expect(c.options.force && action.archivesWork, "\(c): \(action.session)")
            }
        }
    }

    @Test("a session whose current setup failed is never started unless the setup is retried", arguments: seeds)
    func failedSetupBlocks(seed: UInt64) {
        let c = RandomCase.make(seed: seed)
        for action in c.plan().actions where action.kind == .start && action.restoresWindows.isEmpty {
            guard let worktree = action.worktree, let desired = action.desired else { continue }
            #expect(worktree.failedSetup(for: desired) == nil || c.options.retrySetup, "\(c): \(action.session)")
        }
    }

    @Test("sessions on unreachable hosts get no action", arguments: seeds)
    func unreachable(seed: UInt64) {
        let c = RandomCase.make(seed: seed)
        let down = Set(c.actual.unreachableHosts.keys)
        #expect(c.plan().actions.allSatisfy { !down.contains($0.host) }, "\(c)")
    }

    @Test("the plan does not depend on the order observations arrive in", arguments: seeds.prefix(100))
    func orderIndependent(seed: UInt64) {
        let c = RandomCase.make(seed: seed)
        var rng = SeededRandom(seed: seed &* 31)
        var shuffled = c.actual
        shuffled.tmuxSessions.shuffle(using: &rng)
        shuffled.worktrees.shuffle(using: &rng)
        let reordered = Planner.plan(workspace: Fixture.workspace, desired: c.desired.shuffled(using: &rng), actual: shuffled, options: c.options)
        #expect(reordered == c.plan(), "\(c)")
    }
}
