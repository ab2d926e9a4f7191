import ArgumentParser
import CSMEngine
import CSMModel
import CSMPlanner

/// `csm plan`: shows how reality differs from csm.yaml.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what 'csm apply' would change.",
        discussion: "Exit codes with --detailed-exitcode: 0 no changes, 1 error, 2 changes present."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 2 when there are changes (0 none, 1 error).")
    var detailedExitcode = false

    @Option(name: .customLong("target"), help: ArgumentHelp("Limit the plan to this session (repeatable).", valueName: "name"))
    var targets: [String] = []

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            let workspace = try context.loadWorkspace()
            let (plan, _) = try await context.makeEngine().plan(workspace, targets: targets.isEmpty ? nil : Set(targets))
            if json {
                context.output.write(try PlanRenderer.json(plan))
            } else {
                context.output.write(PlanRenderer.text(plan, style: context.output.style))
            }
            if detailedExitcode && plan.hasChanges { throw ExitCode(2) }
        }
    }
}

extension CommandContext {
    /// Runs a command body, printing csm's own errors in one place and turning them into exit code 1.
    func guarded(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch let error as CleanExit {
            throw error
        } catch let error as ConfigError {
            // Compiler-format lines must start at the file name so editors can jump to them.
            output.diagnostics(error.description)
            throw ExitCode.failure
        } catch {
            output.error("\(error)")
            throw ExitCode.failure
        }
    }
}
