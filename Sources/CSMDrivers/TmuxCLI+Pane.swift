import CSMModel
import Foundation

extension TmuxCLI {
    /// `load-buffer -b <name> -` (the text on stdin), `paste-buffer -p -d` (bracketed paste, buffer
    /// deleted after) and `send-keys Enter`, in ONE tmux invocation. Trailing newlines are dropped so the
    /// message is submitted exactly once.
    public func paste(_ text: String, session tmuxName: String, window: String) async throws {
        let target = "=\(tmuxName):\(window)"
        var message = text
        while message.last?.isNewline == true { message.removeLast() }
        let buffer = "csm-paste-\(UUID().uuidString.prefix(8).lowercased())"
        var args: [String] = []
        if !message.isEmpty {
            args = ["load-buffer", "-b", buffer, "-", ";", "paste-buffer", "-p", "-d", "-b", buffer, "-t", target, ";"]
        }
        args += ["send-keys", "-t", target, "Enter"]
        try Self.checkSeparators(args)
        let result = try await runner.run("tmux", baseArguments + args, input: message, environment: nil)
        guard result.succeeded else {
            let err = result.stderr
            if Self.isNoServer(err) || err.contains("can't find") || err.contains("no current target") {
                throw TmuxError.noSuchSession(name: "\(tmuxName):\(window)")
            }
            // The buffer may be left behind when the paste failed; it holds the message, so remove it.
            _ = try? await tmux(["delete-buffer", "-b", buffer])
            throw TmuxError.commandFailed(
                argv: ["tmux"] + baseArguments + args, status: result.status, stderr: result.stderrTail)
        }
    }
}

extension TmuxCLI {
    /// The visible text of a window's active pane (`capture-pane -p`), to recognise prompts that no hook
    /// reports, such as Claude Code's folder-trust question.
    public func capturePane(session tmuxName: String, window: String) async throws -> String {
        let args = ["capture-pane", "-p", "-t", "=\(tmuxName):\(window)"]
        let result = try await tmux(args)
        guard result.succeeded else {
            let err = result.stderr
            if Self.isNoServer(err) || err.contains("can't find") || err.contains("no current target") {
                throw TmuxError.noSuchSession(name: "\(tmuxName):\(window)")
            }
            throw TmuxError.commandFailed(
                argv: ["tmux"] + baseArguments + args, status: result.status, stderr: result.stderrTail)
        }
        return result.stdout
    }

    /// Every pane in ONE tmux invocation (`capture-pane` and a `display-message` separator per session):
    /// the session list reads the panes of all sessions still starting, and a process per pane was most
    /// of its cost. tmux stops a command sequence at its first error (a session gone since it was
    /// observed), so then the panes are read one by one instead.
    public func capturePanes(sessions: [String], window: String) async -> [String: String] {
        guard sessions.count > 1 else { return await capturePanesOneByOne(sessions: sessions, window: window) }
        let separator = "csm-pane-\(UUID().uuidString)"
        var args: [String] = []
        for session in sessions {
            args += ["capture-pane", "-p", "-t", "=\(session):\(window)", ";", "display-message", "-p", separator, ";"]
        }
        args.removeLast()
        guard (try? Self.checkSeparators(args)) != nil, let result = try? await tmux(args), result.succeeded else {
            return await capturePanesOneByOne(sessions: sessions, window: window)
        }
        let parts = result.stdout.components(separatedBy: separator + "\n")
        var texts: [String: String] = [:]
        for (session, text) in zip(sessions, parts) { texts[session] = text }
        return texts
    }
}

extension TmuxCLI {
    /// `respawn-pane -k -t =<session>:<window> <command…>`: the window keeps its options (remain-on-exit).
    public func respawnWindow(session tmuxName: String, window: String, command: [String]) async throws {
        let args = ["respawn-pane", "-k", "-t", "=\(tmuxName):\(window)"] + command
        try Self.checkSeparators(args)
        let result = try await tmux(args)
        guard result.succeeded else {
            let err = result.stderr
            if Self.isNoServer(err) || err.contains("can't find") || err.contains("no current target") {
                throw TmuxError.noSuchSession(name: "\(tmuxName):\(window)")
            }
            throw TmuxError.commandFailed(
                argv: ["tmux"] + baseArguments + args, status: result.status, stderr: result.stderrTail)
        }
    }
}
