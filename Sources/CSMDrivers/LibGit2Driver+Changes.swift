import CLibGit2
import Foundation

/// `git status` and `git diff HEAD` (untracked files included) of a worktree, through libgit2.
extension LibGit2Driver: WorktreeChangesReader {
    /// Reads every changed file: runs off the cooperative pool, which has one thread per core.
    public func changes(worktreePath path: String, maxDiffBytes: Int) async throws -> WorktreeChanges {
        try await runOffPool { try changesNow(worktreePath: path, maxDiffBytes: maxDiffBytes) }
    }

    func changesNow(worktreePath path: String, maxDiffBytes: Int) throws -> WorktreeChanges {
        LibGit2.initialize()
        let repository = try LibGit2.openRepository(at: path)
        defer { git_repository_free(repository) }
        let files = try changedFiles(of: repository, path: path)
        let (diff, isTruncated) = try patch(of: repository, path: path, maxBytes: maxDiffBytes)
        return WorktreeChanges(branch: headBranch(of: repository), files: files, diff: diff, isTruncated: isTruncated)
    }

    func changedFiles(of repository: OpaquePointer, path: String) throws -> [WorktreeChanges.File] {
        var options = git_status_options()
        try LibGit2.check(
            git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "prepare status", path: path)
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags =
            GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX.rawValue
        var list: OpaquePointer?
        try LibGit2.check(git_status_list_new(&list, repository, &options), "read status", path: path)
        defer { git_status_list_free(list) }
        var files: [WorktreeChanges.File] = []
        for index in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, index)?.pointee else { continue }
            let status = entry.status.rawValue
            func has(_ flag: git_status_t) -> Bool { status & flag.rawValue != 0 }
            let staged =
                has(GIT_STATUS_INDEX_NEW) || has(GIT_STATUS_INDEX_MODIFIED) || has(GIT_STATUS_INDEX_DELETED)
                || has(GIT_STATUS_INDEX_RENAMED) || has(GIT_STATUS_INDEX_TYPECHANGE)
            let word: String
            if has(GIT_STATUS_CONFLICTED) {
                word = "conflicted"
            } else if has(GIT_STATUS_INDEX_RENAMED) || has(GIT_STATUS_WT_RENAMED) {
                word = "renamed"
            } else if has(GIT_STATUS_INDEX_NEW) {
                word = "added"
            } else if has(GIT_STATUS_INDEX_DELETED) || has(GIT_STATUS_WT_DELETED) {
                word = "deleted"
            } else if has(GIT_STATUS_INDEX_TYPECHANGE) || has(GIT_STATUS_WT_TYPECHANGE) {
                word = "typechange"
            } else if has(GIT_STATUS_WT_NEW) {
                word = "untracked"
            } else if has(GIT_STATUS_INDEX_MODIFIED) || has(GIT_STATUS_WT_MODIFIED) {
                word = "modified"
            } else {
                continue
            }
            let delta = entry.head_to_index ?? entry.index_to_workdir
            guard let delta else { continue }
            let newPath = delta.pointee.new_file.path.map { String(cString: $0) } ?? ""
            let oldPath = delta.pointee.old_file.path.map { String(cString: $0) }
            files.append(
                WorktreeChanges.File(
                    path: newPath, status: word, staged: staged,
                    oldPath: word == "renamed" && oldPath != newPath ? oldPath : nil))
        }
        return files.sorted { $0.path < $1.path }
    }

    func patch(of repository: OpaquePointer, path: String, maxBytes: Int) throws -> (String, Bool) {
        let tree = try LibGit2.headTree(of: repository, path: path)
        defer { git_object_free(tree) }
        let diff = try LibGit2.workdirDiff(repository, from: tree, path: path)
        defer { git_diff_free(diff) }
        var buffer = git_buf()
        try LibGit2.check(git_diff_to_buf(&buffer, diff, GIT_DIFF_FORMAT_PATCH), "format diff", path: path)
        defer { git_buf_dispose(&buffer) }
        guard let pointer = buffer.ptr else { return ("", false) }
        let size = Int(buffer.size)
        let kept = min(size, max(0, maxBytes))
        let bytes = UnsafeRawBufferPointer(start: pointer, count: kept)
        return (String(decoding: bytes, as: UTF8.self), kept < size)
    }
}
