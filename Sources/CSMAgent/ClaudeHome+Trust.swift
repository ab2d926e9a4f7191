import Foundation

/// A failure to edit Claude Code's global config.
public enum ClaudeConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file exists but is not a JSON object: csm leaves it alone rather than lose the user's settings.
    case notAnObject(path: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notAnObject(path):
            return "\(path) is not a JSON object; csm did not change it. Fix or remove it, or accept Claude Code's "
                + "folder-trust prompt in the session's tmux window."
        case let .writeFailed(path, reason):
            return "could not update \(path): \(reason)"
        }
    }
}

extension ClaudeHome {
    /// Whether `folder` is recorded as trusted (exactly; Claude Code also trusts a worktree whose main
    /// repository is trusted, which this does not check).
    public func isTrusted(_ folder: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: globalConfigFile),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let projects = object["projects"] as? [String: Any], let project = projects[folder] as? [String: Any]
        else { return false }
        return project["hasTrustDialogAccepted"] as? Bool == true
    }

    /// Records `folder` as trusted (`projects[folder].hasTrustDialogAccepted = true`) so Claude Code starts
    /// there without its "Is this a project you trust?" prompt, the way accepting that prompt would.
    ///
    /// Running Claude Code instances rewrite this file too, so the file is read immediately before an
    /// atomic replace (temporary file in the same folder, then rename), every other key is kept, and nothing
    /// is written when the folder is already trusted. Returns whether the file changed.
    @discardableResult
    public func markTrusted(_ folder: String) throws -> Bool {
        var object: [String: Any] = [:]
        var mode = 0o600
        if let data = FileManager.default.contents(atPath: globalConfigFile) {
            let trimmed = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty {
                guard let parsed = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                    throw ClaudeConfigError.notAnObject(path: globalConfigFile)
                }
                object = parsed
            }
            let attributes = try? FileManager.default.attributesOfItem(atPath: globalConfigFile)
            mode = (attributes?[.posixPermissions] as? Int) ?? mode
        }
        var projects = object["projects"] as? [String: Any] ?? [:]
        var project = projects[folder] as? [String: Any] ?? [:]
        if project["hasTrustDialogAccepted"] as? Bool == true { return false }
        project["hasTrustDialogAccepted"] = true
        projects[folder] = project
        object["projects"] = projects
        do {
            let data = try JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            // A symbolic link (dotfiles kept elsewhere) stays a link: replace the file it points to.
            let target = URL(fileURLWithPath: globalConfigFile).resolvingSymlinksInPath().path
            let directory = (target as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let temporary = directory + "/.\((target as NSString).lastPathComponent).csm-\(UUID().uuidString.prefix(8))"
            guard
                FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: mode])
            else {
                throw ClaudeConfigError.writeFailed(path: globalConfigFile, reason: "cannot create \(temporary)")
            }
            guard rename(temporary, target) == 0 else {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(atPath: temporary)
                throw ClaudeConfigError.writeFailed(path: globalConfigFile, reason: reason)
            }
        } catch let error as ClaudeConfigError {
            throw error
        } catch {
            throw ClaudeConfigError.writeFailed(path: globalConfigFile, reason: "\(error)")
        }
        return true
    }
}
