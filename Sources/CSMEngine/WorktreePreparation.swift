import CSMDrivers
import CSMModel
import CSMPlanner
import Foundation
import Logging

/// Makes a worktree ready for its agent before the agent starts: copies the declared untracked files
/// (new worktrees only), writes the context section of CLAUDE.md, and runs the setup when its current
/// text has not succeeded there yet.
///
/// The setup's result is recorded in the worktree's git directory (`SetupStamp`), so a restart never
/// runs it twice and a failure is seen by the next observation, which blocks the start (the planner
/// decides, from what was observed).
public struct WorktreePreparation: Sendable {
    public var layout: StateLayout
    public var git: any GitDriver
    public var runner: any ProcessRunner
    public var now: @Sendable () -> Date
    /// Told when a setup starts, as its log grows (new complete lines, about every 250 ms) and when it
    /// ends, so `csm server` can stream setup output as events.
    public var progress: SetupProgressSink?
    /// Reads the linked issue's details for CLAUDE.md (see `ContextFile`).
    public var issueLookup: IssueContextLookup?
    private let logger = Logger(label: "csm.engine")

    public init(
        layout: StateLayout, git: any GitDriver, runner: any ProcessRunner = SpawnProcessRunner(),
        now: @escaping @Sendable () -> Date = { Date() }, progress: SetupProgressSink? = nil,
        issueLookup: IssueContextLookup? = nil
    ) {
        self.issueLookup = issueLookup
        self.layout = layout
        self.git = git
        self.runner = runner
        self.now = now
        self.progress = progress
    }

    /// Everything, in order; `isNewWorktree` copies files (only a worktree csm has just created).
    public func prepare(_ session: DesiredSession, isNewWorktree: Bool) async throws {
        if isNewWorktree { try FileCopier.copy(session.copy, from: session.repoPath, to: session.worktreePath) }
        var issue: IssueContext?
        if let linear = session.linear, !linear.isEmpty, let issueLookup { issue = await issueLookup(linear) }
        try await ContextFile(git: git).write(for: session, issue: issue)
        try await runSetupIfNeeded(session)
    }

    /// Runs the setup unless this worktree recorded a success for the same text. Throws
    /// `PreparationError.setupFailed` (after recording the failure) when it exits non-zero.
    public func runSetupIfNeeded(_ session: DesiredSession) async throws {
        guard let hash = session.setupHash else { return }
        if let stamp = SetupStamp.read(worktreePath: session.worktreePath), stamp.hash == hash, stamp.succeeded {
            return
        }
        let directory = layout.sessionDirectory(workspace: session.workspace, session: session.name)
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let logPath = layout.setupLog(workspace: session.workspace, session: session.name)
        let script = layout.setupScript(workspace: session.workspace, session: session.name)
        try Data(Self.setupScript(for: session, log: logPath).utf8).write(
            to: URL(fileURLWithPath: script), options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script)
        logger.info("running setup", metadata: ["session": "\(session.name)"])
        try? FileManager.default.removeItem(atPath: logPath)
        await progress?(.started(session: session.name, logPath: logPath))
        let result: ProcessResult
        do {
            result = try await runStreamingLog(script: script, logPath: logPath, session: session.name)
        } catch is CancellationError {
            // Stopped by a shutdown, not failed: no stamp, so the next apply runs the setup again.
            logger.notice("setup interrupted; it runs again next time", metadata: ["session": "\(session.name)"])
            await progress?(.finished(session: session.name, exitStatus: 143, tail: "interrupted: csm is stopping"))
            throw CancellationError()
        }
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let tail = log.split(separator: "\n", omittingEmptySubsequences: false).suffix(SetupStamp.tailLines + 1)
            .joined(separator: "\n").trimmingCharacters(in: .newlines)
        let stamp = SetupStamp(
            hash: hash, exitStatus: result.status, finishedAt: now(), logTail: tail, logPath: logPath)
        try stamp.write(worktreePath: session.worktreePath)
        await progress?(.finished(session: session.name, exitStatus: result.status, tail: tail))
        guard stamp.succeeded else {
            throw PreparationError.setupFailed(
                session: session.name, status: result.status, logPath: logPath, tail: tail)
        }
    }

    /// Runs the setup script while following its log, reporting new complete lines to `progress`.
    private func runStreamingLog(script: String, logPath: String, session: String) async throws -> ProcessResult {
        guard let progress else { return try await runner.run("/bin/sh", [script], input: nil, environment: nil) }
        let follower = Task {
            var reader = LogFollower(path: logPath)
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                let lines = reader.newLines()
                if !lines.isEmpty { await progress(.output(session: session, lines: lines)) }
            }
            let rest = reader.newLines(flushPartial: true)
            if !rest.isEmpty { await progress(.output(session: session, lines: rest)) }
        }
        defer { follower.cancel() }
        let result = try await runner.run("/bin/sh", [script], input: nil, environment: nil)
        follower.cancel()
        await follower.value
        return result
    }

    /// The generated setup script: output to the log, into the worktree, env exported, `set -e`, the
    /// commands in order. The env is written here, never typed or logged.
    static func setupScript(for session: DesiredSession, log: String) -> String {
        let env = session.agent.env.merging(session.env) { _, sessionValue in sessionValue }
        var text = "#!/bin/sh\n# Generated by csm: the setup of session '\(session.name)'. Edit csm.yaml instead.\n"
        text += "exec >\(ShellQuote.quote(log)) 2>&1 </dev/null\n"
        text += "cd \(ShellQuote.quote(session.worktreePath)) || exit 1\n"
        text +=
            "export CSM_WORKSPACE=\(ShellQuote.quote(session.workspace)) CSM_SESSION=\(ShellQuote.quote(session.name))\n"
        text += env.sorted { $0.key < $1.key }.map { "export \($0.key)=\(ShellQuote.quote($0.value))\n" }.joined()
        text += "set -e\n"
        text += session.setup.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined()
        return text
    }
}

/// What a running setup reports (streamed as `setup.*` events by `csm server`).
public enum SetupProgress: Sendable, Equatable {
    case started(session: String, logPath: String)
    /// New complete lines of the log (secrets are only in the generated script, never echoed by csm).
    case output(session: String, lines: [String])
    case finished(session: String, exitStatus: Int32, tail: String)
}

/// Receives `SetupProgress`.
public typealias SetupProgressSink = @Sendable (SetupProgress) async -> Void

/// Reads a growing log file from where it left off, returning complete lines.
struct LogFollower {
    let path: String
    private var offset: UInt64 = 0
    private var partial = Data()

    init(path: String) { self.path = path }

    mutating func newLines(flushPartial: Bool = false) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let data = handle.readDataToEndOfFile()
        offset += UInt64(data.count)
        partial.append(data)
        var lines: [String] = []
        while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(String(decoding: partial[partial.startIndex..<newline], as: UTF8.self))
            partial.removeSubrange(partial.startIndex...newline)
        }
        if flushPartial, !partial.isEmpty {
            lines.append(String(decoding: partial, as: UTF8.self))
            partial.removeAll()
        }
        return lines
    }
}

/// Failures while preparing a worktree.
public enum PreparationError: Error, Sendable, Equatable, CustomStringConvertible {
    case setupFailed(session: String, status: Int32, logPath: String, tail: String)
    case copyFailed(session: String, path: String, underlying: String)

    public var description: String {
        switch self {
        case let .setupFailed(session, status, logPath, tail):
            let lines =
                tail.isEmpty
                ? ""
                : "\n"
                    + tail.split(separator: "\n", omittingEmptySubsequences: false).map { "    | " + $0 }.joined(
                        separator: "\n")
            return "session \(session): setup failed with exit status \(status); the agent was not started. "
                + "Fix the setup in csm.yaml (a changed text runs again) or the worktree, then 'csm apply --retry-setup'. Log: \(logPath)"
                + lines
        case let .copyFailed(session, path, underlying):
            return "session \(session): could not copy \(path) into the worktree: \(underlying)"
        }
    }
}

extension SetupProgress {
    /// The event `csm server` stores and streams for this progress report.
    public var event: NewEvent {
        switch self {
        case let .started(session, logPath):
            NewEvent(session: session, type: "setup.started", data: .object(["log": .string(logPath)]))
        case let .output(session, lines):
            NewEvent(session: session, type: "setup.output", data: .object(["lines": .array(lines.map(JSONValue.string))]))
        case let .finished(session, exitStatus, tail):
            NewEvent(session: session, type: "setup.finished",
                     data: .object(["exitStatus": .number(Double(exitStatus)), "succeeded": .bool(exitStatus == 0), "tail": .string(tail)]))
        }
    }
}
