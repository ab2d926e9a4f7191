import CSMModel
import Foundation

/// An archived session: what `csm restore` needs to declare it again, and what `csm list --archived`
/// shows. The branch was kept when the worktree was removed.
public struct ArchiveRecord: Sendable, Equatable, Codable {
    public var name: String
    public var branch: String
    public var repo: String
    public var repoPath: String
    public var host: String
    public var linear: String?
    /// When csm created the worktree (from its marker), if known.
    public var createdAt: Date?
    /// When `csm merge` last merged the branch, if it did.
    public var mergedAt: Date?
    public var archivedAt: Date
    /// `refs/csm/archive/...` when work beyond the branch (or commits on no other branch) was recorded.
    public var archiveRef: String?
    /// The session as declared when it was archived (restore writes it back).
    public var session: SessionSpec

    public init(
        name: String, branch: String, repo: String, repoPath: String, host: String, linear: String?, createdAt: Date?,
        mergedAt: Date?, archivedAt: Date, archiveRef: String?, session: SessionSpec
    ) {
        self.name = name
        self.branch = branch
        self.repo = repo
        self.repoPath = repoPath
        self.host = host
        self.linear = linear
        self.createdAt = createdAt
        self.mergedAt = mergedAt
        self.archivedAt = archivedAt
        self.archiveRef = archiveRef
        self.session = session
    }
}

/// The archive of one workspace: `<state dir>/workspaces/<workspace>/archive.json` with the archived
/// sessions and the last merge time of each session. This is a record of what was removed, not state
/// that is trusted over observation: nothing in it is ever destroyed or planned from.
public struct ArchiveStore: Sendable {
    public var layout: StateLayout
    public var workspace: String

    public init(layout: StateLayout, workspace: String) {
        self.layout = layout
        self.workspace = workspace
    }

    struct Contents: Codable {
        var archived: [ArchiveRecord] = []
        var merged: [String: Date] = [:]
    }

    public var file: String { Paths.join(layout.root, "workspaces", workspace, "archive.json") }

    /// Every archived session, newest first.
    public func records() throws -> [ArchiveRecord] {
        try read().archived.sorted { $0.archivedAt > $1.archivedAt }
    }

    /// The newest record of `name`.
    public func record(named name: String) throws -> ArchiveRecord? {
        try records().first { $0.name == name }
    }

    /// Remembers that `session` was merged at `date` (shown as `mergedAt` when it is archived).
    public func recordMerge(of session: String, at date: Date) throws {
        var contents = try read()
        contents.merged[session] = date
        try write(contents)
    }

    public func mergedAt(_ session: String) throws -> Date? { try read().merged[session] }

    public func add(_ record: ArchiveRecord) throws {
        var contents = try read()
        contents.archived.append(record)
        contents.merged[record.name] = nil
        try write(contents)
    }

    /// Removes the records of `name` (after a restore).
    public func remove(named name: String) throws {
        var contents = try read()
        contents.archived.removeAll { $0.name == name }
        try write(contents)
    }

    private func read() throws -> Contents {
        guard let data = FileManager.default.contents(atPath: file) else { return Contents() }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(Contents.self, from: data)
        } catch {
            throw LifecycleError.damagedArchive(path: file, underlying: "\(error)")
        }
    }

    private func write(_ contents: Contents) throws {
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(contents).write(to: URL(fileURLWithPath: file), options: .atomic)
    }
}
