import CSMModel
import Foundation
import Logging

/// Loads and validates `csm.yaml` into a `Workspace`.
///
/// The loader itself is pure: the environment (for `${VAR}`) and the home directory (for `~`) are values
/// given at construction, and `parse` touches no file. Only `load(file:)` reads the disk. Every problem,
/// including an unreadable file, is reported as a `ConfigError` whose diagnostics are sorted by position.
public struct ConfigLoader: Sendable {
    /// Variables available to `${VAR}` references.
    public var environment: [String: String]
    /// The folder `~` expands to; nil means `environment["HOME"]`.
    public var homeDirectory: String?

    private static let logger = Logger(label: "csm.config")

    /// Creates a loader. Defaults to the process environment; pass a dictionary in tests.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, homeDirectory: String? = nil) {
        self.environment = environment
        self.homeDirectory = homeDirectory ?? environment["HOME"]
    }

    /// Reads and validates the file at `path` (relative paths are taken from the current directory).
    ///
    /// A missing or unreadable file, a file over 4 MiB or one that is not UTF-8 is a `ConfigError` with one
    /// diagnostic at line 1, column 1 (or at the first invalid byte). `Workspace.sourcePath` is the
    /// absolute path; relative paths inside the file resolve against its folder.
    public func load(file path: String) throws(ConfigError) -> Workspace {
        let absolute = Self.absolutePath(path)
        let bytes = try Self.readBytes(path: path)
        let directory = (absolute as NSString).deletingLastPathComponent
        var workspace = try parse(bytes: bytes, file: path, baseDirectory: directory)
        workspace.sourcePath = absolute
        Self.logger.debug(
            "loaded configuration", metadata: ["file": "\(absolute)", "sessions": "\(workspace.sessions.count)"])
        return workspace
    }

    /// Loads whatever `ConfigLocator` found: csm.yaml through `load(file:)`, the original tool's
    /// config.json through `LegacyConfig`; nil when nothing was found.
    public func load(_ location: ConfigLocator.Location) throws(ConfigError) -> Workspace? {
        switch location {
        case .notFound:
            return nil
        case .legacy(let path):
            guard let homeDirectory else {
                throw ConfigError([
                    Diagnostic(
                        at: SourceLocation(file: path, line: 1, column: 1),
                        "cannot read the legacy config: the home directory is unknown", hint: "set HOME")
                ])
            }
            return try LegacyConfig.load(file: path, homeDirectory: homeDirectory)
        case .explicit(let path), .project(let path), .global(let path):
            return try load(file: path)
        }
    }

    /// Validates `text` as the content of `file` (used in diagnostics exactly as given); relative paths in
    /// it resolve against `baseDirectory`. `sourcePath` is `file` when absolute, else `baseDirectory/<name>`.
    public func parse(_ text: String, file: String, baseDirectory: String) throws(ConfigError) -> Workspace {
        var workspace = try parse(bytes: Array(text.utf8), file: file, baseDirectory: baseDirectory)
        let name = file.split(separator: "/").last.map(String.init) ?? file
        workspace.sourcePath =
            file.hasPrefix("/") ? ValueParsers.normalize(file) : ValueParsers.normalize(baseDirectory + "/" + name)
        return workspace
    }

    /// Parses already-read bytes; also the entry point for `ConfigDocument`.
    func parse(bytes: [UInt8], file: String, baseDirectory: String) throws(ConfigError) -> Workspace {
        let source = SourceText(file: file, bytes: bytes)
        if let invalid = Self.firstInvalidUTF8Byte(bytes) {
            throw ConfigError([
                source.error(
                    at: source.mark(atByte: invalid), "the file is not valid UTF-8 text (byte \(invalid))",
                    hint: "save csm.yaml as UTF-8")
            ])
        }
        let root = try YAMLParser.parse(source)
        var decoder = WorkspaceDecoder(
            source: source, environment: environment, home: homeDirectory,
            baseDirectory: ValueParsers.normalize(baseDirectory))
        guard let workspace = decoder.decode(root) else { throw ConfigError(decoder.diagnostics) }
        return workspace
    }

    /// The file's bytes, or a `ConfigError` naming the path and the reason.
    static func readBytes(path: String) throws(ConfigError) -> [UInt8] {
        let location = SourceLocation(file: path, line: 1, column: 1)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError([
                Diagnostic(
                    at: location, "cannot read '\(path)': no such file",
                    hint: "create it with 'csm create', or pass another file with -f")
            ])
        }
        guard !isDirectory.boolValue else {
            throw ConfigError([Diagnostic(at: location, "cannot read '\(path)': it is a folder")])
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
            size > YAMLParser.maxInputBytes
        {
            throw ConfigError([
                Diagnostic(
                    at: location, "the file is \(size) bytes; the limit is 4 MiB (\(YAMLParser.maxInputBytes) bytes)")
            ])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError([Diagnostic(at: location, "cannot read '\(path)': permission denied or I/O error")])
        }
        return [UInt8](data)
    }

    /// `path` made absolute against the current directory, normalised.
    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return ValueParsers.normalize(path) }
        return ValueParsers.normalize(FileManager.default.currentDirectoryPath + "/" + path)
    }

    /// Offset of the first byte that breaks UTF-8, or nil when the bytes are valid UTF-8.
    static func firstInvalidUTF8Byte(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length: Int
            switch byte {
            case 0x00...0x7F:
                index += 1
                continue
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return index
            }
            guard index + length <= bytes.count else { return index }
            for next in 1..<length where bytes[index + next] & 0xC0 != 0x80 { return index }
            let second = bytes[index + 1]
            // Overlong forms, surrogates and values past U+10FFFF.
            if (byte == 0xE0 && second < 0xA0) || (byte == 0xED && second > 0x9F)
                || (byte == 0xF0 && second < 0x90) || (byte == 0xF4 && second > 0x8F)
            {
                return index
            }
            index += length
        }
        return nil
    }
}
