import ArgumentParser
import CSMEngine
import CSMModel
import Foundation

/// `csm hook`: the command Claude Code's hooks run (registered in the generated settings file).
///
/// It runs on every tool call, so it does as little as possible: no config is loaded. It appends each
/// payload to the session's `hooks.jsonl` (one O_APPEND write; a record when no server runs), then POSTs
/// it with the session's secret to the server whose address `csm server` wrote to `server.json`, and
/// prints the decision the server returns (PreToolUse / PermissionRequest) in Claude Code's format. No
/// server, or no answer: exit 0 without output, and Claude Code decides as it would without csm.
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
        Self.receive(workspace: workspace, session: session, stateDir: stateDir)
    }

    /// `csm hook --workspace W --session S --state-dir D` (options in any order, `--name=value` too),
    /// recognised without ArgumentParser: the hook runs on every tool call, and the command tree costs
    /// start-up time. Anything else (help, a typo) returns nil and goes the usual way, with its errors.
    static func fastArguments(_ arguments: [String]) -> (workspace: String, session: String, stateDir: String)? {
        guard arguments.first == "hook" else { return nil }
        var values: [String: String] = [:]
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                values[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
                index += 1
            } else if index + 1 < arguments.count {
                values[argument] = arguments[index + 1]
                index += 2
            } else {
                return nil
            }
        }
        guard values.count == 3, let workspace = values["--workspace"], let session = values["--session"],
            let stateDir = values["--state-dir"]
        else { return nil }
        return (workspace, session, stateDir)
    }

    /// Records the payload on standard input and delivers it (see the type's comment).
    static func receive(workspace: String, session: String, stateDir: String) {
        guard CSMName.isValid(workspace), CSMName.isValid(session) else { return }
        let input = FileHandle.standardInput.readData(ofLength: Self.maxPayload)
        let layout = StateLayout(root: stateDir)
        let path = layout.hookLog(workspace: workspace, session: session)
        var payload = (try? JSONSerialization.jsonObject(with: input)) ?? String(decoding: input, as: UTF8.self)
        if let object = payload as? [String: Any] { payload = object }
        let record: [String: Any] = ["ts": Self.timestamp(), "payload": payload]
        guard var line = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) else { return }
        line.append(UInt8(ascii: "\n"))
        try? FileManager.default.createDirectory(atPath: layout.sessionDirectory(workspace: workspace, session: session),
                                                 withIntermediateDirectories: true)
        // O_APPEND keeps concurrent hooks' lines whole.
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { return deliver(input, layout: layout, workspace: workspace, session: session) }
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        deliver(input, layout: layout, workspace: workspace, session: session)
    }

    /// Now in UTC as `2026-11-25T06:00:00Z`, formatted by hand: `ISO8601DateFormatter` loads ICU, which
    /// costs the hook milliseconds on every tool call.
    static func timestamp(_ seconds: time_t = time(nil)) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// A tool approval may wait for a person for up to `server.approvalTimeout`; leave room beyond it.
    static let answerTimeoutSeconds = 600

    static func deliver(_ input: Data, layout: StateLayout, workspace: String, session: String) {
        struct Address: Decodable { var host: String; var port: Int }
        struct Answer: Decodable { var output: String? }
        guard
            let addressData = FileManager.default.contents(atPath: layout.serverAddressFile(workspace: workspace)),
            let address = try? JSONDecoder().decode(Address.self, from: addressData),
            let secretData = FileManager.default.contents(
                atPath: layout.hookSecretFile(workspace: workspace, session: session))
        else { return }
        let secret = String(decoding: secretData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard
            let body = HookClient.post(
                host: address.host, port: address.port, path: "/api/hooks/\(session)",
                headers: ["X-CSM-Hook-Secret": secret], body: input, readTimeout: Self.answerTimeoutSeconds),
            let answer = try? JSONDecoder().decode(Answer.self, from: body), let output = answer.output
        else { return }
        FileHandle.standardOutput.write(Data((output + "\n").utf8))
    }
}
