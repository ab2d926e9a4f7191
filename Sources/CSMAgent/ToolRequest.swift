import CSMModel
import Foundation

/// One tool call Claude Code wants to make, as a `PreToolUse` or `PermissionRequest` hook reports it.
public struct ToolRequest: Sendable, Equatable {
    /// `Bash`, `Read`, `mcp__github__create_issue`, …
    public var toolName: String
    /// The tool's input object (`tool_input`).
    public var input: JSONValue
    /// The session's working directory: relative paths in inputs and rules are resolved against it.
    public var cwd: String
    /// The home folder `~` stands for in rules.
    public var home: String

    public init(toolName: String, input: JSONValue, cwd: String, home: String) {
        self.toolName = toolName
        self.input = input
        self.cwd = cwd
        self.home = home
    }

    /// Reads a request from a hook payload (`tool_name`, `tool_input`, `cwd`); nil when it names no tool.
    public init?(hookPayload payload: JSONValue, home: String) {
        guard let name = payload["tool_name"]?.stringValue else { return nil }
        self.init(
            toolName: name, input: payload["tool_input"] ?? .object([:]), cwd: payload["cwd"]?.stringValue ?? "/",
            home: home)
    }

    /// How a tool's input is matched by a rule's pattern.
    public enum Kind: Sendable, Equatable {
        /// `Bash`: the `command`, split into sub-commands at `&&`, `||`, `;`, `|`, `&` and newlines.
        case shell
        /// `Read`/`Write`/`Edit`/`MultiEdit` (`file_path`), `NotebookEdit` (`notebook_path`): a path.
        case file
        /// `Grep`/`Glob`: the search `pattern` as text, or the searched `path` (default: the cwd).
        case search
        /// `WebFetch`: the `url`; a `domain:HOST` pattern matches the host and its subdomains.
        case fetch
        /// Everything else (`WebSearch` `query`, MCP tools, future tools): the first of `command`,
        /// `file_path`, `path`, `pattern`, `url`, `query`, as text.
        case other
    }

    /// The kind of a tool by name.
    public static func kind(of toolName: String) -> Kind {
        switch toolName {
        case "Bash": .shell
        case "Read", "Write", "Edit", "MultiEdit", "NotebookEdit": .file
        case "Grep", "Glob": .search
        case "WebFetch": .fetch
        default: .other
        }
    }

    public var kind: Kind { Self.kind(of: toolName) }

    /// The tool's primary input: the text a rule's pattern is matched against (a path for file tools,
    /// normalised). nil when the input has none, in which case no rule with a pattern matches.
    public var primaryInput: String? {
        switch kind {
        case .shell: return input["command"]?.stringValue
        case .file:
            let raw = input["file_path"]?.stringValue ?? input["notebook_path"]?.stringValue
            return raw.map { PathNormalizer.normalize($0, cwd: cwd, home: home) }
        case .search: return input["pattern"]?.stringValue
        case .fetch: return input["url"]?.stringValue
        case .other:
            return ["command", "file_path", "path", "pattern", "url", "query"].lazy.compactMap {
                input[$0]?.stringValue
            }.first
        }
    }

    /// For `Grep`/`Glob`: the folder searched, normalised (the cwd when the input names none).
    public var searchPath: String? {
        guard kind == .search else { return nil }
        return PathNormalizer.normalize(input["path"]?.stringValue ?? ".", cwd: cwd, home: home)
    }
}

/// Lexical path normalisation: no file system access, so a rule decides the same way whether or not the
/// file exists yet (a `Write` creates it).
public enum PathNormalizer {
    /// `path` made absolute against `cwd` (`~/` against `home`), with `.`, `..` and repeated or trailing
    /// slashes removed.
    public static func normalize(_ path: String, cwd: String, home: String) -> String {
        var absolute = path
        if path == "~" {
            absolute = home
        } else if path.hasPrefix("~/") {
            absolute = home + "/" + path.dropFirst(2)
        } else if !path.hasPrefix("/") {
            absolute = cwd + "/" + path
        }
        var parts: [Substring] = []
        for part in absolute.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
