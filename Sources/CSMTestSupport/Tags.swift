import Testing

extension Tag {
    /// Starts the real `tmux` on a private socket.
    @Tag public static var realTmux: Self
    /// Creates real git repositories in temporary folders.
    @Tag public static var realGit: Self
    /// Starts a real `sshd` on loopback.
    @Tag public static var realSSH: Self
    /// Runs the real Claude Code binary against the scripted model.
    @Tag public static var realClaude: Self
}
