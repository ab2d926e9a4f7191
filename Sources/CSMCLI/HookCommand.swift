import ArgumentParser
import CSMEngine
import CSMModel
import Foundation

/// `csm hook`: the command Claude Code's hooks run (registered in the generated settings file).
///
/// It runs on every tool call, so it does as little as possible: no config is loaded. For now it records
/// each hook payload in the session's `hooks.jsonl` under the state dir and always exits 0 without
/// output, so Claude Code decides as it would without csm.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Receive a Claude Code hook event (internal; registered by csm in each session's settings).",
        shouldDisplay: false
    )

    @Option var workspace: String
    @Option var session: String
    @Option(name: .customLong("state-dir")) var stateDir: String

    /// Hook payloads are small JSON documents; anything bigger is cut to keep the log bounded.
    static let maxPayload = 1 << 20

    func run() throws {
        guard CSMName.isValid(workspace), CSMName.isValid(session) else { return }
        let input = FileHandle.standardInput.readData(ofLength: Self.maxPayload)
        let layout = StateLayout(root: stateDir)
        let path = layout.hookLog(workspace: workspace, session: session)
        var payload = (try? JSONSerialization.jsonObject(with: input)) ?? String(decoding: input, as: UTF8.self)
        if let object = payload as? [String: Any] { payload = object }
        let record: [String: Any] = ["ts": ISO8601DateFormatter().string(from: Date()), "payload": payload]
        guard var line = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) else { return }
        line.append(UInt8(ascii: "\n"))
        try? FileManager.default.createDirectory(atPath: layout.sessionDirectory(workspace: workspace, session: session),
                                                 withIntermediateDirectories: true)
        // O_APPEND keeps concurrent hooks' lines whole.
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
