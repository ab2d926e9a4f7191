import CSMModel
import Foundation

/// How a `WorktreeMarker` is named and stored on disk.
///
/// The marker lives in the worktree's git directory (`.git/worktrees/<name>/csm.json`), not in the
/// checkout, so it never shows up as an untracked file and disappears with the worktree's registration.
extension WorktreeMarker {
    /// The marker's file name inside the worktree's git directory.
    static let fileName = "csm.json"

    /// The worktree's administrative name (`.git/worktrees/<name>`). Including the workspace keeps it
    /// unique when two csm workspaces put sessions of the same name into one repository.
    var worktreeName: String { "\(workspace)-\(session)" }

    /// The stored form: JSON with ISO-8601 dates and sorted keys, so the file is stable and diffable.
    func storedData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(self)
    }

    /// Decodes a stored marker; nil when the data is not one (a foreign or damaged file is "not owned").
    static func decodeStored(_ data: Data) -> WorktreeMarker? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(WorktreeMarker.self, from: data)
    }

    /// The marker of the worktree checked out at `worktreePath`, read without libgit2: `<path>/.git` must
    /// be a file `gitdir: X`, `X/gitdir` must point back to `<path>/.git` (so a copied folder is not
    /// taken for the registered one) and `X/csm.json` must decode. Anything else (a plain folder, a main
    /// checkout, a foreign worktree, a link to a removed git directory) yields nil.
    static func read(worktreePath: String) -> WorktreeMarker? {
        guard let gitDirectory = linkedGitDirectory(of: worktreePath),
            let backLink = try? String(contentsOfFile: gitDirectory + "/gitdir", encoding: .utf8)
        else { return nil }
        let registered = backLink.trimmingCharacters(in: .whitespacesAndNewlines)
        // Newer git may write the back link relative to the git directory.
        let registeredPath =
            registered.hasPrefix("/")
            ? registered : URL(fileURLWithPath: gitDirectory).appendingPathComponent(registered).path
        let dotGit = URL(fileURLWithPath: worktreePath).appendingPathComponent(".git").path
        guard LibGit2.canonicalPath(registeredPath) == LibGit2.canonicalPath(dotGit) else { return nil }
        let url = URL(fileURLWithPath: gitDirectory).appendingPathComponent(fileName)
        guard let data = try? Data(contentsOf: url) else { return nil }
        return decodeStored(data)
    }

    /// The git directory a linked worktree's `.git` file points to, made absolute; nil when `.git` is
    /// missing, a folder (a main checkout) or not a `gitdir:` link.
    static func linkedGitDirectory(of worktreePath: String) -> String? {
        let dotGit = URL(fileURLWithPath: worktreePath).appendingPathComponent(".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = try? Data(contentsOf: dotGit), let text = String(data: data, encoding: .utf8)
        else { return nil }
        let prefix = "gitdir:"
        guard let line = text.split(whereSeparator: \.isNewline).first, line.hasPrefix(prefix) else { return nil }
        let target = line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        guard !target.isEmpty else { return nil }
        // git writes absolute links, but a relative one is relative to the worktree folder.
        if target.hasPrefix("/") { return target }
        return URL(fileURLWithPath: worktreePath).appendingPathComponent(target).standardizedFileURL.path
    }
}
