import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Copies untracked files (`copy:` globs and Claude Code's `.worktreeinclude`) from a source checkout
/// into a new worktree. Only paths that do not exist in the worktree are copied, so a tracked file of
/// the branch is never overwritten by the source checkout's version.
enum FileCopier {
    /// The name of Claude Code's own list of files to bring into new worktrees.
    static let includeFile = ".worktreeinclude"

    /// Copies every match of `globs` and of the source's `.worktreeinclude`; returns the relative paths copied.
    @discardableResult
    static func copy(_ globs: [String], from source: String, to destination: String) throws -> [String] {
        let patterns = globs + includePatterns(in: source)
        var copied: [String] = []
        for relative in matches(of: patterns, in: source) {
            let target = destination + "/" + relative
            guard (try? FileManager.default.attributesOfItem(atPath: target)) == nil else { continue }
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source + "/" + relative, toPath: target)
            copied.append(relative)
        }
        return copied
    }

    /// The patterns of `<source>/.worktreeinclude`: one per line, blank lines and `#` comments skipped, a
    /// leading `/` meaning the checkout's root (as in .gitignore).
    static func includePatterns(in source: String) -> [String] {
        guard let text = try? String(contentsOfFile: source + "/" + includeFile, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix("!") }
    }

    /// Relative paths under `source` matching `patterns` (POSIX `glob`, per path component), without
    /// anything inside `.git`, sorted and unique.
    static func matches(of patterns: [String], in source: String) -> [String] {
        var found = Set<String>()
        for raw in patterns {
            let pattern = raw.hasPrefix("/") ? String(raw.dropFirst()) : raw
            guard !pattern.isEmpty, !pattern.split(separator: "/").contains(where: { $0 == ".." || $0 == ".git" })
            else { continue }
            var result = glob_t()
            defer { globfree(&result) }
            guard glob(source + "/" + pattern, 0, nil, &result) == 0 else { continue }
            for index in 0..<Int(result.gl_pathc) {
                guard let cPath = result.gl_pathv[index] else { continue }
                let path = String(cString: cPath)
                guard path.hasPrefix(source + "/") else { continue }
                found.insert(String(path.dropFirst(source.count + 1)))
            }
        }
        return found.sorted()
    }
}
