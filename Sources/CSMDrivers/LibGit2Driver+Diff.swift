import CLibGit2
import CSMModel
import Foundation

/// One file's changes in a worktree, for the dashboard's "git changes" view.
extension LibGit2Driver {
    /// See `GitDriver.fileDiff(worktreePath:file:)`. The path is matched literally (no globs).
    public func fileDiff(worktreePath: String, file: String) async throws -> String {
        LibGit2.initialize()
        let repository = try LibGit2.openRepository(at: worktreePath)
        defer { git_repository_free(repository) }
        var headTree: OpaquePointer?
        if git_repository_head_unborn(repository) != 1 {
            var object: OpaquePointer?
            try LibGit2.check(git_revparse_single(&object, repository, "HEAD^{tree}"), "read HEAD", path: worktreePath)
            headTree = object
        }
        defer { git_object_free(headTree) }
        var options = git_diff_options()
        try LibGit2.check(
            git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "prepare diff", path: worktreePath)
        options.flags =
            GIT_DIFF_INCLUDE_UNTRACKED.rawValue | GIT_DIFF_SHOW_UNTRACKED_CONTENT.rawValue
            | GIT_DIFF_RECURSE_UNTRACKED_DIRS.rawValue | GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
        var diff: OpaquePointer?
        let code: Int32 = file.withCString { pathPointer in
            var paths: [UnsafeMutablePointer<CChar>?] = [UnsafeMutablePointer(mutating: pathPointer)]
            return paths.withUnsafeMutableBufferPointer { buffer in
                options.pathspec = git_strarray(strings: buffer.baseAddress, count: 1)
                return git_diff_tree_to_workdir_with_index(&diff, repository, headTree, &options)
            }
        }
        try LibGit2.check(code, "diff \(file)", path: worktreePath)
        defer { git_diff_free(diff) }
        var buffer = git_buf()
        try LibGit2.check(
            git_diff_to_buf(&buffer, diff, GIT_DIFF_FORMAT_PATCH), "format diff of \(file)", path: worktreePath)
        defer { git_buf_dispose(&buffer) }
        guard let pointer = buffer.ptr else { return "" }
        return String(cString: pointer)
    }
}
