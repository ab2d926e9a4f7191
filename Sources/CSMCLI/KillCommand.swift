import ArgumentParser
import CSMConfig
import CSMEngine
import CSMModel
import CSMPlanner

/// `csm kill NAME` (alias `k`): removes a session from csm.yaml and destroys it, under the nothing-lost rule.
struct KillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "Remove a session from csm.yaml (keeping its comments) and destroy it; the branch is kept.",
        discussion: "A worktree holding uncommitted, untracked or unmerged work is not removed unless --force, "
            + "which first archives the work under refs/csm/archive/NAME/<timestamp>.",
        aliases: ["k"]
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The session name.")
    var name: String

    @Flag(name: .customLong("delete-branch"), help: "Also delete the session's branch.")
    var deleteBranch = false

    @Flag(help: "Archive unsaved work under refs/csm/archive/ and remove the worktree anyway.")
    var force = false

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            guard CSMName.isValid(name) else { throw CLIError.invalidName(name, what: "session") }
            let document = try context.editableDocument()
            var workspace = document.workspace
            let isDeclared = workspace.sessions[name] != nil
            workspace.sessions[name] = nil
            workspace.favorites.removeAll { $0 == name }

            // Plan against the edited workspace before touching csm.yaml, so a refused kill changes nothing.
            let lock = try await context.applyLock(for: workspace)
            defer { lock.release() }
            let engine = context.makeEngine()
            let (fullPlan, actual) = try await engine.plan(workspace, options: PlanOptions(force: force, deleteBranch: deleteBranch))
            let plan = fullPlan.limited(to: [name])
            let isOwned = SessionList.rows(workspace: workspace.name, desired: [], actual: actual).contains { $0.name == name && $0.status == .orphaned }
            guard isDeclared || isOwned else { throw CLIError.unknownSession(name, known: document.workspace.sessions.keys.sorted()) }
            if let blocked = plan.actions.first(where: { $0.kind == .blocked }) {
                context.output.write(PlanRenderer.text(plan, style: context.output.style))
                throw CLIError.refused("session '\(name)' was not killed and csm.yaml is unchanged: \(blocked.reason)")
            }
            if isDeclared {
                var text = try ConfigEditor(text: document.text, file: document.path).removeSession(name: name)
                text = try ConfigEditor(text: text, file: document.path).removeFavorite(name)
                _ = try document.saving(text, loader: context.loader)
                context.output.line("Removed session '\(name)' from \(document.path).")
            }
            try await ApplyRunner(context: context, autoApprove: true).run(plan, engine: engine)
        }
    }
}
