import ArgumentParser
import CSMEngine

/// `csm rename OLD NEW`: renames a session everywhere, all or nothing.
struct RenameCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename",
        abstract:
            "Rename a session: csm.yaml, tmux session, worktree folder, default branch and state, all or nothing.",
        discussion:
            "The agent is stopped and started again in the moved worktree. A branch you named yourself is kept as it is."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The current session name.")
    var old: String

    @Argument(help: "The new session name.")
    var new: String

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            try context.checkName(old)
            try context.checkName(new)
            let document = try context.editableDocument()
            let report = try await context.withApplyLock(document.workspace) {
                try await context.makeLifecycle().rename(
                    old, to: new, document: try context.editableDocument(), progress: context.progressPrinter())
            }
            context.output.line(
                "Renamed session '\(old)' to '\(new)': worktree \(report.worktree), branch \(report.branch)"
                    + (report.renamedBranch ? " (renamed)." : " (kept)."))
        }
    }
}
