import ArgumentParser
import CSMEngine
import CSMModel
import CSMPlanner
import Foundation

/// Shows a plan, asks when something is destroyed, applies it with progress lines, and sums up in the
/// words Terraform users know. Shared by `apply`, `create` and `kill`.
struct ApplyRunner {
    let context: CommandContext
    var autoApprove: Bool
    var showPlan = true

    /// Returns normally when everything was applied; throws `ExitCode.failure` otherwise.
    func run(_ plan: Plan, engine: Engine) async throws {
        let out = context.output
        if showPlan { out.write(PlanRenderer.text(plan, style: out.style)) }
        guard plan.hasChanges else { return }
        if plan.toDestroy > 0 && !autoApprove {
            try confirmDestroy(plan)
        }
        let runnable = plan.actions.filter { $0.kind != .blocked }
        if !runnable.isEmpty { out.line() }
        let style = out.style
        let report = await engine.applier.apply(plan) { event in
            switch event {
            case let .started(action):
                out.line(style.bold("session.\(action.session)") + ": \(Self.verb(action.kind).present)...")
            case let .finished(action, outcome, seconds):
                let took = String(format: "%.1fs", seconds)
                switch outcome {
                case .succeeded:
                    out.line(style.bold("session.\(action.session)") + ": \(Self.verb(action.kind).noun) complete after \(took)")
                case .failed:
                    out.line(style.bold("session.\(action.session)") + ": " + style.red("\(Self.verb(action.kind).noun) failed after \(took)"))
                case .skipped:
                    break
                }
            }
        }
        try summarize(report)
    }

    private func confirmDestroy(_ plan: Plan) throws {
        let names = plan.actions.filter { $0.kind == .destroy }.map(\.session).joined(separator: ", ")
        guard isatty(STDIN_FILENO) == 1 else {
            throw CLIError.refused("this apply destroys \(plan.toDestroy) session(s) (\(names)) and there is no terminal to confirm on; "
                + "re-run with --yes to approve.")
        }
        context.output.line()
        context.output.line(context.output.style.bold("Do you want to perform these actions?"))
        context.output.line("  csm will destroy: \(names). Only 'yes' will be accepted to approve.")
        let answer = context.output.ask("\n  Enter a value: ")
        guard answer?.trimmingCharacters(in: .whitespaces) == "yes" else {
            context.output.line("\nApply cancelled.")
            throw ExitCode.failure
        }
    }

    private func summarize(_ report: ApplyReport) throws {
        let out = context.output
        let done = report.succeeded
        let added = done.count { $0.kind == .create }
        let changed = done.count { [.start, .restart, .repair].contains($0.kind) }
        let destroyed = done.count { $0.kind == .destroy }
        let counts = "Sessions: \(added) added, \(changed) changed, \(destroyed) destroyed."
        let failures = report.failures
        let skipped = report.results.filter { if case .skipped = $0.outcome, $0.action.kind != .blocked { true } else { false } }
        if failures.isEmpty && report.blocked.isEmpty {
            out.line()
            out.line(out.style.green(out.style.bold("Apply complete!")) + " " + counts)
            return
        }
        out.line()
        out.line(out.style.bold("Apply incomplete.") + " " + counts)
        for (action, message) in failures { out.error("session \"\(action.session)\" (\(action.kind.rawValue)): \(message)") }
        for (action, _) in skipped { out.error("session \"\(action.session)\" (\(action.kind.rawValue)): not started because an earlier action failed") }
        for action in report.blocked {
            out.error("session \"\(action.session)\" (\(action.refused?.rawValue ?? "change") blocked): \(action.reason)")
        }
        throw ExitCode.failure
    }

    static func verb(_ kind: ActionKind) -> (present: String, noun: String) {
        switch kind {
        case .create: ("Creating", "Creation")
        case .start: ("Starting", "Start")
        case .restart: ("Restarting", "Restart")
        case .repair: ("Repairing", "Repair")
        case .destroy: ("Destroying", "Destruction")
        case .blocked: ("Skipping", "Skip")
        }
    }
}

/// `csm apply`: makes reality match csm.yaml.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create, repair and remove sessions so they match csm.yaml.",
        discussion: "Asks for confirmation on a terminal when a session would be destroyed; without a terminal, --yes is required."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: [.customShort("y"), .customLong("yes"), .customLong("auto-approve")], help: "Do not ask before destroying.")
    var yes = false

    @Flag(help: "Archive work under refs/csm/archive/ and destroy sessions whose worktree holds unsaved work.")
    var force = false

    @Flag(name: .customLong("delete-branch"), help: "Also delete the branches of destroyed sessions.")
    var deleteBranch = false

    @Option(name: .customLong("target"), help: ArgumentHelp("Limit the apply to this session (repeatable).", valueName: "name"))
    var targets: [String] = []

    @Flag(name: .customLong("retry-setup"), help: "Run failed setups again (otherwise a session whose setup failed stays blocked).")
    var retrySetup = false

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            let workspace = try context.loadWorkspace()
            let lock = try await context.applyLock(for: workspace)
            defer { lock.release() }
            let engine = context.makeEngine()
            let options = PlanOptions(force: force, deleteBranch: deleteBranch, retrySetup: retrySetup)
            let (plan, _) = try await engine.plan(workspace, options: options, targets: targets.isEmpty ? nil : Set(targets))
            try await ApplyRunner(context: context, autoApprove: yes).run(plan, engine: engine)
        }
    }
}
