import CSMConfig
import CSMDrivers
import CSMModel
import CSMPlanner
import Foundation

/// Archiving a session (declaration removed, worktree removed, branch kept, record written) and
/// restoring it from that record.
extension SessionLifecycle {
    /// Removes `name` from csm.yaml and destroys its tmux session and worktree, keeping the branch, then
    /// records it in the archive. A worktree with uncommitted or untracked files is refused unless
    /// `force`; commits on no other branch (and, with `force`, the files) are first recorded under
    /// `refs/csm/archive/<name>/`. When the destroy fails, csm.yaml is put back as it was.
    public func archive(
        _ name: String, document: ConfigDocument, force: Bool = false,
        progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
    ) async throws -> ArchiveRecord {
        let workspace = document.workspace
        let session = try desired(name, in: workspace)
        guard let spec = workspace.sessions[name] else {
            throw LifecycleError.unknownSession(name, declared: workspace.sessions.keys.sorted())
        }
        let (worktree, tmux) = try await ownedWorktree(name, in: workspace)
        if let worktree, !force, worktree.uncommittedCount > 0 || worktree.untrackedCount > 0 {
            var files = worktree
            files.uniqueCommitCount = 0
            throw LifecycleError.dirtyWorktree(
                session: name, path: worktree.path,
                work: (files.workDescription ?? "changes")
                    + " (or archive with --force, which records them under refs/csm/archive/\(name)/)")
        }
        // Commits on no other branch and stash entries of the branch are recorded now (the branch is kept, but the destroy's nothing-lost
        // check counts them). Files (only with --force) are archived by the destroy itself, after the agent
        // has stopped, so whatever it wrote last is in the archive too.
        var archiveRef: String?
        let hasFiles = (worktree?.uncommittedCount ?? 0) > 0 || (worktree?.untrackedCount ?? 0) > 0
        if let worktree, worktree.uniqueCommitCount > 0 || (worktree.stashCount ?? 0) > 0, !hasFiles {
            archiveRef = try await git.archiveWork(worktreePath: worktree.path, session: name, at: now())
        }

        var text = try ConfigEditor(text: document.text, file: document.path).removeSession(name: name)
        text = try ConfigEditor(text: text, file: document.path).removeFavorite(name)
        let saved = try document.saving(text, loader: loader)
        let destroy = PlannedAction(
            kind: .destroy, session: name, host: session.host,
            reason: "archived (the branch \(worktree?.branch ?? session.branch) is kept)",
            worktree: worktree, killsTmux: tmux != nil, archivesWork: hasFiles, deletesBranch: false)
        let report = await engine.applier.apply(Plan(workspace: workspace.name, actions: [destroy]), progress: progress)
        guard report.isComplete else {
            _ = try? saved.saving(document.text, loader: loader)
            throw LifecycleError.applyFailed(
                session: name, messages: report.failures.map(\.message) + ["csm.yaml was put back as it was"])
        }
        let store = archiveStore(for: workspace)
        let record = ArchiveRecord(
            name: name, branch: worktree?.branch ?? session.branch, repo: session.repo, repoPath: session.repoPath,
            host: session.host, linear: session.linear, createdAt: worktree?.marker?.createdAt,
            mergedAt: try store.mergedAt(name),
            archivedAt: now(), archiveRef: archiveRef, session: spec)
        try store.add(record)
        return record
    }

    /// Declares the archived session `name` again from its record (on its kept branch) and applies it:
    /// the worktree is re-created from the branch with its commits. Returns the saved document.
    public func restore(
        _ name: String, document: ConfigDocument, progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
    ) async throws -> ConfigDocument {
        let workspace = document.workspace
        let store = archiveStore(for: workspace)
        guard let record = try store.record(named: name) else {
            throw LifecycleError.notArchived(name, archived: try store.records().map(\.name))
        }
        guard workspace.sessions[name] == nil else { throw LifecycleError.sessionExists(name) }
        guard workspace.repos[record.repo] != nil else {
            throw LifecycleError.repoGone(session: name, repo: record.repo)
        }
        // git checks a branch out in one worktree only: refuse before csm.yaml is touched.
        let actual = try await engine.observer.observe(workspace)
        if let holder = actual.worktrees.first(where: { $0.branch == record.branch && $0.host == record.host }) {
            throw LifecycleError.branchInUse(session: name, branch: record.branch, path: holder.path)
        }
        let fields = Self.declaration(of: record, defaultBranch: workspace.defaults.branchPrefix + name)
        let text = try ConfigEditor(text: document.text, file: document.path).setValue(
            path: ["sessions", name], value: .mapping(fields))
        let saved = try document.saving(text, loader: loader)
        let (plan, _) = try await engine.plan(saved.workspace, targets: [name])
        let report = await engine.applier.apply(plan, progress: progress)
        guard report.isComplete else {
            let reasons = report.failures.map(\.message) + report.blocked.map(\.reason)
            throw LifecycleError.applyFailed(
                session: name,
                messages: reasons + ["it stays declared in csm.yaml; fix the problem and run 'csm apply'"])
        }
        try store.remove(named: name)
        return saved
    }

    /// The csm.yaml entry that declares an archived session again. The branch is always the kept one.
    static func declaration(of record: ArchiveRecord, defaultBranch: String) -> [YAMLEntry] {
        let spec = record.session
        // Values csm interpolates are written with `$${` so they load back as they were stored.
        let literal = { (text: String) in YAMLValue.string(text.replacingOccurrences(of: "${", with: "$${")) }
        var fields = [YAMLEntry("repo", .string(record.repo))]
        if let host = spec.host { fields.append(YAMLEntry("host", .string(host))) }
        if record.branch != defaultBranch { fields.append(YAMLEntry("branch", .string(record.branch))) }
        if let model = spec.model { fields.append(YAMLEntry("model", literal(model))) }
        if !spec.env.isEmpty {
            fields.append(
                YAMLEntry(
                    "env", .mapping(spec.env.sorted { $0.key < $1.key }.map { YAMLEntry($0.key, literal($0.value)) })))
        }
        if let linear = spec.linear { fields.append(YAMLEntry("linear", literal(linear))) }
        if let effort = spec.effort { fields.append(YAMLEntry("effort", .string(effort.rawValue))) }
        if let context = spec.context { fields.append(YAMLEntry("context", literal(context))) }
        if let setup = spec.setup { fields.append(YAMLEntry("setup", .list(setup.map(YAMLValue.string)))) }
        if let copy = spec.copy { fields.append(YAMLEntry("copy", .list(copy.map(literal)))) }
        if !spec.scripts.isEmpty {
            fields.append(
                YAMLEntry(
                    "scripts",
                    .mapping(spec.scripts.sorted { $0.key < $1.key }.map { YAMLEntry($0.key, .string($0.value)) })))
        }
        if spec.favorite { fields.append(YAMLEntry("favorite", .bool(true))) }
        return fields
    }
}
