import CSMModel
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A csm.yaml as read from disk: its path, text and validated workspace, plus what is needed to notice
/// that someone else changed the file before an edit is written back.
public struct ConfigDocument: Sendable {
    /// The absolute path of the file.
    public let path: String
    /// The text as read.
    public let text: String
    /// The validated workspace.
    public let workspace: Workspace
    /// The bytes as read, compared with the disk by `hasChangedOnDisk()`.
    let originalBytes: [UInt8]

    /// Reads and validates the file at `path` with `loader`.
    public static func load(path: String, loader: ConfigLoader = ConfigLoader()) throws(ConfigError) -> ConfigDocument {
        let absolute = ConfigLoader.absolutePath(path)
        let bytes = try ConfigLoader.readBytes(path: absolute)
        var workspace = try loader.parse(
            bytes: bytes, file: path, baseDirectory: (absolute as NSString).deletingLastPathComponent)
        workspace.sourcePath = absolute
        return ConfigDocument(
            path: absolute, text: String(decoding: bytes, as: UTF8.self), workspace: workspace, originalBytes: bytes)
    }

    /// Whether the file on disk differs from what was read (content, not timestamps: an editor that saves
    /// the same bytes is no conflict). A file that vanished or cannot be read counts as changed.
    public func hasChangedOnDisk() -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return true }
        return [UInt8](data) != originalBytes
    }

    /// An editor over this document's text.
    public func editor() throws(ConfigEditError) -> ConfigEditor {
        try ConfigEditor(text: text, file: path)
    }

    /// Validates `newText` with `loader`, refuses when the file changed on disk since it was read, then
    /// writes it atomically and returns the document for the new text.
    public func saving(_ newText: String, loader: ConfigLoader = ConfigLoader()) throws(ConfigWriteError)
        -> ConfigDocument
    {
        let bytes = Array(newText.utf8)
        let workspace: Workspace
        do {
            workspace = try loader.parse(
                bytes: bytes, file: path, baseDirectory: (path as NSString).deletingLastPathComponent)
        } catch {
            throw .invalid(path: path, error)
        }
        guard !hasChangedOnDisk() else { throw .changedOnDisk(path: path) }
        try writeAtomically(newText, to: path)
        var saved = workspace
        saved.sourcePath = path
        return ConfigDocument(path: path, text: newText, workspace: saved, originalBytes: bytes)
    }
}

/// Why csm.yaml could not be written.
public enum ConfigWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed; `operation` names it and `code` is `errno`.
    case system(path: String, operation: String, code: Int32)
    /// The file changed on disk after it was read; writing would lose those changes.
    case changedOnDisk(path: String)
    /// The new text does not validate.
    case invalid(path: String, ConfigError)

    /// A sentence naming the file and what to do.
    public var description: String {
        switch self {
        case .system(let path, let operation, let code):
            return "cannot write '\(path)': \(operation) failed: \(String(cString: strerror(code)))"
        case .changedOnDisk(let path):
            return "'\(path)' changed on disk since it was read; nothing was written. Run the command again."
        case .invalid(let path, let error):
            return "the edited '\(path)' would not be valid, nothing was written:\n\(error)"
        }
    }
}

/// Writes `text` to `path` so that readers see either the old or the new file, never a partial one: a
/// temporary file in the same folder, `fsync`, `rename` over the original, `fsync` of the folder. The
/// original's permission bits are kept; a new file gets 0644 (secrets belong in `${VAR}`, not in the file).
///
/// When `path` is a symbolic link (a dotfiles checkout, say), the file it points to is replaced and the
/// link is kept.
public func writeAtomically(_ text: String, to path: String) throws(ConfigWriteError) {
    var linkInfo = stat()
    let path =
        lstat(path, &linkInfo) == 0 && (linkInfo.st_mode & S_IFMT) == S_IFLNK
        ? URL(fileURLWithPath: path).resolvingSymlinksInPath().path : path
    let directory =
        (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
    let name = (path as NSString).lastPathComponent
    var info = stat()
    let mode: mode_t = stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o644
    var template = Array("\(directory)/.\(name).tmp-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else { throw .system(path: path, operation: "creating a temporary file", code: errno) }
    let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var closed = false
    var renamed = false
    defer {
        if !closed { close(descriptor) }
        if !renamed { unlink(temporary) }
    }
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
        let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if result < 0 {
            if errno == EINTR { continue }
            throw .system(path: path, operation: "write", code: errno)
        }
        written += result
    }
    guard fchmod(descriptor, mode) == 0 else { throw .system(path: path, operation: "fchmod", code: errno) }
    guard fsync(descriptor) == 0 else { throw .system(path: path, operation: "fsync", code: errno) }
    closed = true
    guard close(descriptor) == 0 else { throw .system(path: path, operation: "close", code: errno) }
    guard rename(temporary, path) == 0 else { throw .system(path: path, operation: "rename", code: errno) }
    renamed = true
    // Make the rename itself durable; a failure here leaves a complete file, so it is not an error.
    let folder = open(directory, O_RDONLY)
    if folder >= 0 {
        _ = fsync(folder)
        close(folder)
    }
}
