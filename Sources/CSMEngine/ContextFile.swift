import CSMDrivers
import CSMModel
import Foundation

/// The csm section of a worktree's `CLAUDE.md`: the session's Linear issue and `context:` text, between
/// two marker lines, appended after the project's own content and replaced in place later. The change is
/// kept out of git (`skip-worktree` for a tracked CLAUDE.md, `info/exclude` for a new one), so the
/// worktree's `git status` stays clean and the nothing-lost rule does not count it as work.
public struct ContextFile: Sendable {
    public static let fileName = "CLAUDE.md"
    public static let startMarker = "<!-- csm:context:start (written by csm from csm.yaml; edits here are replaced) -->"
    public static let endMarker = "<!-- csm:context:end -->"

    public var git: any GitDriver

    public init(git: any GitDriver) { self.git = git }

    /// The section's text for `session`, nil when it has neither `linear` nor `context`. `issue` adds the
    /// linked issue's title, state, URL and description (read from Linear when it is configured).
    public static func section(for session: DesiredSession, issue: IssueContext? = nil) -> String? {
        guard session.hasContext else { return nil }
        var body = "# CSM Session Context\n\nThis is csm session '\(session.name)' on branch `\(session.branch)`.\n"
        if let linear = session.linear, !linear.isEmpty {
            if let issue {
                body += "\n## Linear issue \(issue.identifier): \(issue.title)\n\n"
                if let state = issue.state { body += "- Status: \(state)\n" }
                if let url = issue.url, !url.isEmpty { body += "- URL: \(url)\n" }
                body +=
                    "\nWhen the user mentions \"the issue\" or \"the ticket\", they mean \(issue.identifier).\n"
                if let description = issue.description, !description.isEmpty {
                    body += "\n### Description\n\n" + description + (description.hasSuffix("\n") ? "" : "\n")
                }
            } else {
                body +=
                    "\n## Linear issue \(linear)\n\nWhen the user mentions \"the issue\" or \"the ticket\", they mean \(linear).\n"
            }
        }
        if let context = session.context, !context.isEmpty {
            body += "\n## Context\n\n" + context + (context.hasSuffix("\n") ? "" : "\n")
        }
        return startMarker + "\n" + body + endMarker + "\n"
    }

    /// `existing` with the csm section set to `section` (nil removes it); other bytes are kept.
    public static func merged(_ existing: String, section: String?) -> String {
        var text = existing
        if let start = text.range(of: startMarker),
            let end = text.range(of: endMarker, range: start.upperBound..<text.endIndex)
        {
            var upper = end.upperBound
            if upper < text.endIndex, text[upper] == "\n" { upper = text.index(after: upper) }
            text.replaceSubrange(start.lowerBound..<upper, with: section ?? "")
            if section == nil, text.hasSuffix("\n\n") { text.removeLast() }
            return text
        }
        guard let section else { return text }
        if text.isEmpty { return section }
        if !text.hasSuffix("\n") { text += "\n" }
        return text + "\n" + section
    }

    /// Writes (or updates, or removes) the section in the worktree and keeps the file out of `git status`.
    public func write(for session: DesiredSession, issue: IssueContext? = nil) async throws {
        let path = session.worktreePath + "/" + Self.fileName
        let existing = try? String(contentsOfFile: path, encoding: .utf8)
        let section = Self.section(for: session, issue: issue)
        guard section != nil || existing?.contains(Self.startMarker) == true else { return }
        let updated = Self.merged(existing ?? "", section: section)
        guard updated != existing else { return }
        // Excluded before the write, so no observation ever sees the change as work.
        _ = try await git.keepOutOfStatus(worktreePath: session.worktreePath, file: Self.fileName)
        try Data(updated.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
