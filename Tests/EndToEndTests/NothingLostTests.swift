import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// The nothing-lost matrix: each kind of work a worktree can hold blocks `csm kill`; `--force` (with
/// `--delete-branch`, so the branch cannot be what keeps it) archives it, and restoring from the archive
/// ref brings it back.
@Suite("nothing lost", .tags(.realTmux, .realGit, .faults), .timeLimit(.minutes(5)))
struct NothingLostTests {
    /// One kind of work: how to make it in the worktree, what `kill` says, and how to check it in a
    /// checkout of the archive ref (`restored`, with `ref` the archive).
    struct Work: Sendable, CustomTestStringConvertible {
        var name: String
        var make: @Sendable (CSMWorld, URL) throws -> Void
        var says: String
        var check: @Sendable (CSMWorld, URL, String) throws -> Bool
        var testDescription: String { name }
    }

    static let matrix: [Work] = [
        Work(
            name: "uncommitted change",
            make: { _, tree in try Data("# app\nchanged\n".utf8).write(to: tree.appendingPathComponent("README.md")) },
            says: "1 uncommitted change",
            check: { _, restored, _ in
                try String(contentsOf: restored.appendingPathComponent("README.md"), encoding: .utf8) == "# app\nchanged\n"
            }),
        Work(
            name: "untracked file",
            make: { _, tree in try Data("new\n".utf8).write(to: tree.appendingPathComponent("new.txt")) },
            says: "1 untracked file",
            check: { _, restored, _ in
                try String(contentsOf: restored.appendingPathComponent("new.txt"), encoding: .utf8) == "new\n"
            }),
        Work(
            name: "staged change",
            make: { world, tree in
                try Data("staged\n".utf8).write(to: tree.appendingPathComponent("staged.txt"))
                try world.git("add", "staged.txt", in: tree)
            },
            says: "1 uncommitted change",
            check: { _, restored, _ in
                try String(contentsOf: restored.appendingPathComponent("staged.txt"), encoding: .utf8) == "staged\n"
            }),
        Work(
            name: "commit on no other branch",
            make: { world, tree in
                try Data("committed\n".utf8).write(to: tree.appendingPathComponent("done.txt"))
                try world.git("add", "done.txt", in: tree)
                try world.git("commit", "-q", "-m", "only here", in: tree)
            },
            says: "1 commit on no other branch",
            check: { world, restored, _ in
                let subjects = try world.git("log", "--format=%s", in: restored)
                let done = try String(contentsOf: restored.appendingPathComponent("done.txt"), encoding: .utf8)
                return subjects.contains("only here\n") && done == "committed\n"
            }),
        Work(
            name: "stash",
            make: { world, tree in
                try Data("# app\nstashed\n".utf8).write(to: tree.appendingPathComponent("README.md"))
                try world.git("stash", "push", "-q", "-m", "half done", in: tree)
            },
            says: "1 stash entry made on its branch",
            check: { world, restored, ref in
                try world.git("stash", "apply", "-q", "\(ref)^2", in: restored)
                return try String(contentsOf: restored.appendingPathComponent("README.md"), encoding: .utf8)
                    == "# app\nstashed\n"
            }),
    ]

    @Test("destroy is blocked, and --force archives the work where a restore finds it", arguments: matrix)
    func nothingLost(_ work: Work) async throws {
        try await withCSMWorld { world in
            try world.writeConfig(world.config(sessions: "  x:\n    repo: app\n"))
            let applied = try await world.csm("apply")
            #expect(applied.status == 0, "\(applied.combined)")
            let tree = world.worktreeBase.appendingPathComponent("e2e/x")
            try work.make(world, tree)

            let plan = try await world.csm("plan")
            #expect(plan.status == 0, "\(plan.combined)")
            let refused = try await world.csm("kill", "x", "--delete-branch")
            #expect(refused.status == 1, "\(work.name): \(refused.combined)")
            #expect(refused.combined.contains(work.says), "\(work.name): \(refused.combined)")
            #expect(FileManager.default.fileExists(atPath: tree.path), "the worktree is kept")
            #expect(try world.readConfig().contains("  x:\n"), "csm.yaml is kept")

            let forced = try await world.csm("kill", "x", "--force", "--delete-branch")
            #expect(forced.status == 0, "\(work.name): \(forced.combined)")
            #expect(!FileManager.default.fileExists(atPath: tree.path))
            #expect(try world.git("branch", "--list", "csm/x").isEmpty, "the branch is deleted as asked")
            let archives = try world.git("for-each-ref", "--format=%(refname)", "refs/csm/archive/x/")
                .split(separator: "\n").map(String.init)
            let ref = try #require(archives.last, "\(work.name): an archive ref exists: \(forced.combined)")

            let restored = world.root.appendingPathComponent("restored")
            try world.git("worktree", "add", "-q", "--detach", restored.path, ref)
            #expect(try work.check(world, restored, ref), "\(work.name): the archive holds the work")
        }
    }
}
