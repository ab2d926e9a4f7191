import CLibGit2
import Foundation

/// Stash entries that belong to a worktree: the nothing-lost rule counts them as work, and a forced
/// archive records them as extra parents of the archive commit.
extension LibGit2Driver {
    /// One entry of the repository's stash list.
    struct StashEntry {
        var index: Int
        var message: String
        var id: git_oid
    }

    /// The stash entries made on `branch`, newest first. git names the branch in each entry's message
    /// (`WIP on <branch>: …`, or `On <branch>: <message>` for `git stash push -m`); the stash list itself
    /// is shared by every worktree of the repository. Empty when HEAD is detached or there is no stash.
    func stashEntries(of repository: OpaquePointer, branch: String?, path: String) throws -> [StashEntry] {
        guard let branch else { return [] }
        let collector = StashCollector()
        let code = withExtendedLifetime(collector) {
            git_stash_foreach(repository, collectStashEntry, Unmanaged.passUnretained(collector).toOpaque())
        }
        if code == GIT_ENOTFOUND.rawValue { return [] }
        try LibGit2.check(code, "read the stash list", path: path)
        let archives = try archiveCommitIDs(of: repository, path: path)
        return collector.entries.filter { entry in
            guard entry.message.hasPrefix("WIP on \(branch): ") || entry.message.hasPrefix("On \(branch): ") else {
                return false
            }
            // Already recorded by an archive (a parent of one, or further back): it is safe.
            var id = entry.id
            return !archives.contains { archive in
                var archive = archive
                return git_oid_equal(&archive, &id) == 1 || git_graph_descendant_of(repository, &archive, &id) == 1
            }
        }
    }

    /// The commits `refs/csm/archive/*` point to.
    private func archiveCommitIDs(of repository: OpaquePointer, path: String) throws -> [git_oid] {
        var iterator: OpaquePointer?
        try LibGit2.check(
            git_reference_iterator_glob_new(&iterator, repository, "refs/csm/archive/*"), "list archives", path: path)
        defer { git_reference_iterator_free(iterator) }
        var result: [git_oid] = []
        while true {
            var reference: OpaquePointer?
            let code = git_reference_next(&reference, iterator)
            if code == GIT_ITEROVER.rawValue { break }
            try LibGit2.check(code, "list archives", path: path)
            defer { git_reference_free(reference) }
            var commit: OpaquePointer?
            guard git_reference_peel(&commit, reference, GIT_OBJECT_COMMIT) == 0 else { continue }
            defer { git_object_free(commit) }
            result.append(git_object_id(commit).pointee)
        }
        return result
    }
}

/// Collects stash entries during one synchronous `git_stash_foreach` call, through the payload pointer.
private final class StashCollector {
    var entries: [LibGit2Driver.StashEntry] = []
}

private func collectStashEntry(
    _ index: Int, _ message: UnsafePointer<CChar>?, _ id: UnsafePointer<git_oid>?, _ payload: UnsafeMutableRawPointer?
) -> Int32 {
    guard let payload, let id else { return 0 }
    let collector = Unmanaged<StashCollector>.fromOpaque(payload).takeUnretainedValue()
    collector.entries.append(
        LibGit2Driver.StashEntry(index: index, message: message.map { String(cString: $0) } ?? "", id: id.pointee))
    return 0
}
