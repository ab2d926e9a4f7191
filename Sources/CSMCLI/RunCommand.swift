import ArgumentParser
import CSMEngine

/// `csm run SESSION SCRIPT`: runs a declared script in the session's terminal window.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one of the repo's declared scripts (scripts: in csm.yaml) in a session's terminal window.",
        discussion: "Watch it with 'csm attach SESSION --terminal'. Without SCRIPT, lists the session's scripts."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The session name.")
    var session: String

    @Argument(help: "The script name.")
    var script: String?

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            try context.checkName(session)
            let workspace = try context.loadWorkspace()
            guard let script else {
                guard let desired = workspace.resolvedSession(named: session) else {
                    throw LifecycleError.unknownSession(session, declared: workspace.sessions.keys.sorted())
                }
                if desired.scripts.isEmpty {
                    context.output.line(
                        "Session '\(session)' has no scripts; declare them under the repo's 'scripts:'.")
                }
                for (name, command) in desired.scripts.sorted(by: { $0.key < $1.key }) {
                    context.output.line("\(name): \(command)")
                }
                return
            }
            let run = try await context.makeLifecycle().run(script: script, in: session, workspace: workspace)
            context.output.line(
                "Running '\(run.script)' (\(run.command)) in the terminal window of '\(session)'. "
                    + "Watch it with: csm attach \(session) --terminal")
        }
    }
}
