import CSMModel
import Foundation

/// Finds the configuration csm should use, in this order: the explicit `-f` path; `csm.yaml` in the
/// current folder or the nearest parent; the global `$XDG_CONFIG_HOME/csm/csm.yaml` (default
/// `~/.config/csm/csm.yaml`); the original tool's `~/.config/csm/config.json`; otherwise none, carrying
/// the global path so `csm create` knows where to create the file.
public enum ConfigLocator {
    /// The file name looked for in the current folder and its parents.
    public static let fileName = "csm.yaml"

    /// Where the configuration was found.
    public enum Location: Sendable, Equatable {
        /// The path given with `-f` (it exists).
        case explicit(String)
        /// `csm.yaml` in the current folder or a parent.
        case project(String)
        /// The global file.
        case global(String)
        /// The original tool's JSON file (read through `LegacyConfig`).
        case legacy(String)
        /// Nothing found; `globalPath` is where a new global file belongs.
        case notFound(globalPath: String)

        /// The file to read, nil when nothing was found.
        public var path: String? {
            switch self {
            case .explicit(let path), .project(let path), .global(let path), .legacy(let path): return path
            case .notFound: return nil
            }
        }

        /// Whether the file is the original tool's JSON rather than csm.yaml.
        public var isLegacy: Bool {
            if case .legacy = self { return true }
            return false
        }
    }

    /// Locates the configuration. `fileExists` is injectable for tests; it must answer false for folders.
    ///
    /// Throws a `ConfigError` (one diagnostic at `path:1:1`) only when an explicit path does not exist.
    public static func locate(
        explicitPath: String?, currentDirectory: String, environment: [String: String],
        fileExists: (String) -> Bool = ConfigLocator.isRegularFile
    ) throws(ConfigError) -> Location {
        if let explicitPath {
            let path = explicitPath.hasPrefix("/") ? explicitPath : currentDirectory + "/" + explicitPath
            let normalized = ValueParsers.normalize(path)
            guard fileExists(normalized) else {
                throw ConfigError([
                    Diagnostic(
                        at: SourceLocation(file: explicitPath, line: 1, column: 1),
                        "cannot read '\(explicitPath)': no such file",
                        hint: "check the path given with -f")
                ])
            }
            return .explicit(normalized)
        }
        var directory = ValueParsers.normalize(currentDirectory)
        while true {
            let candidate = directory == "/" ? "/" + fileName : directory + "/" + fileName
            if fileExists(candidate) { return .project(candidate) }
            guard directory != "/", directory != "." else { break }
            directory = parent(of: directory)
        }
        let global = globalPath(environment: environment)
        if fileExists(global) { return .global(global) }
        if let legacy = legacyPath(environment: environment), fileExists(legacy) { return .legacy(legacy) }
        return .notFound(globalPath: global)
    }

    /// `$XDG_CONFIG_HOME/csm/csm.yaml`, or `$HOME/.config/csm/csm.yaml` when XDG_CONFIG_HOME is unset,
    /// empty or relative (the XDG rule).
    public static func globalPath(environment: [String: String]) -> String {
        ValueParsers.normalize(configHome(environment: environment) + "/csm/" + fileName)
    }

    /// The original tool's `~/.config/csm/config.json` (it did not follow XDG_CONFIG_HOME); nil without HOME.
    public static func legacyPath(environment: [String: String]) -> String? {
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return ValueParsers.normalize(home + "/.config/csm/config.json")
    }

    static func configHome(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg }
        return (environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/") + "/.config"
    }

    static func parent(of directory: String) -> String {
        guard let slash = directory.lastIndex(of: "/") else { return "." }
        let parent = String(directory[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    /// Whether a regular file (or a link to one) exists at `path`.
    public static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
