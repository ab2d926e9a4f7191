import CSMModel

/// What the session lifecycle (restoring windows, rename, `csm run`) asks of tmux, beyond the foundation's
/// three calls.
///
/// Declared on `TmuxDriver` so the engine needs one driver; the default implementations throw
/// `TmuxError.unsupported`, so an in-memory twin written before these existed still compiles and says
/// plainly what it cannot do. `TmuxCLI` implements every one.
extension TmuxDriver {
    /// Adds `windows` (detached) to the existing session `tmuxName`, each started in `workingDirectory`.
    public func addWindows(_ windows: [TmuxWindow], toSession tmuxName: String, workingDirectory: String) async throws {
        throw TmuxError.unsupported(operation: "add windows")
    }

    /// Renames session `oldName` to `newName` and sets `options` on it, in one tmux invocation.
    public func renameSession(from oldName: String, to newName: String, options: [String: String]) async throws {
        throw TmuxError.unsupported(operation: "rename a session")
    }

    /// Types `line` and Enter into `window` of `tmuxName` (used by `csm run` for a script's command line,
    /// which csm writes to a file first so no configured text is typed).
    public func typeLine(_ line: String, inWindow window: String, ofSession tmuxName: String) async throws {
        throw TmuxError.unsupported(operation: "type into a window")
    }
}
