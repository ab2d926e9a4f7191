import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A long-running helper program (curl reading an SSE stream, the hook flood), its stdout collected.
final class BackgroundProgram: Sendable {
    let process: Process
    private let output = CSMProcess.OutputBuffer()

    init(_ executable: String, _ arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    var text: String { output.text.withLock { $0 } }

    /// Ends the program with SIGKILL: children of the test process may inherit a blocked SIGTERM (curl then
    /// never ends, and its connection stays open on the server under test).
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// An SSE client (`curl -N`) on one of the server's streams, resumed from `lastEventID`.
final class SSEClient: Sendable {
    let program: BackgroundProgram

    init(url: String, lastEventID: UInt64?) throws {
        var arguments = ["-s", "-N", "--no-buffer"]
        if let lastEventID { arguments += ["-H", "Last-Event-ID: \(lastEventID)"] }
        program = try BackgroundProgram("curl", arguments + [url])
    }

    /// The ids received, in order: only complete events (a block ended by a blank line holding `id:` and
    /// `data:`), since the stream may be cut mid-event.
    var ids: [UInt64] {
        var blocks = program.text.components(separatedBy: "\n\n")
        blocks.removeLast()  // after the last blank line: an incomplete event, or nothing
        return blocks.compactMap { block in
            let lines = block.split(separator: "\n")
            guard lines.contains(where: { $0.hasPrefix("data: ") }),
                let id = lines.first(where: { $0.hasPrefix("id: ") })
            else { return nil }
            return UInt64(id.dropFirst(4))
        }
    }

    func stop() { program.stop() }
}

extension CSMWorld {
    /// Every event line under the workspace's events folder: each must decode. Returns the ids by file.
    func eventIDsByFile(workspace: String = "e2e") throws -> [String: [UInt64]] {
        let folder = stateDir.appendingPathComponent("workspaces/\(workspace)/events")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var result: [String: [UInt64]] = [:]
        let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        for file in files where file.contains(".jsonl") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            var ids: [UInt64] = []
            for line in text.split(separator: "\n") {
                do {
                    ids.append(try decoder.decode(EventRecord.self, from: Data(line.utf8)).id)
                } catch {
                    throw UndecodableEventLine(file: file, line: String(line))
                }
            }
            result[file] = ids
        }
        return result
    }

    /// The hook secret `csm` wrote for a session's agent.
    func hookSecret(_ session: String, workspace: String = "e2e") -> String? {
        let path = stateDir.appendingPathComponent("workspaces/\(workspace)/sessions/\(session)/hook-secret")
        return (try? String(contentsOf: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The names of the tmux sessions on this world's server, sorted.
    func tmuxSessionNames() async -> [String] {
        ((try? await tmux.listSessions()) ?? []).map(\.tmuxName).sorted()
    }

    /// `git worktree list --porcelain` paths, the main checkout first.
    func gitWorktreePaths() throws -> [String] {
        try git("worktree", "list", "--porcelain").split(separator: "\n")
            .filter { $0.hasPrefix("worktree ") }.map { String($0.dropFirst("worktree ".count)) }
    }

    /// The folders under `<worktreeBase>/<workspace>`, sorted (hidden entries left out).
    func worktreeFolders(workspace: String = "e2e") -> [String] {
        let folder = worktreeBase.appendingPathComponent(workspace)
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }
            .sorted()
    }
}

/// Sends SIGKILL to a process the test started and waits until it is gone.
func killHard(_ process: Process) async {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGKILL)
    _ = await eventually(timeout: .seconds(30)) { !process.isRunning }
}

/// `GET` through curl; the body (empty on failure).
func httpGet(_ url: String) -> String {
    (try? runTool("curl", ["-s", "--max-time", "30", url])) ?? ""
}

/// The JSON object of a body, or an empty one.
func jsonObject(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
}

/// An event file line that does not decode.
struct UndecodableEventLine: Error, CustomStringConvertible {
    var file: String
    var line: String
    var description: String { "\(file): a line does not decode as an event: \(line)" }
}
