import CLibGit2
import CSMModel
import Foundation

/// Merging a session's branch into its base in the source repository, all or nothing.
///
/// Everything that can refuse is decided before anything is written: the new base commit is built from
/// objects only (`git_merge_commits`, `git_cherrypick_commit`, new commits reachable from no ref), the
/// checkouts that must follow are dry-run first, and only then are files and refs updated, the base ref
/// last and compare-and-swap, so a concurrent change of the base is an error, not a lost commit.
extension LibGit2Driver {
    public func merge(_ request: MergeRequest) async throws -> MergeOutcome {
        LibGit2.initialize()
        let repoPath = request.repoPath
        let repository = try LibGit2.openMainRepository(at: repoPath)
        defer { git_repository_free(repository) }
        func refuse(_ reason: String, files: [String] = []) -> GitError {
            .mergeRefused(repoPath: repoPath, reason: reason, files: files)
        }
        guard let base = request.base ?? headBranch(of: repository) else {
            throw refuse(
                "the source checkout's HEAD is detached, so there is no base branch; set 'baseBranch' on the repo")
        }
        var baseID = try branchTip(base, in: repository, path: repoPath)
        var branchID = try branchTip(request.branch, in: repository, path: repoPath)
        let pending = try commits(of: request.branch, notOn: base, in: repository, path: repoPath)
        if pending.isEmpty {
            return MergeOutcome(kind: .upToDate, base: base, commit: LibGit2.hex(baseID), commitCount: 0)
        }
        let isFastForward = git_graph_descendant_of(repository, &branchID, &baseID) == 1
        let signature = try mergeSignature(of: repository, path: repoPath)
        defer { git_signature_free(signature) }

        var newTip: git_oid
        var kind: MergeOutcome.Kind
        switch request.strategy {
        case .fastForwardOnly:
            guard isFastForward else {
                throw refuse(
                    "'\(base)' has commits that '\(request.branch)' lacks, so it cannot be fast-forwarded; "
                        + "merge without --ff-only, or use --rebase or --squash")
            }
            (newTip, kind) = (branchID, .fastForward)
        case .merge:
            if isFastForward {
                (newTip, kind) = (branchID, .fastForward)
            } else {
                var tree = try mergedTree(
                    base: baseID, branch: branchID, in: repository, path: repoPath, refuse: refuse)
                let message = request.message ?? "Merge branch '\(request.branch)' into \(base)\n"
                newTip = try commit(
                    tree: &tree, parents: [baseID, branchID], message: message, author: signature,
                    committer: signature, in: repository, path: repoPath)
                kind = .mergeCommit
            }
        case .squash:
            var tree =
                isFastForward
                ? try treeID(of: branchID, in: repository, path: repoPath)
                : try mergedTree(base: baseID, branch: branchID, in: repository, path: repoPath, refuse: refuse)
            let message = try request.message ?? squashMessage(branch: request.branch, commits: pending, in: repository)
            newTip = try commit(
                tree: &tree, parents: [baseID], message: message, author: signature, committer: signature,
                in: repository, path: repoPath)
            kind = .squashCommit
        case .rebase:
            newTip = try replay(
                pending, onto: baseID, committer: signature, in: repository, path: repoPath, refuse: refuse)
            kind = .rebased
        }

        // Checkouts that must follow the moved refs: refused now (dry run) or not at all.
        let baseCheckout = try checkoutHolding(base, in: repository, path: repoPath)
        if let holder = baseCheckout {
            try checkout(newTip, in: holder, dryRun: true, refuse: refuse)
        }
        var sessionCheckout: String?
        if kind == .rebased {
            sessionCheckout = try checkoutHolding(request.branch, in: repository, path: repoPath)
            if let holder = sessionCheckout { try checkout(newTip, in: holder, dryRun: true, refuse: refuse) }
        }
        if let holder = baseCheckout { try checkout(newTip, in: holder, dryRun: false, refuse: refuse) }
        if let holder = sessionCheckout { try checkout(newTip, in: holder, dryRun: false, refuse: refuse) }
        if kind == .rebased {
            try moveBranch(request.branch, from: &branchID, to: &newTip, in: repository, path: repoPath)
        }
        try moveBranch(base, from: &baseID, to: &newTip, in: repository, path: repoPath)
        logger.info(
            "merged branch", metadata: ["branch": "\(request.branch)", "base": "\(base)", "kind": "\(kind.rawValue)"])
        return MergeOutcome(kind: kind, base: base, commit: LibGit2.hex(newTip), commitCount: pending.count)
    }

    private func branchTip(_ name: String, in repository: OpaquePointer, path: String) throws -> git_oid {
        var oid = git_oid()
        let code = git_reference_name_to_id(&oid, repository, "refs/heads/" + name)
        // A session's `base` may be any commit-ish (a tag, `HEAD~2`); a merge needs a branch to move.
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EINVALIDSPEC.rawValue {
            throw GitError.mergeRefused(
                repoPath: path,
                reason: "there is no local branch '\(name)'; a merge needs a branch to merge into "
                    + "(set the session's 'base' or the repo's 'baseBranch' to one)", files: [])
        }
        try LibGit2.check(code, "read branch '\(name)'", path: path)
        return oid
    }

    private func treeID(of commitID: git_oid, in repository: OpaquePointer, path: String) throws -> git_oid {
        var id = commitID
        var commit: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commit, repository, &id), "read commit", path: path)
        defer { git_commit_free(commit) }
        return git_commit_tree_id(commit).pointee
    }

    /// The tree of merging `branch` into `base`; a conflict refuses the merge with the files named.
    private func mergedTree(
        base: git_oid, branch: git_oid, in repository: OpaquePointer, path: String,
        refuse: (String, [String]) -> GitError
    ) throws -> git_oid {
        var ours = base
        var theirs = branch
        var oursCommit: OpaquePointer?
        var theirsCommit: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&oursCommit, repository, &ours), "read base commit", path: path)
        defer { git_commit_free(oursCommit) }
        try LibGit2.check(git_commit_lookup(&theirsCommit, repository, &theirs), "read branch commit", path: path)
        defer { git_commit_free(theirsCommit) }
        var index: OpaquePointer?
        try LibGit2.check(
            git_merge_commits(&index, repository, oursCommit, theirsCommit, nil), "merge commits", path: path)
        defer { git_index_free(index) }
        return try tree(of: index, in: repository, path: path, refuse: refuse, what: "merging")
    }

    /// Writes an in-memory index as a tree, or refuses naming its conflicts.
    private func tree(
        of index: OpaquePointer?, in repository: OpaquePointer, path: String, refuse: (String, [String]) -> GitError,
        what: String
    ) throws -> git_oid {
        if git_index_has_conflicts(index) == 1 {
            throw refuse(
                "\(what) conflicts; resolve it in the session (merge or rebase the base into its branch there), "
                    + "commit, and merge again", conflictedFiles(of: index))
        }
        var tree = git_oid()
        try LibGit2.check(git_index_write_tree_to(&tree, index, repository), "write merged tree", path: path)
        return tree
    }

    private func conflictedFiles(of index: OpaquePointer?) -> [String] {
        var iterator: OpaquePointer?
        guard git_index_conflict_iterator_new(&iterator, index) == 0 else { return [] }
        defer { git_index_conflict_iterator_free(iterator) }
        var files: [String] = []
        var ancestor: UnsafePointer<git_index_entry>?
        var ours: UnsafePointer<git_index_entry>?
        var theirs: UnsafePointer<git_index_entry>?
        while git_index_conflict_next(&ancestor, &ours, &theirs, iterator) == 0 {
            if let entry = ours ?? theirs ?? ancestor, let name = entry.pointee.path {
                files.append(String(cString: name))
            }
        }
        return files
    }

    /// Replays `commits` (oldest first) on `onto`, keeping each one's author and message.
    private func replay(
        _ commits: [git_oid], onto: git_oid, committer: UnsafeMutablePointer<git_signature>,
        in repository: OpaquePointer,
        path: String, refuse: (String, [String]) -> GitError
    ) throws -> git_oid {
        var tip = onto
        for id in commits {
            var commitID = id
            var original: OpaquePointer?
            try LibGit2.check(git_commit_lookup(&original, repository, &commitID), "read commit", path: path)
            defer { git_commit_free(original) }
            guard git_commit_parentcount(original) == 1 else {
                throw refuse(
                    "the branch holds merge commits, which --rebase does not replay; merge without --rebase or use --squash",
                    [])
            }
            var ontoCommit: OpaquePointer?
            try LibGit2.check(git_commit_lookup(&ontoCommit, repository, &tip), "read commit", path: path)
            defer { git_commit_free(ontoCommit) }
            var index: OpaquePointer?
            try LibGit2.check(
                git_cherrypick_commit(&index, repository, original, ontoCommit, 0, nil), "replay commit", path: path)
            defer { git_index_free(index) }
            let subject = git_commit_summary(original).map { String(cString: $0) } ?? "a commit"
            var tree = try self.tree(
                of: index, in: repository, path: path, refuse: refuse, what: "replaying '\(subject)'")
            let message = git_commit_message(original).map { String(cString: $0) } ?? subject
            tip = try commit(
                tree: &tree, parents: [tip], message: message, author: git_commit_author(original),
                committer: UnsafePointer(committer), in: repository, path: path)
        }
        return tip
    }

    /// Creates a commit reachable from no ref yet.
    private func commit(
        tree treeID: inout git_oid, parents: [git_oid], message: String, author: UnsafePointer<git_signature>?,
        committer: UnsafePointer<git_signature>?, in repository: OpaquePointer, path: String
    ) throws -> git_oid {
        var tree: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&tree, repository, &treeID), "read tree", path: path)
        defer { git_tree_free(tree) }
        var parentCommits: [OpaquePointer?] = []
        defer { for parent in parentCommits { git_commit_free(parent) } }
        for parent in parents {
            var id = parent
            var commit: OpaquePointer?
            try LibGit2.check(git_commit_lookup(&commit, repository, &id), "read parent commit", path: path)
            parentCommits.append(commit)
        }
        var out = git_oid()
        try LibGit2.check(
            git_commit_create(
                &out, repository, nil, author, committer, "UTF-8", message, tree, parentCommits.count, &parentCommits),
            "write commit", path: path)
        return out
    }

    /// "Squash of <branch>", then one `* subject` line per commit; a single commit keeps its own message.
    private func squashMessage(branch: String, commits: [git_oid], in repository: OpaquePointer) throws -> String {
        let messages: [(subject: String, full: String)] = commits.map { id in
            var oid = id
            var commit: OpaquePointer?
            guard git_commit_lookup(&commit, repository, &oid) == 0 else { return ("", "") }
            defer { git_commit_free(commit) }
            return (
                git_commit_summary(commit).map { String(cString: $0) } ?? "",
                git_commit_message(commit).map { String(cString: $0) } ?? ""
            )
        }
        if messages.count == 1 { return messages[0].full }
        return "Squash of branch '\(branch)' (\(messages.count) commits)\n\n"
            + messages.map { "* \($0.subject)\n" }.joined()
    }

    /// The repository's identity (user.name / user.email), else `csm <csm@localhost>`, now.
    private func mergeSignature(of repository: OpaquePointer, path: String) throws -> UnsafeMutablePointer<
        git_signature
    > {
        var signature: UnsafeMutablePointer<git_signature>?
        if git_signature_default(&signature, repository) == 0, let signature { return signature }
        try LibGit2.check(git_signature_now(&signature, "csm", "csm@localhost"), "make signature", path: path)
        guard let signature else { throw LibGit2.error(-1, "make signature", path: path) }
        return signature
    }

    /// The working folder (main checkout or linked worktree) that has `branch` checked out, or nil.
    private func checkoutHolding(_ branch: String, in repository: OpaquePointer, path: String) throws -> String? {
        let refName = "refs/heads/" + branch
        if git_repository_is_bare(repository) == 0, headReferenceName(of: repository) == refName {
            return git_repository_workdir(repository).map { String(cString: $0) }
        }
        for name in try LibGit2.worktreeNames(of: repository, path: path) {
            var head: OpaquePointer?
            guard git_repository_head_for_worktree(&head, repository, name) == 0 else { continue }
            defer { git_reference_free(head) }
            guard String(cString: git_reference_name(head)) == refName else { continue }
            var worktree: OpaquePointer?
            guard git_worktree_lookup(&worktree, repository, name) == 0 else { continue }
            defer { git_worktree_free(worktree) }
            return git_worktree_path(worktree).map { String(cString: $0) }
        }
        return nil
    }

    private func headReferenceName(of repository: OpaquePointer) -> String? {
        var head: OpaquePointer?
        guard git_reference_lookup(&head, repository, "HEAD") == 0, let head else { return nil }
        defer { git_reference_free(head) }
        guard git_reference_type(head) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(head)
        else { return nil }
        return String(cString: target)
    }

    /// Updates the working folder and index at `folder` from its HEAD's tree to `commitID`'s tree, safely:
    /// a local change that would be overwritten refuses the merge (checked by a dry run first).
    private func checkout(_ commitID: git_oid, in folder: String, dryRun: Bool, refuse: (String, [String]) -> GitError)
        throws
    {
        let repository = try LibGit2.openRepository(at: folder)
        defer { git_repository_free(repository) }
        var id = commitID
        var commit: OpaquePointer?
        try LibGit2.check(git_commit_lookup(&commit, repository, &id), "read commit", path: folder)
        defer { git_commit_free(commit) }
        var options = git_checkout_options()
        try LibGit2.check(
            git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), "prepare checkout", path: folder)
        options.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue | (dryRun ? GIT_CHECKOUT_DRY_RUN.rawValue : 0)
        let code = git_checkout_tree(repository, commit, &options)
        if code == GIT_ECONFLICT.rawValue {
            throw refuse("\(folder) has local changes to files the merge changes; commit or stash them there first", [])
        }
        try LibGit2.check(code, "update checkout", path: folder)
    }

    /// Moves `refs/heads/<branch>` from `old` to `new`, failing if someone else moved it meanwhile.
    private func moveBranch(
        _ branch: String, from old: inout git_oid, to new: inout git_oid, in repository: OpaquePointer, path: String
    ) throws {
        var reference: OpaquePointer?
        try LibGit2.check(
            git_reference_create_matching(&reference, repository, "refs/heads/" + branch, &new, 1, &old, "csm: merge"),
            "move branch '\(branch)'", path: path)
        git_reference_free(reference)
    }
}

extension LibGit2 {
    /// The 40-digit hex form of an object id.
    static func hex(_ id: git_oid) -> String {
        var oid = id
        var buffer = [CChar](repeating: 0, count: 41)
        git_oid_tostr(&buffer, buffer.count, &oid)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
