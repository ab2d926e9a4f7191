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

extension Tag {
    /// Injects faults: kills processes with SIGKILL, fills disks, deletes files behind csm's back.
    @Tag public static var faults: Self
    /// Feeds hostile input (shell metacharacters, `..`, huge or malformed documents) to every entry point.
    @Tag public static var hostileInput: Self
    /// A bounded soak run of the real server.
    @Tag public static var soak: Self
}
