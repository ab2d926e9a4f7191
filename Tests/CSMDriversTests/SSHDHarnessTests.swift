import CSMTestSupport
import Foundation
import Testing

@Suite("sshd test harness", .tags(.realSSH), .timeLimit(.minutes(1)))
struct SSHDHarnessTests {
    /// sshd closes the descriptors it inherits. Started through Foundation's `Process`, that put Foundation's
    /// process-manager thread into a blocking `waitpid` on sshd for sshd's whole life, and no other `Process`
    /// of the test run was seen to end: `isRunning` stayed true and `waitUntilExit()` hung (the CI stall where
    /// the TUI tests' `csm server`s were left running).
    @Test("while an sshd runs, Foundation's Process still sees its other children end")
    func processTrackingSurvivesSSHD() async throws {
        try await withSSHHosts(["tracking"]) { _ in
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/bin/sh")
            child.arguments = ["-c", "exit 3"]
            try child.run()
            let pid = child.processIdentifier
            #expect(await eventually(timeout: .seconds(20)) { childExit(pid) != nil }, "sh never ended")
            #expect(
                await eventually(timeout: .seconds(20)) { !child.isRunning },
                "Foundation never noticed that sh ended: its process-manager thread is stuck")
            #expect(child.terminationStatus == 3)
        }
    }
}
