import CLibGit2
import CSMModel
import Foundation

/// One file's changes in a worktree, for the dashboard's "git changes" view.
extension LibGit2Driver {
    /// See `GitDriver.fileDiff(worktreePath:file:)`. The path is matched literally (no globs).
    /// Off the cooperative pool, as `changes`.
    public func fileDiff(worktreePath: String, file: String) async throws -> String {
        try await runOffPool { try fileDiffNow(worktreePath: worktreePath, file: file) }
    }

    func fileDiffNow(worktreePath: String, file: String) throws -> String {
        LibGit2.initialize()
        let repository = try LibGit2.openRepository(at: worktreePath)
        defer { git_repository_free(repository) }
        let headTree = try LibGit2.headTree(of: repository, path: worktreePath)
        defer { git_object_free(headTree) }
        let diff = try LibGit2.workdirDiff(repository, from: headTree, path: worktreePath, file: file)
        defer { git_diff_free(diff) }
        var buffer = git_buf()
        try LibGit2.check(
            git_diff_to_buf(&buffer, diff, GIT_DIFF_FORMAT_PATCH), "format diff of \(file)", path: worktreePath)
        defer { git_buf_dispose(&buffer) }
        guard let pointer = buffer.ptr else { return "" }
        return String(cString: pointer)
    }
}

extension LibGit2 {
    /// HEAD's tree (the caller frees it); nil on an unborn branch.
    static func headTree(of repository: OpaquePointer, path: String) throws -> OpaquePointer? {
        guard git_repository_head_unborn(repository) != 1 else { return nil }
        var object: OpaquePointer?
        try check(git_revparse_single(&object, repository, "HEAD^{tree}"), "read HEAD", path: path)
        return object
    }

    /// The diff from `tree` (nil: the empty tree) to the working folder through the index, untracked files
    /// as added with their content (what `git add -N . && git diff <tree>` shows), limited to `file` (a
    /// literal path) when given. The one diff behind the dashboard's changes, a file's diff and the stats;
    /// the caller frees it.
    static func workdirDiff(_ repository: OpaquePointer, from tree: OpaquePointer?, path: String, file: String? = nil)
        throws -> OpaquePointer?
    {
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "prepare diff", path: path)
        options.flags =
            GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_DIFF_SHOW_UNTRACKED_CONTENT.rawValue
        var diff: OpaquePointer?
        guard let file else {
            try check(git_diff_tree_to_workdir_with_index(&diff, repository, tree, &options), "diff", path: path)
            return diff
        }
        options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
        let code: Int32 = file.withCString { pathPointer in
            var paths: [UnsafeMutablePointer<CChar>?] = [UnsafeMutablePointer(mutating: pathPointer)]
            return paths.withUnsafeMutableBufferPointer { buffer in
                options.pathspec = git_strarray(strings: buffer.baseAddress, count: 1)
                return git_diff_tree_to_workdir_with_index(&diff, repository, tree, &options)
            }
        }
        try check(code, "diff \(file)", path: path)
        return diff
    }
}
