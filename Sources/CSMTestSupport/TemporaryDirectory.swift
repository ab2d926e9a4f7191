import CSMDrivers
import Foundation

/// Runs `body` with a fresh temporary folder and removes the folder afterwards, also when `body` throws.
///
/// The path is canonical (symlinks resolved) so tests can compare it with paths tools report.
public func withTemporaryDirectory<T>(
    prefix: String = "csm-test",
    _ body: (URL) async throws -> T
) async throws -> T {
    let url = try makeTemporaryDirectory(prefix: prefix)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// Creates a fresh temporary folder (the caller removes it).
public func makeTemporaryDirectory(prefix: String = "csm-test") throws -> URL {
    let base = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true).resolvingSymlinksInPath()
    let url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs a program and returns its standard output; throws when it exits non-zero. For test set-up only
/// (creating git repositories with the real `git`, inspecting tmux), never for the code under test.
/// Spawned like csm spawns (no inheritable pipes), so starting a tmux server here cannot hang the test.
@discardableResult
public func runTool(_ executable: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> String {
    let chdir = directory.map { ["--chdir=\($0.path)"] } ?? []
    let env = environment.map { ProcessInfo.processInfo.environment.merging($0) { _, new in new } }
    let result = try SpawnProcessRunner.runBlocking("/usr/bin/env", chdir + [executable] + arguments, environment: env)
    guard result.status == 0 else {
        throw ToolFailure(command: ([executable] + arguments).joined(separator: " "), status: result.status, stderr: result.stderr)
    }
    return result.stdout
}

/// A test set-up command that failed.
public struct ToolFailure: Error, CustomStringConvertible {
    public var command: String
    public var status: Int32
    public var stderr: String
    public var description: String { "\(command) exited \(status): \(stderr)" }
}
