import Foundation

/// Runs external programs. The real implementation is `FoundationProcessRunner`; tests of logic that
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

/// Runs programs with Foundation's `Process`, reading both pipes concurrently so a chatty program
/// cannot block on a full pipe.
public struct FoundationProcessRunner: ProcessRunner {
    public init() {}

    public func run(_ executable: String, _ arguments: [String], input: String?, environment: [String: String]?) async throws -> ProcessResult {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment { process.environment = environment }
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin

        do {
            try process.run()
        } catch {
            throw ProcessError(argv: [executable] + arguments, status: nil, stderrTail: "\(error)")
        }
        // Read both pipes on GCD threads (not the cooperative pool, which has one thread per core here)
        // while the process runs, so a chatty program cannot block on a full pipe.
        async let out = Self.readAll(stdout.fileHandleForReading)
        async let err = Self.readAll(stderr.fileHandleForReading)
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        let (outData, errData) = await (out, err)
        let status = await Self.waitForExit(process)
        return ProcessResult(status: status, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    private static func readAll(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
        }
    }

    private static func waitForExit(_ process: Process) async -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
    }
}
