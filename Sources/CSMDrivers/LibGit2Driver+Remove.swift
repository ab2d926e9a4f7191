import CLibGit2
import CSMModel
import Foundation

/// Removing a registered worktree (folder and registration), then optionally its branch.
extension LibGit2Driver {
    func removeWorktreeNow(worktreePath: String, repoPath: String, deleteBranch: String?) throws {
        let repository = try LibGit2.openMainRepository(at: repoPath)
        defer { git_repository_free(repository) }
        let target = LibGit2.canonicalPath(worktreePath)

        guard let worktree = try registeredWorktree(at: target, in: repository, repoPath: repoPath) else {
            // Never delete a folder git does not know as a worktree of this repository.
            throw GitError.libgit2(
                operation: "remove worktree", path: worktreePath, code: GIT_ENOTFOUND.rawValue,
                message: "\(worktreePath) is not a registered worktree of \(repoPath); it was left untouched")
        }
        defer { git_worktree_free(worktree) }

        var options = git_worktree_prune_options()
        try LibGit2.check(
            git_worktree_prune_options_init(&options, UInt32(GIT_WORKTREE_PRUNE_OPTIONS_VERSION)),
            "prepare prune options", path: worktreePath)
        // A valid worktree is only prunable with VALID; WORKING_TREE deletes its folder. A registration
        // whose folder is already gone is pruned as it is. LOCKED in both: removal was asked for explicitly.
        let isPresent = git_worktree_validate(worktree) == 0
        if isPresent {
            try ensureFolderLinksBack(to: worktree, at: worktreePath, in: repository)
            options.flags =
                GIT_WORKTREE_PRUNE_VALID.rawValue | GIT_WORKTREE_PRUNE_WORKING_TREE.rawValue
                | GIT_WORKTREE_PRUNE_LOCKED.rawValue
        } else {
            options.flags = GIT_WORKTREE_PRUNE_LOCKED.rawValue
        }
        try LibGit2.check(git_worktree_prune(worktree, &options), "remove worktree", path: worktreePath)
        logger.info("removed worktree", metadata: ["path": "\(worktreePath)"])

        if let deleteBranch {
            try deleteBranchAfterRemoval(deleteBranch, in: repository, repoPath: repoPath)
        }
    }

    /// Refuses to delete a registered folder that no longer links back to its registration (its `.git`
    /// was removed, or the folder was replaced by something else): pruning would delete a folder whose
    /// content git no longer vouches for.
    private func ensureFolderLinksBack(
        to worktree: OpaquePointer, at worktreePath: String, in repository: OpaquePointer
    ) throws {
        let name = String(cString: git_worktree_name(worktree))
        let expected = URL(fileURLWithPath: String(cString: git_repository_commondir(repository)))
            .appendingPathComponent("worktrees").appendingPathComponent(name).path
        let linked = WorktreeMarker.linkedGitDirectory(of: worktreePath).map(LibGit2.canonicalPath)
        guard linked == LibGit2.canonicalPath(expected) else {
            throw GitError.libgit2(
                operation: "remove worktree", path: worktreePath, code: GIT_EINVALID.rawValue,
                message: "\(worktreePath) is registered as worktree '\(name)' but its .git no longer points to "
                    + "\(expected); it was left untouched, move it away and run 'git worktree prune'")
        }
    }

    /// The registered worktree whose folder is `canonicalPath`, or nil.
    private func registeredWorktree(at canonicalPath: String, in repository: OpaquePointer, repoPath: String) throws
        -> OpaquePointer?
    {
        for name in try LibGit2.worktreeNames(of: repository, path: repoPath) {
            var worktree: OpaquePointer?
            guard git_worktree_lookup(&worktree, repository, name) == 0, let worktree else { continue }
            if let registered = git_worktree_path(worktree),
                LibGit2.canonicalPath(String(cString: registered)) == canonicalPath
            {
                return worktree
            }
            git_worktree_free(worktree)
        }
        return nil
    }

    /// Deletes the local branch `name`; a branch that does not exist is already what was asked for.
    private func deleteBranchAfterRemoval(_ name: String, in repository: OpaquePointer, repoPath: String) throws {
        var branch: OpaquePointer?
        let found = git_branch_lookup(&branch, repository, name, GIT_BRANCH_LOCAL)
        if found == GIT_ENOTFOUND.rawValue { return }
        try LibGit2.check(found, "look up branch '\(name)'", path: repoPath)
        defer { git_reference_free(branch) }
        try LibGit2.check(git_branch_delete(branch), "delete branch '\(name)'", path: repoPath)
        logger.info("deleted branch", metadata: ["branch": "\(name)", "path": "\(repoPath)"])
    }
}
