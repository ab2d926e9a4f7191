import CLibGit2
import CSMModel
import Foundation

/// Lifecycle operations of the real driver: keeping csm's files out of `git status`, renaming branches,
/// moving worktrees, listing a branch's commits. Merging is in LibGit2Driver+Merge.swift.
extension LibGit2Driver {
    /// See `GitDriver.keepOutOfStatus(worktreePath:file:)`. The flag is set in the worktree's own index
    /// (each worktree has one), so the source checkout and other worktrees are not affected; `info/exclude`
    /// lives in the repository's common git directory and so applies to every checkout of it.
    public func keepOutOfStatus(worktreePath: String, file: String) async throws -> StatusExclusion {
        LibGit2.initialize()
        let repository = try LibGit2.openRepository(at: worktreePath)
        defer { git_repository_free(repository) }
        var index: OpaquePointer?
        try LibGit2.check(git_repository_index(&index, repository), "read index", path: worktreePath)
        defer { git_index_free(index) }
        if let entry = git_index_get_bypath(index, file, 0) {
            let skip = UInt16(GIT_INDEX_ENTRY_SKIP_WORKTREE.rawValue)
            guard entry.pointee.flags_extended & skip == 0 else { return .skipWorktree }
            var flagged = entry.pointee
            flagged.flags_extended |= skip
            flagged.flags |= UInt16(GIT_INDEX_ENTRY_EXTENDED.rawValue)
            try LibGit2.check(git_index_add(index, &flagged), "mark \(file) skip-worktree", path: worktreePath)
            try LibGit2.check(git_index_write(index), "write index", path: worktreePath)
            return .skipWorktree
        }
        let common = String(cString: git_repository_commondir(repository))
        let info = URL(fileURLWithPath: common).appendingPathComponent("info")
        try FileManager.default.createDirectory(at: info, withIntermediateDirectories: true)
        let exclude = info.appendingPathComponent("exclude")
        let existing = (try? String(contentsOf: exclude, encoding: .utf8)) ?? ""
        let pattern = "/" + file
        if !existing.split(separator: "\n").contains(where: { $0 == pattern }) {
            var text = existing
            if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
            text += "# added by csm: written by csm into its session worktrees, never committed\n\(pattern)\n"
            try Data(text.utf8).write(to: exclude, options: .atomic)
        }
        return .infoExclude
    }

    /// See `GitDriver.renameBranch(repoPath:from:to:)`. libgit2 updates the HEAD of every worktree that
    /// has the branch checked out.
    public func renameBranch(repoPath: String, from oldName: String, to newName: String) async throws {
        LibGit2.initialize()
        let repository = try LibGit2.openMainRepository(at: repoPath)
        defer { git_repository_free(repository) }
        var branch: OpaquePointer?
        try LibGit2.check(
            git_branch_lookup(&branch, repository, oldName, GIT_BRANCH_LOCAL), "look up branch '\(oldName)'",
            path: repoPath)
        defer { git_reference_free(branch) }
        var renamed: OpaquePointer?
        try LibGit2.check(
            git_branch_move(&renamed, branch, newName, 0), "rename branch '\(oldName)' to '\(newName)'", path: repoPath)
        git_reference_free(renamed)
        logger.info("renamed branch", metadata: ["from": "\(oldName)", "to": "\(newName)", "path": "\(repoPath)"])
    }

    /// See `GitDriver.moveWorktree(from:to:repoPath:marker:)`. Steps, undone newest first on failure: move
    /// the folder, rename the registration, rewrite `<new>/.git` and the registration's `gitdir`, write the
    /// marker.
    public func moveWorktree(from oldPath: String, to newPath: String, repoPath: String, marker: WorktreeMarker)
        async throws
    {
        LibGit2.initialize()
        let source = LibGit2.absolutePath(oldPath)
        let target = LibGit2.absolutePath(newPath)
        guard !LibGit2.somethingExists(at: target) else { throw GitError.pathOccupied(path: target) }
        guard let oldAdmin = WorktreeMarker.linkedGitDirectory(of: source) else {
            throw GitError.libgit2(
                operation: "move worktree", path: source, code: -1, message: "\(source) is not a linked worktree")
        }
        let repository = try LibGit2.openMainRepository(at: repoPath)
        let common = String(cString: git_repository_commondir(repository))
        git_repository_free(repository)
        let newAdmin = URL(fileURLWithPath: common).appendingPathComponent("worktrees").appendingPathComponent(
            marker.worktreeName
        ).path
        let renamesAdmin = LibGit2.canonicalPath(oldAdmin) != LibGit2.canonicalPath(newAdmin)
        if renamesAdmin, LibGit2.somethingExists(at: newAdmin) {
            throw GitError.libgit2(
                operation: "move worktree", path: target, code: GIT_EEXISTS.rawValue,
                message: "a worktree registration named '\(marker.worktreeName)' already exists in \(common)/worktrees")
        }
        let fileManager = FileManager.default
        var undo: [() -> Void] = []
        do {
            try fileManager.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try fileManager.moveItem(atPath: source, toPath: target)
            undo.append { try? fileManager.moveItem(atPath: target, toPath: source) }
            if renamesAdmin {
                try fileManager.moveItem(atPath: oldAdmin, toPath: newAdmin)
                undo.append { try? fileManager.moveItem(atPath: newAdmin, toPath: oldAdmin) }
            }
            let dotGit = target + "/.git"
            let oldDotGit = try String(contentsOfFile: dotGit, encoding: .utf8)
            let oldBackLink = try String(contentsOfFile: newAdmin + "/gitdir", encoding: .utf8)
            let oldMarker = try? Data(contentsOf: URL(fileURLWithPath: newAdmin + "/" + WorktreeMarker.fileName))
            undo.append {
                try? Data(oldDotGit.utf8).write(to: URL(fileURLWithPath: dotGit))
                try? Data(oldBackLink.utf8).write(to: URL(fileURLWithPath: newAdmin + "/gitdir"))
                if let oldMarker {
                    try? oldMarker.write(to: URL(fileURLWithPath: newAdmin + "/" + WorktreeMarker.fileName))
                }
            }
            try Data("gitdir: \(newAdmin)\n".utf8).write(to: URL(fileURLWithPath: dotGit), options: .atomic)
            try Data("\(dotGit)\n".utf8).write(to: URL(fileURLWithPath: newAdmin + "/gitdir"), options: .atomic)
            try marker.storedData().write(
                to: URL(fileURLWithPath: newAdmin + "/" + WorktreeMarker.fileName), options: .atomic)
        } catch {
            for step in undo.reversed() { step() }
            throw error
        }
        logger.info("moved worktree", metadata: ["from": "\(source)", "to": "\(target)"])
    }

    /// See `GitDriver.commitSubjects(repoPath:branch:base:)`.
    public func commitSubjects(repoPath: String, branch: String, base: String) async throws -> [String] {
        LibGit2.initialize()
        let repository = try LibGit2.openMainRepository(at: repoPath)
        defer { git_repository_free(repository) }
        return try commits(of: branch, notOn: base, in: repository, path: repoPath).map { id in
            var oid = id
            var commit: OpaquePointer?
            guard git_commit_lookup(&commit, repository, &oid) == 0 else { return "" }
            defer { git_commit_free(commit) }
            return git_commit_summary(commit).map { String(cString: $0) } ?? ""
        }
    }

    /// The ids of the commits reachable from `branch` and not from `base`, oldest first.
    func commits(of branch: String, notOn base: String, in repository: OpaquePointer, path: String) throws -> [git_oid]
    {
        var walk: OpaquePointer?
        try LibGit2.check(git_revwalk_new(&walk, repository), "start history walk", path: path)
        defer { git_revwalk_free(walk) }
        git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue)
        try LibGit2.check(git_revwalk_push_ref(walk, "refs/heads/" + branch), "walk branch '\(branch)'", path: path)
        try LibGit2.check(git_revwalk_hide_ref(walk, "refs/heads/" + base), "walk base '\(base)'", path: path)
        var out: [git_oid] = []
        var oid = git_oid()
        while true {
            let code = git_revwalk_next(&oid, walk)
            if code == GIT_ITEROVER.rawValue { break }
            try LibGit2.check(code, "walk branch '\(branch)'", path: path)
            out.append(oid)
        }
        return out
    }
}
