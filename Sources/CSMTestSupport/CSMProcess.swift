import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A process of the built `csm` binary in a world (a server, `csm hook`, or a command to watch while it
/// runs), its output collected as it comes; stopped by its pid when the test ends.
public final class CSMProcess: Sendable {
    public let process: Process
    private let output = OutputBuffer()

    /// Text collected from a pipe's readability handler (shared with other background programs).
    public final class OutputBuffer: Sendable {
        public let text = Mutex("")
        public init() {}
    }

    /// Starts `csm arguments…` in `world.root` with the world's tmux socket and state dir, `NO_COLOR`, no
    /// `TMUX`, `SHELL=/bin/sh` and `environment` on top; `input` is written to its stdin (else /dev/null).
    public init(world: CSMWorld, arguments: [String], environment extra: [String: String] = [:], input: Data? = nil)
        throws
    {
        process = Process()
        process.executableURL = URL(fileURLWithPath: CSMWorld.binary)
        process.arguments = arguments
        process.currentDirectoryURL = world.root
        var environment = ProcessInfo.processInfo.environment
        environment["CSM_TMUX_SOCKET"] = world.tmuxSocket
        environment["CSM_STATE_DIR"] = world.stateDir.path
        environment["NO_COLOR"] = "1"
        environment["TMUX"] = nil
        environment["SHELL"] = "/bin/sh"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let stdin = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(input)
            try stdin.fileHandleForWriting.close()
        }
    }

    /// Everything it printed so far (stdout and stderr).
    public var text: String { output.text.withLock { $0 } }

    /// The base URL a server printed (`http://127.0.0.1:PORT`).
    public var baseURL: String? {
        guard let range = text.range(of: #"on http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else {
            return nil
        }
        return String(text[range].dropFirst(3))
    }

    /// SIGTERM, then SIGKILL when the process has not ended within 15 s. Its end is read with `waitid`
    /// (`childExit`), not `isRunning` / `waitUntilExit()`: those wait for Foundation's one process-manager
    /// thread, which an sshd started through `Process` by a parallel test once kept in a blocking
    /// `waitpid`; every `stop()` then hung on a cooperative thread, two of them stalled the whole run, and
    /// the servers of the stalled tests were left running (seen in CI as servers "not exiting after SIGTERM").
    public func stop() {
        let pid = process.processIdentifier
        guard childExit(pid) == nil else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(15)
        while childExit(pid) == nil && Date() < deadline { usleep(50_000) }
        if childExit(pid) == nil {
            FileHandle.standardError.write(Data(
                "csm \(process.arguments ?? []) did not stop within 15 s of SIGTERM; killed. Its output:\n\(text.suffix(2000))\n"
                    .utf8))
            kill(pid, SIGKILL)
        }
    }
}
