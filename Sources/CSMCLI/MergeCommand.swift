import ArgumentParser
import CSMDrivers
import CSMEngine
import Foundation

/// `csm merge NAME`: merges a session's branch into its base in the source repository.
struct MergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge a session's branch into its base branch in the source repository, then offer to archive it.",
        discussion: """
            Refuses a worktree with uncommitted or untracked files. A conflict stops with nothing changed and names the files.
            The base is the session's 'base', else the repo's 'baseBranch', else the branch checked out in the source repository;
            when that checkout has the base checked out, its files are updated too (refused if local changes are in the way).
            --push runs 'git push origin BASE' with the git command line (it has your credentials; libgit2 would not).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The session name.")
    var name: String

    @Flag(help: "How to merge (default: fast-forward when possible, else a merge commit).")
    var strategy: Strategy?

    @Option(
        name: [.short, .customLong("message")],
        help: ArgumentHelp("Message of the squash or merge commit.", valueName: "text"))
    var message: String?

    @Flag(help: "Push the base branch to origin afterwards.")
    var push = false

    @Flag(help: "Archive the session afterwards without asking.")
    var archive = false

    enum Strategy: String, EnumerableFlag {
        case squash, ffOnly, rebase

        static func name(for value: Strategy) -> NameSpecification {
            switch value {
            case .squash: .customLong("squash")
            case .ffOnly: .customLong("ff-only")
            case .rebase: .customLong("rebase")
            }
        }

        static func help(for value: Strategy) -> ArgumentHelp? {
            switch value {
            case .squash:
                "One commit on the base with all the branch's changes (message: the branch's commit subjects)."
            case .ffOnly: "Only fast-forward; refuse when the base has moved on."
            case .rebase: "Replay the branch's commits on the base, then fast-forward (the session's branch moves too)."
            }
        }

        var mergeStrategy: MergeStrategy {
            switch self {
            case .squash: .squash
            case .ffOnly: .fastForwardOnly
            case .rebase: .rebase
            }
        }
    }

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            try context.checkName(name)
            let lifecycle = context.makeLifecycle()
            let options = SessionLifecycle.MergeOptions(
                strategy: strategy?.mergeStrategy ?? .merge, message: message, push: push)
            let workspace = try context.loadWorkspace()
            let report = try await context.withApplyLock(workspace) {
                try await lifecycle.merge(name, workspace: workspace, options: options)
            }
            let outcome = report.outcome
            let short = String(outcome.commit.prefix(12))
            switch outcome.kind {
            case .upToDate:
                context.output.line("'\(outcome.base)' already contains '\(report.branch)'; nothing to merge.")
            case .fastForward:
                context.output.line(
                    "Fast-forwarded '\(outcome.base)' to \(short) (\(outcome.commitCount) commit(s) of '\(report.branch)')."
                )
            case .mergeCommit:
                context.output.line("Merged '\(report.branch)' into '\(outcome.base)' with merge commit \(short).")
            case .squashCommit:
                context.output.line(
                    "Squashed \(outcome.commitCount) commit(s) of '\(report.branch)' into \(short) on '\(outcome.base)'."
                )
            case .rebased:
                context.output.line(
                    "Replayed \(outcome.commitCount) commit(s) of '\(report.branch)' on '\(outcome.base)'; both are at \(short)."
                )
            }
            if report.pushed { context.output.line("Pushed '\(outcome.base)' to origin.") }
            var archiveNow = archive
            if !archiveNow, isatty(STDIN_FILENO) == 1 {
                archiveNow =
                    context.output.ask("Archive session '\(name)' now (branch kept, restorable)? [y/N] ")?.lowercased()
                    .hasPrefix("y") == true
            } else if !archiveNow {
                context.output.line("Archive it with: csm archive \(name)")
            }
            guard archiveNow else { return }
            let record = try await context.withApplyLock(workspace) {
                try await lifecycle.archive(name, document: try context.editableDocument(), progress: context.progressPrinter())
            }
            context.output.line(
                "Archived session '\(name)' (branch \(record.branch) kept). Restore with: csm restore \(name)")
        }
    }
}
