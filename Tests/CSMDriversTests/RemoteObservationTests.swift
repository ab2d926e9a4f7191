import CSMModel
import Foundation
import Testing

@testable import CSMDrivers

/// The parser of the remote observation is defensive: anything but a complete answer is an error (the
/// host is then unreachable), never a partial picture.
@Suite("remote observation parser")
struct RemoteObservationTests {
    static let marker =
        #"{"agentSessionID":"s1","branch":"csm\/a","createdAt":"2026-01-01T00:00:00Z","repoPath":"\/r","session":"a","workspace":"w"}"#

    static var complete: String {
        "begin\tcsm-observe-1\nhome\t/home/u\ncsm\t\ncurl\t/usr/bin/curl\ngit\t/usr/bin/git\ntmux\t/usr/bin/tmux\n"
            + "t\tcsm-a\t1700000000\t0\t2\tw\ta\tabc\t0\n"
            + "t\twindow\tcsm-a\tclaude\t0\nt\twindow\tcsm-a\tterminal\t0\n"
            + "tmux-status\t0\t\nfolder\t~/wt/w\nwt\ta\nlinked\n"
            + "blob\tmarker\t\(marker.utf8.count)\n\(marker)\nbranch\tcsm/a\nstatus\t1\t2\nunique\t3\n"
            + "wt\tjunk\nrepo\t/r\t1\nend\tcsm-observe-1\n"
    }

    @Test("a complete answer gives sessions, worktrees with their work facts, and the host's tools")
    func parsesComplete() throws {
        let facts = try RemoteObservation.parse(Self.complete, host: "remote1")
        #expect(facts.home == "/home/u" && facts.csmPath == nil && facts.curlPath == "/usr/bin/curl")
        #expect(facts.hookRelay.hasPrefix("sh + curl"))
        #expect(facts.tmuxSessions.map(\.tmuxName) == ["csm-a"])
        #expect(
            facts.tmuxSessions.first?.host == "remote1" && facts.tmuxSessions.first?.windows == ["claude", "terminal"])
        #expect(facts.worktrees.count == 2)
        let owned = try #require(facts.worktrees.first { $0.path == "~/wt/w/a" })
        #expect(owned.marker?.session == "a" && owned.branch == "csm/a")
        #expect(owned.uncommittedCount == 1 && owned.untrackedCount == 2 && owned.uniqueCommitCount == 3)
        #expect(facts.worktrees.first { $0.path == "~/wt/w/junk" }?.marker == nil)
        #expect(facts.repositories == ["/r": true])
    }

    @Test("truncated output is an error at every cut point, never a smaller picture")
    func truncatedIsError() {
        let text = Self.complete
        let cut = text.index(text.endIndex, offsetBy: -("end\tcsm-observe-1\n".count))
        var index = text.startIndex
        while index < cut {
            #expect(throws: SSHError.self) { try RemoteObservation.parse(String(text[..<index]), host: "h") }
            index = text.index(index, offsetBy: 7, limitedBy: cut) ?? cut
        }
    }

    @Test(
        "garbage, a foreign banner and a failed tmux are errors",
        arguments: [
            "", "hello\n", "Welcome to host!\nbegin\tcsm-observe-1\nend\tcsm-observe-1\n",
            "begin\tcsm-observe-1\nbogus\tx\nend\tcsm-observe-1\n",
            "begin\tcsm-observe-1\ntmux-status\t1\tprotocol version mismatch\nend\tcsm-observe-1\n",
            "begin\tcsm-observe-1\nfolder\t/f\nwt\ta\nblob\tmarker\t999\n{}\nend\tcsm-observe-1\n",
        ])
    func garbageIsError(_ output: String) {
        #expect(throws: SSHError.self) { try RemoteObservation.parse(output, host: "h") }
    }

    @Test("a worktree whose counts are missing is not owned (the planner leaves it alone)")
    func missingCountsNotOwned() throws {
        let text = Self.complete.replacingOccurrences(of: "status\t1\t2\n", with: "error\tgit status failed\n")
        let facts = try RemoteObservation.parse(text, host: "h")
        #expect(facts.worktrees.allSatisfy { $0.marker == nil })
    }

    @Test("no tmux server yet is an empty list, not an error")
    func noServer() throws {
        let text =
            "begin\tcsm-observe-1\ntmux\t/usr/bin/tmux\ntmux-status\t1\tno server running on /tmp/tmux-0/x\nend\tcsm-observe-1\n"
        #expect(try RemoteObservation.parse(text, host: "h").tmuxSessions.isEmpty)
    }
}
