import CLibGit2
import CSMModel
import Foundation

/// Creating a worktree, all or nothing.
extension LibGit2Driver {
    func addWorktreeNow(_ request: WorktreeRequest) throws {
        let path = LibGit2.absolutePath(request.path)
        // The remains of a creation killed half-way (see `PendingWorktree`) are csm's own: start over.
        if LibGit2.somethingExists(at: path), PendingWorktree.isInterrupted(path: path) {
            // Its registration goes too (whatever its name), so git does not list a prunable worktree.
            if let link = try? String(contentsOfFile: path + "/.git", encoding: .utf8), link.hasPrefix("gitdir: ") {
                let admin = String(link.dropFirst("gitdir: ".count)).trimmingCharacters(in: .whitespacesAndNewlines)
                if admin.contains("/worktrees/"), LibGit2.somethingExists(at: admin + "/gitdir") {
                    try? FileManager.default.removeItem(atPath: admin)
                }
            }
            try FileManager.default.removeItem(atPath: path)
            logger.notice(
                "removed an interrupted worktree creation",
                metadata: ["session": "\(request.marker.session)", "path": "\(path)"])
        }
        // libgit2 refuses an existing target anyway, but only after leaving an admin entry behind.
        guard !LibGit2.somethingExists(at: path) else { throw GitError.pathOccupied(path: path) }
        let repository = try LibGit2.openMainRepository(at: request.repoPath)
        defer { git_repository_free(repository) }
        let name = request.marker.worktreeName
        try pruneStaleRegistration(named: name, in: repository, request: request)

        var undo = Rollback()
        defer { PendingWorktree.end(path: path) }
        do {
            let branch = try branchReference(for: request, in: repository, undo: &undo)
            defer { git_reference_free(branch) }
            if let holder = try worktreeHolding(branch, in: repository, repoPath: request.repoPath) {
                throw GitError.libgit2(
                    operation: "check out branch '\(request.branch)'", path: path, code: GIT_EEXISTS.rawValue,
                    message: "branch '\(request.branch)' is already checked out in the worktree at \(holder); "
                        + "give this session another branch or remove that worktree")
            }
            try createParentFolders(of: path, undo: &undo)
            try PendingWorktree.begin(path: path, marker: request.marker)
            try addAndMark(
                name: name, path: path, branch: branch, request: request, repository: repository,
                undo: &undo)
        } catch {
            undo.run()
            throw error
        }
    }

    /// Runs `git_worktree_add` and writes the marker; both are undone together on failure.
    private func addAndMark(
        name: String, path: String, branch: OpaquePointer, request: WorktreeRequest, repository: OpaquePointer,
        undo: inout Rollback
    ) throws {
        // Registered before the call: a failed add leaves `.git/worktrees/<name>` and possibly the folder.
        let commonDirectory = String(cString: git_repository_commondir(repository))
        let administrativeDirectory = URL(fileURLWithPath: commonDirectory)
            .appendingPathComponent("worktrees").appendingPathComponent(name).path
        undo.add {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: administrativeDirectory)
        }

        var options = git_worktree_add_options()
        try LibGit2.check(
            git_worktree_add_options_init(&options, UInt32(GIT_WORKTREE_ADD_OPTIONS_VERSION)),
            "prepare worktree options", path: path)
        options.ref = branch
        var worktree: OpaquePointer?
        try LibGit2.check(git_worktree_add(&worktree, repository, name, path, &options), "add worktree", path: path)
        defer { git_worktree_free(worktree) }

        var worktreeRepository: OpaquePointer?
        try LibGit2.check(
            git_repository_open_from_worktree(&worktreeRepository, worktree), "open new worktree", path: path)
        defer { git_repository_free(worktreeRepository) }
        let gitDirectory = String(cString: git_repository_path(worktreeRepository))
        let markerURL = URL(fileURLWithPath: gitDirectory).appendingPathComponent(WorktreeMarker.fileName)
        try request.marker.storedData().write(to: markerURL, options: .atomic)
        logger.info(
            "added worktree",
            metadata: ["session": "\(request.marker.session)", "path": "\(path)", "branch": "\(request.branch)"])
    }

    /// The local branch `request.branch`, as it is when it exists, else created from `request.base`.
    private func branchReference(
        for request: WorktreeRequest, in repository: OpaquePointer, undo: inout Rollback
    ) throws -> OpaquePointer {
        var existing: OpaquePointer?
        let found = git_branch_lookup(&existing, repository, request.branch, GIT_BRANCH_LOCAL)
        if found == 0, let existing { return existing }
        guard found == GIT_ENOTFOUND.rawValue else {
            throw LibGit2.error(found, "look up branch '\(request.branch)'", path: request.repoPath)
        }

        let base = request.base ?? "HEAD"
        var object: OpaquePointer?
        guard git_revparse_single(&object, repository, base) == 0 else {
            throw GitError.unknownBase(repoPath: request.repoPath, base: base)
        }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        guard git_object_peel(&commit, object, GIT_OBJECT_COMMIT) == 0, let commit else {
            throw GitError.unknownBase(repoPath: request.repoPath, base: base)
        }
        defer { git_object_free(commit) }

        var created: OpaquePointer?
        try LibGit2.check(
            git_branch_create(&created, repository, request.branch, commit, 0),
            "create branch '\(request.branch)' from '\(base)'", path: request.repoPath)
        guard let created else { throw LibGit2.error(-1, "create branch '\(request.branch)'", path: request.repoPath) }
        let repoPath = request.repoPath
        let branchName = request.branch
        undo.add { deleteBranchIfPresent(branchName, repositoryPath: repoPath) }
        return created
    }

    /// Removes the registration `name` when its folder is gone, so the session can be created again on
    /// its branch. A registration whose folder still exists belongs to another path: an error.
    private func pruneStaleRegistration(named name: String, in repository: OpaquePointer, request: WorktreeRequest)
        throws
    {
        let commonDirectory = String(cString: git_repository_commondir(repository))
        let administrativeDirectory = URL(fileURLWithPath: commonDirectory)
            .appendingPathComponent("worktrees").appendingPathComponent(name).path
        // libgit2 1.5 answers -1 without a message both for "no such worktree" and for a damaged entry.
        guard LibGit2.somethingExists(at: administrativeDirectory) else { return }
        var worktree: OpaquePointer?
        guard git_worktree_lookup(&worktree, repository, name) == 0 else {
            // The entry lacks the files that make it a worktree (gitdir, commondir, HEAD), as a failed
            // add leaves it; git prunes such entries too, and it would make the add fail.
            try FileManager.default.removeItem(atPath: administrativeDirectory)
            logger.notice(
                "removed damaged worktree registration",
                metadata: ["session": "\(request.marker.session)", "path": "\(administrativeDirectory)"])
            return
        }
        defer { git_worktree_free(worktree) }
        let registeredPath = git_worktree_path(worktree).map { String(cString: $0) } ?? "?"
        if git_worktree_validate(worktree) == 0 {
            throw GitError.libgit2(
                operation: "add worktree '\(name)'", path: request.path, code: GIT_EEXISTS.rawValue,
                message: "the worktree name '\(name)' is already registered for \(registeredPath); "
                    + "remove that worktree first")
        }
        var options = git_worktree_prune_options()
        try LibGit2.check(
            git_worktree_prune_options_init(&options, UInt32(GIT_WORKTREE_PRUNE_OPTIONS_VERSION)),
            "prepare prune options", path: request.repoPath)
        try LibGit2.check(
            git_worktree_prune(worktree, &options), "prune stale worktree '\(name)' (\(registeredPath))",
            path: request.repoPath)
        logger.notice(
            "pruned stale worktree registration whose folder was gone",
            metadata: ["session": "\(request.marker.session)", "path": "\(registeredPath)"])
    }

    /// The path of the worktree (main or linked) that has `branch` checked out, or nil.
    private func worktreeHolding(_ branch: OpaquePointer, in repository: OpaquePointer, repoPath: String) throws
        -> String?
    {
        let branchName = String(cString: git_reference_name(branch))
        if git_repository_is_bare(repository) == 0, git_branch_is_head(branch) == 1 {
            return git_repository_workdir(repository).map { LibGit2.absolutePath(String(cString: $0)) } ?? repoPath
        }
        for name in try LibGit2.worktreeNames(of: repository, path: repoPath) {
            var head: OpaquePointer?
            // A registration that cannot be opened (its folder was deleted) does not hold its branch for
            // libgit2 either: `git_worktree_add` checks out such a branch, so csm does too.
            guard git_repository_head_for_worktree(&head, repository, name) == 0 else { continue }
            defer { git_reference_free(head) }
            guard String(cString: git_reference_name(head)) == branchName else { continue }
            var worktree: OpaquePointer?
            guard git_worktree_lookup(&worktree, repository, name) == 0 else { return name }
            defer { git_worktree_free(worktree) }
            return git_worktree_path(worktree).map { String(cString: $0) } ?? name
        }
        return nil
    }

    /// Creates the missing folders above `path`; the topmost one created is removed again on failure.
    private func createParentFolders(of path: String, undo: inout Rollback) throws {
        var topmostMissing: String?
        var parent = URL(fileURLWithPath: path).deletingLastPathComponent()
        while !LibGit2.somethingExists(at: parent.path), parent.path != "/" {
            topmostMissing = parent.path
            parent.deleteLastPathComponent()
        }
        guard let topmostMissing else { return }
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        undo.add { try? FileManager.default.removeItem(atPath: topmostMissing) }
    }
}

/// Deletes the local branch `name` of the repository at `repositoryPath` if it exists; used to undo.
private func deleteBranchIfPresent(_ name: String, repositoryPath: String) {
    guard let repository = try? LibGit2.openMainRepository(at: repositoryPath) else { return }
    defer { git_repository_free(repository) }
    var branch: OpaquePointer?
    guard git_branch_lookup(&branch, repository, name, GIT_BRANCH_LOCAL) == 0 else { return }
    defer { git_reference_free(branch) }
    _ = git_branch_delete(branch)
}

/// Undo steps collected while an operation makes changes, run newest first when it fails.
private struct Rollback {
    private var steps: [() -> Void] = []

    mutating func add(_ step: @escaping () -> Void) { steps.append(step) }

    func run() {
        for step in steps.reversed() { step() }
    }
}
