import CLibGit2
import CSMModel
import Foundation

/// The result of the one `git_libgit2_init()` csm makes.
///
/// Every libgit2 call fails with "libgit2 has not been initialized" before this has run. A global `let`
/// is initialised lazily and exactly once by the Swift runtime (`swift_once`), also when several tasks
/// reach it at the same time, and `git_libgit2_init` is itself reference counted and thread-safe, so
/// touching it from any thread is safe. csm never calls `git_libgit2_shutdown`: the library is used for
/// the whole life of the process.
private let libgit2InitializationResult: Int32 = git_libgit2_init()

/// Small wrappers around the libgit2 C API shared by the parts of `LibGit2Driver`.
///
/// Every handle these functions return is owned by the caller, who frees it before its synchronous call
/// returns: libgit2 objects must not be shared between threads, so no handle outlives one driver call.
enum LibGit2 {
    /// Makes sure libgit2 is initialised; call at the start of every driver operation.
    static func initialize() {
        _ = libgit2InitializationResult
    }

    /// The message of the last libgit2 error raised on this thread. Driver operations never suspend
    /// between a failing call and this read, so the thread-local error belongs to that call.
    static func lastErrorMessage() -> String {
        guard let error = git_error_last(), let message = error.pointee.message else { return "unknown error" }
        return String(cString: message)
    }

    /// A `GitError.libgit2` for a failed call with `code`.
    static func error(_ code: Int32, _ operation: String, path: String) -> GitError {
        .libgit2(operation: operation, path: path, code: code, message: lastErrorMessage())
    }

    /// Throws a `GitError.libgit2` when `code` is negative (libgit2's failure convention).
    static func check(_ code: Int32, _ operation: String, path: String) throws {
        guard code >= 0 else { throw error(code, operation, path: path) }
    }

    /// Opens the repository at exactly `path` (no search in parent folders, so a folder inside some
    /// other repository is never mistaken for the one the user named).
    static func openRepository(at path: String) throws -> OpaquePointer {
        var repository: OpaquePointer?
        let code = git_repository_open_ext(&repository, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        if code == GIT_ENOTFOUND.rawValue { throw GitError.notARepository(path: path) }
        try check(code, "open repository", path: path)
        guard let repository else { throw GitError.notARepository(path: path) }
        return repository
    }

    /// Opens the main repository of `path`: the repository itself, or the one owning it when `path` is a
    /// linked worktree, so worktree lists and the main checkout's HEAD are seen from the right place.
    static func openMainRepository(at path: String) throws -> OpaquePointer {
        let repository = try openRepository(at: path)
        guard git_repository_is_worktree(repository) == 1, let common = git_repository_commondir(repository) else {
            return repository
        }
        let commonPath = String(cString: common)
        git_repository_free(repository)
        return try openRepository(at: commonPath)
    }

    /// The names of the linked worktrees registered in `repository` (`.git/worktrees/<name>`).
    static func worktreeNames(of repository: OpaquePointer, path: String) throws -> [String] {
        var names = git_strarray()
        try check(git_worktree_list(&names, repository), "list worktrees", path: path)
        defer { git_strarray_dispose(&names) }
        return strings(of: names)
    }

    /// The strings of a `git_strarray`, copied into Swift.
    static func strings(of array: git_strarray) -> [String] {
        guard let items = array.strings else { return [] }
        return (0..<array.count).compactMap { index in items[index].map { String(cString: $0) } }
    }

    /// `path` made absolute with `.` and `..` removed, without touching the file system.
    static func absolutePath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// `path` with every symbolic link resolved in the part that exists, so two spellings of one folder
    /// (`/tmp` vs `/private/tmp`, trailing slashes) compare equal; a missing tail is kept as written.
    static func canonicalPath(_ path: String) -> String {
        var existing = URL(fileURLWithPath: absolutePath(path))
        var missing: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            missing.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        var resolved = existing.path
        if let real = realpath(existing.path, nil) {
            resolved = String(cString: real)
            free(real)
        }
        var url = URL(fileURLWithPath: resolved)
        for component in missing { url.appendPathComponent(component) }
        return url.standardizedFileURL.path
    }

    /// Whether anything (file, folder, symbolic link, even a dangling one) exists at `path`.
    static func somethingExists(at path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)) != nil
    }

    /// Whether `path` is a directory (following symbolic links).
    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
