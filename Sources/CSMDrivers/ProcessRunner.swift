import Foundation

/// Runs external programs. The real implementation is `SpawnProcessRunner`; tests of logic that
/// shells out can record calls instead.
public protocol ProcessRunner: Sendable {
    /// Runs `executable` (looked up on `PATH` when it has no slash) with `arguments`, waits for it, and
    /// returns its exit status and output. Never goes through a shell.
    func run(_ executable: String, _ arguments: [String], input: String?, environment: [String: String]?) async throws -> ProcessResult
}

extension ProcessRunner {
    /// Runs a program with no input and the inherited environment.
    public func run(_ executable: String, _ arguments: [String]) async throws -> ProcessResult {
        try await run(executable, arguments, input: nil, environment: nil)
    }
}

/// The outcome of a finished process.
public struct ProcessResult: Sendable, Equatable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    public var succeeded: Bool { status == 0 }

    /// The last few lines of stderr, for error messages.
    public var stderrTail: String {
        stderr.split(separator: "\n", omittingEmptySubsequences: true).suffix(5).joined(separator: "\n")
    }
}

/// A program that could not be run or failed.
public struct ProcessError: Error, Sendable, Equatable, CustomStringConvertible {
    public var argv: [String]
    /// nil when the program could not be started at all.
    public var status: Int32?
    public var stderrTail: String

    public init(argv: [String], status: Int32?, stderrTail: String) {
        self.argv = argv
        self.status = status
        self.stderrTail = stderrTail
    }

    public var description: String {
        let command = argv.joined(separator: " ")
        guard let status else { return "could not run '\(command)': \(stderrTail)" }
        return "'\(command)' exited with status \(status)" + (stderrTail.isEmpty ? "" : ": \(stderrTail)")
    }
}
