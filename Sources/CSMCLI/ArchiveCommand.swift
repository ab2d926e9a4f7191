import ArgumentParser
import CSMEngine
import Foundation

/// `csm archive NAME`: removes a session, keeping its branch and a record to restore it from.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract:
            "Remove a session from csm.yaml and its worktree, keeping the branch and a record ('csm list --archived').",
        discussion:
            "Refuses uncommitted or untracked files unless --force, which records them under refs/csm/archive/NAME/ first."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The session name.")
    var name: String

    @Flag(help: "Archive uncommitted and untracked files under refs/csm/archive/ instead of refusing.")
    var force = false

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            try context.checkName(name)
            let record = try await context.withApplyLock(try context.loadWorkspace()) {
                try await context.makeLifecycle().archive(
                    name, document: try context.editableDocument(), force: force, progress: context.progressPrinter())
            }
            context.output.line(
                "Archived session '\(name)' (branch \(record.branch) kept"
                    + (record.archiveRef.map { ", work recorded at \($0)" } ?? "")
                    + "). Restore with: csm restore \(name)")
        }
    }
}

/// `csm restore NAME`: declares an archived session again and starts it on its kept branch.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Declare an archived session again from its record and start it on its kept branch."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The archived session's name.")
    var name: String

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            try context.checkName(name)
            let saved = try await context.withApplyLock(try context.loadWorkspace()) {
                try await context.makeLifecycle().restore(
                    name, document: try context.editableDocument(), progress: context.progressPrinter())
            }
            context.output.line("Restored session '\(name)' in \(saved.path). Attach with: csm attach \(name)")
        }
    }
}

extension ListCommand {
    /// `csm list --archived`: the archive records, newest first.
    func listArchived(_ context: CommandContext) throws {
        let workspace = try context.loadWorkspace()
        let records = try context.makeLifecycle().archiveStore(for: workspace).records()
        if json {
            context.output.write(try JSONOutput.encode(records))
            return
        }
        guard !records.isEmpty else {
            context.output.line("No archived sessions in workspace '\(workspace.name)'.")
            return
        }
        let formatter = ISO8601DateFormatter()
        let rows = records.map { record in
            [
                record.name, record.branch, record.repo, record.mergedAt.map { formatter.string(from: $0) } ?? "-",
                formatter.string(from: record.archivedAt),
            ]
        }
        context.output.write(TextTable.render(header: ["NAME", "BRANCH", "REPO", "MERGED", "ARCHIVED"], rows: rows))
    }
}
