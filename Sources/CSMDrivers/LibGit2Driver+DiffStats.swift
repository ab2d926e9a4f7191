import CLibGit2
import Foundation

/// The changes column's numbers: the worktree against the merge base of its branch and the session's base.
extension LibGit2Driver: DiffStatsReader {
    public func diffStatsKey(worktreePath: String, base: String?, repoPath: String) async throws -> DiffStatsKey {
        try await runOffPool { try diffStatsKeyNow(worktreePath: worktreePath, base: base, repoPath: repoPath) }
    }

    public func diffStats(worktreePath: String, key: DiffStatsKey) async throws -> DiffStats {
        try await runOffPool { try diffStatsNow(worktreePath: worktreePath, key: key) }
    }

    func diffStatsKeyNow(worktreePath path: String, base: String?, repoPath: String) throws -> DiffStatsKey {
        LibGit2.initialize()
        let repository = try LibGit2.openRepository(at: path)
        defer { git_repository_free(repository) }
        var head = git_oid()
        let headID = git_reference_name_to_id(&head, repository, "HEAD") == 0 ? LibGit2.hex(head) : nil
        let baseID: String?
        if let base {
            // Worktrees share the repository's refs, so the base resolves in the worktree itself.
            baseID = LibGit2.commitID(base, in: repository)
        } else {
            let main = try LibGit2.openRepository(at: repoPath)
            defer { git_repository_free(main) }
            baseID = LibGit2.commitID("HEAD", in: main)
        }
        var index = ""
        if let gitDirectory = git_repository_path(repository) {
            var info = stat()
            if stat(String(cString: gitDirectory) + "index", &info) == 0 {
                index = "\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
            }
        }
        return DiffStatsKey(head: headID, base: baseID, index: index)
    }

    func diffStatsNow(worktreePath path: String, key: DiffStatsKey) throws -> DiffStats {
        LibGit2.initialize()
        let repository = try LibGit2.openRepository(at: path)
        defer { git_repository_free(repository) }
        // The commit the branch left its base at; HEAD's own when there is no base (uncommitted work only).
        var from: git_oid?
        if let head = key.head, var headOID = LibGit2.oid(head) {
            from = headOID
            if let base = key.base, var baseOID = LibGit2.oid(base) {
                var mergeBase = git_oid()
                let code = git_merge_base(&mergeBase, repository, &headOID, &baseOID)
                // Unrelated histories (GIT_ENOTFOUND) keep HEAD; anything else is an error.
                if code == 0 {
                    from = mergeBase
                } else if code != GIT_ENOTFOUND.rawValue {
                    try LibGit2.check(code, "find the merge base", path: path)
                }
            }
        }
        var tree: OpaquePointer?
        if var from {
            var commit: OpaquePointer?
            try LibGit2.check(git_commit_lookup(&commit, repository, &from), "read the base commit", path: path)
            defer { git_commit_free(commit) }
            try LibGit2.check(git_commit_tree(&tree, commit), "read the base tree", path: path)
        }
        defer { git_tree_free(tree) }
        let diff = try LibGit2.workdirDiff(repository, from: tree, path: path)
        defer { git_diff_free(diff) }
        // Renames as git shows them by default (`diff.renames`): a moved file is one file, not two.
        try LibGit2.check(git_diff_find_similar(diff, nil), "detect renames", path: path)
        var stats: OpaquePointer?
        try LibGit2.check(git_diff_get_stats(&stats, diff), "count changes", path: path)
        defer { git_diff_stats_free(stats) }
        return DiffStats(
            files: Int(git_diff_stats_files_changed(stats)), insertions: Int(git_diff_stats_insertions(stats)),
            deletions: Int(git_diff_stats_deletions(stats)))
    }
}

extension LibGit2 {
    /// The oid of a 40-digit hex string; nil when it is not one.
    static func oid(_ hex: String) -> git_oid? {
        var oid = git_oid()
        return git_oid_fromstr(&oid, hex) == 0 ? oid : nil
    }

    /// The commit `revision` (a branch, tag, commit or `HEAD`) names in `repository`; nil when none.
    static func commitID(_ revision: String, in repository: OpaquePointer) -> String? {
        var object: OpaquePointer?
        guard git_revparse_single(&object, repository, revision) == 0 else { return nil }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        guard git_object_peel(&commit, object, GIT_OBJECT_COMMIT) == 0, let commit else { return nil }
        defer { git_object_free(commit) }
        return git_object_id(commit).map { hex($0.pointee) }
    }
}
