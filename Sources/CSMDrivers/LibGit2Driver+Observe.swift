import CLibGit2
import CSMModel
import Foundation
import Synchronization

/// Reading worktrees: marker, branch, and the three counts the nothing-lost rule needs (only when
/// `counting`: the status scan reads every file of the working folder).
extension LibGit2Driver {
    func observeWorktreesNow(in folder: String, host: String, counting: Bool = true) throws -> [ObservedWorktree] {
        guard LibGit2.isDirectory(folder) else { return [] }
        let folders = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().compactMap { name -> String? in
            // Joined as the planner joins `<worktreeBase>/<workspace>/<session>`, so paths compare equal.
            let path = Paths.join(folder, name)
            return LibGit2.isDirectory(path) ? path : nil
        }
        // Worktrees are independent (each call opens its own repository handles), so status scans run
        // on every core; results land in their own slots.
        let results = Mutex([ObservedWorktree?](repeating: nil, count: folders.count))
        DispatchQueue.concurrentPerform(iterations: folders.count) { index in
            let observed =
                counting
                ? observeWorktree(at: folders[index], host: host, counting: true)
                : observeWorktreeUncounted(at: folders[index], host: host)
            results.withLock { $0[index] = observed }
        }
        return results.withLock { $0.compactMap { $0 } }
    }

    /// One would-be worktree folder. Never throws: whatever cannot be proven to be a csm worktree in a
    /// readable state is "not owned".
    func observeWorktree(at path: String, host: String, counting: Bool) -> ObservedWorktree {
        guard let marker = WorktreeMarker.read(worktreePath: path) else {
            return ObservedWorktree(host: host, path: path, marker: nil)
        }
        do {
            let repository = try LibGit2.openRepository(at: path)
            defer { git_repository_free(repository) }
            let branch = headBranch(of: repository)
            guard counting else {
                var observed = ObservedWorktree(
                    host: host, path: path, marker: marker, branch: branch, setup: SetupStamp.read(worktreePath: path))
                observed.workCounted = false
                return observed
            }
            let counts = try statusCounts(of: repository, path: path)
            let unique = try uniqueCommitCount(of: repository, branch: branch, path: path)
            return ObservedWorktree(
                host: host, path: path, marker: marker, branch: branch, uncommittedCount: counts.uncommitted,
                untrackedCount: counts.untracked, uniqueCommitCount: unique, setup: SetupStamp.read(worktreePath: path))
        } catch {
            // Zero counts would read as "safe to destroy"; a nil marker makes the planner leave it alone.
            logger.warning(
                "cannot inspect worktree; treating it as not owned",
                metadata: ["session": "\(marker.session)", "path": "\(path)", "error": "\(error)"])
            return ObservedWorktree(host: host, path: path, marker: nil)
        }
    }

    /// Marker, branch and setup stamp from the worktree's git directory, read as files (`HEAD` names the
    /// branch) without opening the repository: a few small reads instead of libgit2's repository
    /// discovery and configuration loading. A HEAD that cannot be read makes the folder "not owned", as
    /// a repository libgit2 cannot open does.
    func observeWorktreeUncounted(at path: String, host: String) -> ObservedWorktree {
        guard let marker = WorktreeMarker.read(worktreePath: path), let gitDirectory = WorktreeMarker.linkedGitDirectory(of: path),
            let head = try? String(contentsOfFile: gitDirectory + "/HEAD", encoding: .utf8)
        else { return ObservedWorktree(host: host, path: path, marker: nil) }
        var observed = ObservedWorktree(
            host: host, path: path, marker: marker, branch: Self.branch(ofHEAD: head),
            setup: SetupStamp.read(worktreePath: path))
        observed.workCounted = false
        return observed
    }

    /// The branch a HEAD file's text names (`ref: refs/heads/x` → `x`, another ref by its full name); nil
    /// when HEAD is detached (a commit id). The same answer as `headBranch(of:)`.
    static func branch(ofHEAD text: String) -> String? {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard line.hasPrefix("ref:") else { return nil }
        let name = line.dropFirst("ref:".count).trimmingCharacters(in: .whitespaces)
        let prefix = "refs/heads/"
        return name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
    }

    /// The short name of the branch HEAD points to (also when that branch is unborn); nil when detached.
    func headBranch(of repository: OpaquePointer) -> String? {
        var head: OpaquePointer?
        guard git_reference_lookup(&head, repository, "HEAD") == 0, let head else { return nil }
        defer { git_reference_free(head) }
        guard git_reference_type(head) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(head)
        else { return nil }
        let name = String(cString: target)
        let prefix = "refs/heads/"
        return name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
    }

    /// Tracked files with any change in the index or the working folder, and untracked files (not
    /// ignored, counted one by one inside untracked folders).
    func statusCounts(of repository: OpaquePointer, path: String) throws -> (uncommitted: Int, untracked: Int) {
        var options = git_status_options()
        try LibGit2.check(
            git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "prepare status", path: path)
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        // Staged renames count once, as `git status` shows them.
        options.flags =
            GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX.rawValue
        var list: OpaquePointer?
        try LibGit2.check(git_status_list_new(&list, repository, &options), "read status", path: path)
        defer { git_status_list_free(list) }

        let changed: UInt32 = [
            GIT_STATUS_INDEX_NEW, GIT_STATUS_INDEX_MODIFIED, GIT_STATUS_INDEX_DELETED, GIT_STATUS_INDEX_RENAMED,
            GIT_STATUS_INDEX_TYPECHANGE, GIT_STATUS_WT_MODIFIED, GIT_STATUS_WT_DELETED, GIT_STATUS_WT_RENAMED,
            GIT_STATUS_WT_TYPECHANGE, GIT_STATUS_CONFLICTED,
        ].reduce(0) { $0 | $1.rawValue }
        var uncommitted = 0
        var untracked = 0
        for index in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, index) else { continue }
            let status = entry.pointee.status.rawValue
            if status & changed != 0 {
                uncommitted += 1
            } else if status & GIT_STATUS_WT_NEW.rawValue != 0 {
                untracked += 1
            }
        }
        return (uncommitted, untracked)
    }

    /// Commits reachable from HEAD and from no ref other than the worktree's own branch: local and
    /// remote branches, tags, `refs/csm/*` archives, everything. 0 when HEAD is unborn.
    func uniqueCommitCount(of repository: OpaquePointer, branch: String?, path: String) throws -> Int {
        // An unborn branch has no commits at all (push_head would fail with a generic -1).
        if git_repository_head_unborn(repository) == 1 { return 0 }
        var walk: OpaquePointer?
        try LibGit2.check(git_revwalk_new(&walk, repository), "start history walk", path: path)
        defer { git_revwalk_free(walk) }
        try LibGit2.check(git_revwalk_push_head(walk), "walk history from HEAD", path: path)

        let ownBranch = branch.map { "refs/heads/\($0)" }
        var iterator: OpaquePointer?
        try LibGit2.check(git_reference_iterator_new(&iterator, repository), "list references", path: path)
        defer { git_reference_iterator_free(iterator) }
        while true {
            var reference: OpaquePointer?
            let code = git_reference_next(&reference, iterator)
            if code == GIT_ITEROVER.rawValue { break }
            try LibGit2.check(code, "list references", path: path)
            defer { git_reference_free(reference) }
            if let name = git_reference_name(reference), String(cString: name) == ownBranch { continue }
            // Tags of trees or blobs and dangling symbolic refs protect no commit: skip them.
            var commit: OpaquePointer?
            guard git_reference_peel(&commit, reference, GIT_OBJECT_COMMIT) == 0 else { continue }
            defer { git_object_free(commit) }
            try LibGit2.check(git_revwalk_hide(walk, git_object_id(commit)), "hide a reference", path: path)
        }

        var count = 0
        var oid = git_oid()
        while true {
            let code = git_revwalk_next(&oid, walk)
            if code == GIT_ITEROVER.rawValue { break }
            try LibGit2.check(code, "walk history from HEAD", path: path)
            count += 1
        }
        return count
    }
}
