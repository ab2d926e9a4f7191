import Foundation

extension TmuxCLI: PaneMessenger {
    public func paste(_ text: String, into tmuxName: String, window: String) async throws {
        let buffer = "csm-paste-\(UUID().uuidString.prefix(8).lowercased())"
        let target = "=\(tmuxName):\(window)"
        let load = try await runner.run(
            "tmux", baseArguments + ["load-buffer", "-b", buffer, "-"], input: text, environment: nil)
        guard load.succeeded else {
            throw TmuxError.commandFailed(
                argv: ["tmux"] + baseArguments + ["load-buffer", "-b", buffer, "-"],
                status: load.status, stderr: load.stderrTail)
        }
        // -p: bracketed paste, so the agent takes newlines as text, not as Enter; -d: delete the buffer.
        let args = ["paste-buffer", "-p", "-d", "-b", buffer, "-t", target, ";", "send-keys", "-t", target, "Enter"]
        let paste = try await runner.run("tmux", baseArguments + args, input: nil, environment: nil)
        guard paste.succeeded else {
            _ = try? await runner.run(
                "tmux", baseArguments + ["delete-buffer", "-b", buffer], input: nil, environment: nil)
            throw TmuxError.commandFailed(
                argv: ["tmux"] + baseArguments + args, status: paste.status, stderr: paste.stderrTail)
        }
    }
}
