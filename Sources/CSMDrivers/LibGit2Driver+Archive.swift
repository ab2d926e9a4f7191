import CLibGit2
import CSMModel
import Foundation

/// Recording a worktree's work in a commit under `refs/csm/archive/`, without touching the worktree.
extension LibGit2Driver {
    /// The longest file list written into an archive message; the commit itself holds every file.
    static let archiveMessageFileLimit = 500

    func archiveWorkNow(worktreePath: String, session: String, at date: Date) throws -> String {
        let path = LibGit2.absolutePath(worktreePath)
        let repository = try LibGit2.openRepository(at: path)
        defer { git_repository_free(repository) }
        guard git_repository_is_bare(repository) == 0 else { throw GitError.notARepository(path: path) }

        let parent = try headCommit(of: repository, path: path)
        defer { git_object_free(parent) }
        var (treeID, skipped) = try worktreeTree(of: repository, path: path)
        // An archive that leaves files out would let a forced destroy lose them: refuse instead.
        guard skipped.isEmpty else { throw GitError.nestedRepositories(path: path, repositories: skipped) }
        var tree: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&tree, repository, &treeID), "read archive tree", path: path)
        defer { git_tree_free(tree) }

        let files = try changedFiles(from: parent, to: tree, in: repository, path: path)
        // Stash entries made on the branch become further parents, so the archive ref keeps them reachable
        // (restore one with `git stash apply <ref>^2`, `^3`, …).
        let stashes = try stashEntries(of: repository, branch: headBranch(of: repository), path: path)
        var stashCommits: [OpaquePointer?] = []
        defer { stashCommits.forEach { git_commit_free($0) } }
        for var entry in stashes {
            var commit: OpaquePointer?
            try LibGit2.check(git_commit_lookup(&commit, repository, &entry.id), "read stash entry", path: path)
            stashCommits.append(commit)
        }
        var message = archiveMessage(session: session, date: date, files: files, skipped: skipped)
        if !stashes.isEmpty {
            message += "\nStash entries (parents 2…):\n"
                + stashes.map { "  stash@{\($0.index)}: \($0.message)" }.joined(separator: "\n") + "\n"
        }
        let signature = try archiveSignature(of: repository, date: date, path: path)
        defer { git_signature_free(signature) }

        var commitID = git_oid()
        var parents: [OpaquePointer?] = (parent.map { [$0] } ?? []) + stashCommits
        try LibGit2.check(
            git_commit_create(
                &commitID, repository, nil, signature, signature, "UTF-8", message, tree, parents.count, &parents),
            "write archive commit", path: path)
        let reference = try createArchiveReference(
            to: &commitID, session: session, date: date, in: repository, path: path)
        logger.info("archived worktree", metadata: ["session": "\(session)", "path": "\(path)", "ref": "\(reference)"])
        return reference
    }

    /// HEAD's commit, nil when HEAD is unborn (a worktree with no commit yet).
    private func headCommit(of repository: OpaquePointer, path: String) throws -> OpaquePointer? {
        if git_repository_head_unborn(repository) == 1 { return nil }
        var commit: OpaquePointer?
        let code = git_revparse_single(&commit, repository, "HEAD^{commit}")
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EUNBORNBRANCH.rawValue { return nil }
        try LibGit2.check(code, "read HEAD", path: path)
        return commit
    }

    /// The tree of the working folder as `git add --all` would stage it: tracked changes and deletions
    /// plus untracked files that are not ignored. Built in the repository's in-memory index, which is
    /// never written back (`git_index_write` is not called), so the index file on disk stays as it was.
    /// Untracked folders that are git repositories of their own are skipped (libgit2 refuses to add them)
    /// and returned, so the archive can say what it does not hold.
    private func worktreeTree(of repository: OpaquePointer, path: String) throws -> (git_oid, skipped: [String]) {
        var index: OpaquePointer?
        try LibGit2.check(git_repository_index(&index, repository), "read index", path: path)
        defer { git_index_free(index) }
        let workdir = git_repository_workdir(repository).map { String(cString: $0) } ?? path + "/"
        let collector = NestedRepositoryCollector(workdir: workdir)
        let added = withExtendedLifetime(collector) {
            git_index_add_all(
                index, nil, GIT_INDEX_ADD_DEFAULT.rawValue, skipNestedRepository,
                Unmanaged.passUnretained(collector).toOpaque())
        }
        try LibGit2.check(added, "collect worktree files", path: path)
        try LibGit2.check(git_index_update_all(index, nil, nil, nil), "collect deleted files", path: path)
        var treeID = git_oid()
        try LibGit2.check(git_index_write_tree(&treeID, index), "write archive tree", path: path)
        if !collector.skipped.isEmpty {
            logger.warning(
                "archive leaves out nested git repositories",
                metadata: ["path": "\(path)", "skipped": "\(collector.skipped.joined(separator: ", "))"])
        }
        return (treeID, collector.skipped)
    }

    /// `(status letter, path)` of every file that differs between `parent`'s tree and `tree`.
    private func changedFiles(
        from parent: OpaquePointer?, to tree: OpaquePointer?, in repository: OpaquePointer, path: String
    ) throws -> [(Character, String)] {
        var parentTree: OpaquePointer?
        if let parent {
            try LibGit2.check(git_commit_tree(&parentTree, parent), "read HEAD tree", path: path)
        }
        defer { git_tree_free(parentTree) }
        var diff: OpaquePointer?
        try LibGit2.check(
            git_diff_tree_to_tree(&diff, repository, parentTree, tree, nil), "list archived files", path: path)
        defer { git_diff_free(diff) }
        return (0..<git_diff_num_deltas(diff)).compactMap { index in
            guard let delta = git_diff_get_delta(diff, index) else { return nil }
            let file = delta.pointee.status == GIT_DELTA_DELETED ? delta.pointee.old_file : delta.pointee.new_file
            guard let name = file.path else { return nil }
            let letter = Character(UnicodeScalar(UInt8(bitPattern: git_diff_status_char(delta.pointee.status))))
            return (letter, String(cString: name))
        }
    }

    /// The subject line, then one `<status letter> <path>` line per file (as `git diff --name-status`).
    private func archiveMessage(session: String, date: Date, files: [(Character, String)], skipped: [String])
        -> String
    {
        var lines = ["csm: archive of session \(session) at \(ISO8601DateFormatter().string(from: date))", ""]
        if files.isEmpty { lines.append("No changes beyond HEAD.") }
        for (letter, file) in files.prefix(Self.archiveMessageFileLimit) { lines.append("\(letter) \(file)") }
        if files.count > Self.archiveMessageFileLimit {
            lines.append("… and \(files.count - Self.archiveMessageFileLimit) more files")
        }
        if !skipped.isEmpty {
            lines += ["", "Not archived (nested git repositories):"] + skipped.map { "  \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The repository's configured identity (user.name / user.email), else `csm <csm@localhost>`, at `date`.
    private func archiveSignature(of repository: OpaquePointer, date: Date, path: String) throws
        -> UnsafeMutablePointer<git_signature>
    {
        var name = "csm"
        var email = "csm@localhost"
        var configured: UnsafeMutablePointer<git_signature>?
        if git_signature_default(&configured, repository) == 0, let configured {
            name = String(cString: configured.pointee.name)
            email = String(cString: configured.pointee.email)
            git_signature_free(configured)
        }
        var signature: UnsafeMutablePointer<git_signature>?
        try LibGit2.check(
            git_signature_new(&signature, name, email, git_time_t(date.timeIntervalSince1970), 0),
            "make archive signature", path: path)
        guard let signature else { throw LibGit2.error(-1, "make archive signature", path: path) }
        return signature
    }

    /// Creates `refs/csm/archive/<session>/<UTC stamp>`, adding `-2`, `-3`… when that name is taken.
    /// Creation without force is atomic, so two archives made at the same moment never overwrite each other.
    private func createArchiveReference(
        to commitID: inout git_oid, session: String, date: Date, in repository: OpaquePointer, path: String
    ) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let stem = "refs/csm/archive/\(session)/\(formatter.string(from: date))"
        var attempt = 1
        while true {
            let name = attempt == 1 ? stem : "\(stem)-\(attempt)"
            var reference: OpaquePointer?
            // Look first: libgit2 accepts a non-forced create of an existing ref that already holds the
            // same commit (two archives of an unchanged worktree in one second), and each archive must
            // get its own name.
            if git_reference_lookup(&reference, repository, name) == 0 {
                git_reference_free(reference)
                attempt += 1
                continue
            }
            let code = git_reference_create(&reference, repository, name, &commitID, 0, "csm: archive of \(session)")
            if code == GIT_EEXISTS.rawValue {
                attempt += 1
                continue
            }
            try LibGit2.check(code, "create archive reference \(name)", path: path)
            git_reference_free(reference)
            return name
        }
    }
}

/// Collects the untracked nested repositories `git_index_add_all` is told to skip. Used only within one
/// synchronous call on one thread, through the C callback's payload pointer.
private final class NestedRepositoryCollector {
    let workdir: String
    var skipped: [String] = []

    init(workdir: String) { self.workdir = workdir }
}

/// `git_index_add_all` callback: 1 (skip) for a folder holding its own `.git`, 0 (add) for anything else.
private func skipNestedRepository(
    _ path: UnsafePointer<CChar>?, _ matchedPathspec: UnsafePointer<CChar>?, _ payload: UnsafeMutableRawPointer?
) -> Int32 {
    guard let path, let payload else { return 0 }
    let relative = String(cString: path)
    guard relative.hasSuffix("/") else { return 0 }
    let collector = Unmanaged<NestedRepositoryCollector>.fromOpaque(payload).takeUnretainedValue()
    guard LibGit2.somethingExists(at: collector.workdir + relative + ".git") else { return 0 }
    collector.skipped.append(relative)
    return 1
}
