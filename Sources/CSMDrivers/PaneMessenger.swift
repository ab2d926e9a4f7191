/// Types text into a pane of a tmux session as one bracketed paste followed by Enter, the way a person
/// would paste a prompt. The real implementation is `TmuxCLI`.
public protocol PaneMessenger: Sendable {
    /// Pastes `text` into window `window` of `tmuxName` and presses Enter. The text never passes through
    /// a shell or tmux's command parser: it goes to a tmux buffer through standard input.
    func paste(_ text: String, into tmuxName: String, window: String) async throws
}
