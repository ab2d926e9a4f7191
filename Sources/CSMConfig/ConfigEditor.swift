import CSMModel

/// Why an edit of csm.yaml could not be made.
public enum ConfigEditError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text to edit is not valid YAML (the diagnostics say where).
    case invalidDocument(ConfigError)
    /// An entry with that name already exists (`kind` is "session", "repo").
    case alreadyExists(kind: String, name: String)
    /// No entry with that name exists.
    case notFound(kind: String, name: String)
    /// The name breaks `CSMName`'s rule.
    case invalidName(String)
    /// The file is laid out in a way the editor does not splice into (for example a flow-style top level).
    case unsupportedLayout(String)
    /// The edit produced text that does not parse: a bug in the editor, never the user's fault.
    case internalError(String)

    /// A sentence naming the object and what to do.
    public var description: String {
        switch self {
        case .invalidDocument(let error): return "cannot edit the file because it does not parse:\n\(error)"
        case .alreadyExists(let kind, let name): return "\(kind) '\(name)' already exists in csm.yaml"
        case .notFound(let kind, let name): return "\(kind) '\(name)' is not declared in csm.yaml"
        case .invalidName(let name): return "invalid name '\(name)': use \(CSMName.ruleDescription)"
        case .unsupportedLayout(let reason): return "cannot edit csm.yaml automatically: \(reason); edit it by hand"
        case .internalError(let reason): return "internal error in the csm.yaml editor: \(reason)"
        }
    }
}

/// Comment-preserving edits of csm.yaml text.
///
/// Works on the text and the node positions libyaml reports: each operation splices a few bytes and
/// returns the new text, keeping every comment, blank line, quote style and line ending elsewhere. New
/// entries follow the file's indentation and line endings. Each result is parsed again before it is
/// returned (an edit that would break the file is an `internalError`, never written). The editor checks
/// YAML structure and names, not the schema: callers load the result with `ConfigLoader` to validate it.
/// Values are written as given: a `${` in a value will be interpolated when loaded.
public struct ConfigEditor: Sendable {
    /// The text being edited.
    public let text: String
    /// The file name used in diagnostics.
    public let file: String
    let bytes: [UInt8]
    /// The top-level mapping; nil for a document with no content yet.
    let root: YAMLNode?
    /// `"\r\n"` when the file uses CRLF line endings, else `"\n"`.
    let newline: String
    /// Spaces per nesting level, learnt from the file (2 when it has no nesting yet).
    let indentUnit: Int

    /// Parses `text` for editing. Throws `invalidDocument` when it is not YAML and `unsupportedLayout`
    /// when its top level is not a block mapping.
    public init(text: String, file: String = "csm.yaml") throws(ConfigEditError) {
        self.text = text
        self.file = file
        let bytes = Array(text.utf8)
        self.bytes = bytes
        let parsed: YAMLNode?
        do {
            parsed = try YAMLParser.parse(text, file: file)
        } catch {
            throw .invalidDocument(error)
        }
        if let parsed, parsed.scalar?.value.isEmpty == true, parsed.isNull {
            root = nil
        } else if let parsed, parsed.pairs == nil || parsed.isFlow {
            throw .unsupportedLayout("the top level is not a block mapping")
        } else {
            root = parsed
        }
        let firstBreak = bytes.firstIndex(of: UInt8(ascii: "\n"))
        newline = firstBreak.map { $0 > 0 && bytes[$0 - 1] == UInt8(ascii: "\r") } == true ? "\r\n" : "\n"
        indentUnit = Self.detectIndentUnit(root)
    }

    /// Adds a session `name` under `sessions:` with `fields` in the given order (for example
    /// `["repo": "api", "prompt": "Fix the login bug"]`). Creates `sessions:` at the end of the file when
    /// absent and turns `sessions: {}` into block form.
    public func addSession(name: String, fields: KeyValuePairs<String, YAMLValue>) throws(ConfigEditError) -> String {
        try addEntry(
            section: "sessions", kind: "session", name: name,
            value: .mapping(fields.map { YAMLEntry($0.key, $0.value) }))
    }

    /// Removes session `name` (its key line through the end of its value, with the comment lines directly
    /// above it). Removing the last session leaves `sessions: {}`. Favorites are not touched: call
    /// `removeFavorite(_:)` too.
    public func removeSession(name: String) throws(ConfigEditError) -> String {
        try removeEntry(section: "sessions", kind: "session", name: name)
    }

    /// Adds a repo `name` with its `path` under `repos:`.
    public func addRepo(name: String, path: String) throws(ConfigEditError) -> String {
        try addEntry(section: "repos", kind: "repo", name: name, value: .mapping(["path": .string(path)]))
    }

    /// Removes repo `name` (sessions using it are the caller's business).
    public func removeRepo(name: String) throws(ConfigEditError) -> String {
        try removeEntry(section: "repos", kind: "repo", name: name)
    }

    /// Adds `session` to the `favorites:` list; unchanged text when it is already there.
    public func addFavorite(_ session: String) throws(ConfigEditError) -> String {
        guard CSMName.isValid(session) else { throw .invalidName(session) }
        if let items = explicitPair("favorites", in: root)?.value.items,
            items.contains(where: { $0.scalar?.value == session })
        {
            return text
        }
        return try finish(appendSplices(toListAt: "favorites", item: .string(session)))
    }

    /// Removes `session` from the `favorites:` list; unchanged text when it is not there.
    public func removeFavorite(_ session: String) throws(ConfigEditError) -> String {
        guard let pair = explicitPair("favorites", in: root),
            let index = pair.value.items?.firstIndex(where: { $0.scalar?.value == session })
        else { return text }
        return try finish(removalSplices(ofItem: index, inListOf: pair))
    }

    /// Appends a rule at the end of `rules:` (the last rule is matched last).
    public func appendRule(_ rule: ToolRule) throws(ConfigEditError) -> String {
        try finish(appendSplices(toListAt: "rules", item: Self.value(of: rule)))
    }

    /// Replaces every rule (comments inside the old list go with it; the `rules:` line stays).
    public func replaceRules(_ rules: [ToolRule]) throws(ConfigEditError) -> String {
        let value = YAMLValue.list(rules.map(Self.value(of:)))
        guard let pair = explicitPair("rules", in: root) else {
            return rules.isEmpty ? text : try finish(insertEntry(at: [], key: "rules", value: value))
        }
        return try finish(replacementSplices(of: pair, with: value))
    }

    /// Sets the string at `path` (for example `["integrations", "linear", "apiKey"]`), creating missing
    /// parent mappings; `nil` removes the key (an emptied parent mapping becomes `{}`). The value is always
    /// a string (`"2"` is written quoted): use `setValue(path:value:)` for booleans, integers and lists.
    public func setScalar(path: [String], value: String?) throws(ConfigEditError) -> String {
        if let value = lookup(path).pair?.value, value.scalar == nil {
            throw .unsupportedLayout("'\(path.joined(separator: "."))' is \(value.kindDescription), not a single value")
        }
        return try setValue(path: path, value: value.map(YAMLValue.string))
    }

    /// Sets any value at `path`, creating missing parent mappings; `nil` removes the key. A scalar is
    /// replaced in place (a comment after it stays); a block list or mapping replaces the old value's lines;
    /// inside a flow collection the value is written inline.
    public func setValue(path: [String], value: YAMLValue?) throws(ConfigEditError) -> String {
        guard let key = path.last else { throw .unsupportedLayout("an empty key path") }
        let found = lookup(path)
        guard let value else {
            guard let pair = found.pair, let parent = found.parent else { return text }
            return try finish(removalSplices(of: pair, from: parent, owner: found.owner))
        }
        guard let pair = found.pair else {
            return try finish(insertEntry(at: Array(path.dropLast()), key: key, value: value))
        }
        let isInline = value.isInline || found.parent?.isFlow == true
        guard isInline, pair.value.scalar != nil || pair.value.isFlow else {
            return try finish(replacementSplices(of: pair, with: value))
        }
        if pair.value.isNull {
            let colon = try afterColon(of: pair)
            return try finish([
                Splice(range: colon..<nullValueEnd(of: pair, afterColon: colon), text: " " + value.flowText)
            ])
        }
        // A block scalar's range ends after its last line break; keep one so the next key stays on its line.
        let range = pair.value.start.offset..<pair.value.end.offset
        let keepsBreak =
            pair.value.scalar.map { $0.style == .literal || $0.style == .folded } == true
            && bytes[range].last == UInt8(ascii: "\n")
        return try finish([Splice(range: range, text: value.flowText + (keepsBreak ? newline : ""))])
    }

    // MARK: Shared steps

    func addEntry(section: String, kind: String, name: String, value: YAMLValue) throws(ConfigEditError) -> String {
        guard CSMName.isValid(name) else { throw .invalidName(name) }
        if explicitPair(name, in: explicitPair(section, in: root)?.value) != nil {
            throw .alreadyExists(kind: kind, name: name)
        }
        return try finish(insertEntry(at: [section], key: name, value: value))
    }

    func removeEntry(section: String, kind: String, name: String) throws(ConfigEditError) -> String {
        guard let sectionPair = explicitPair(section, in: root), let pair = explicitPair(name, in: sectionPair.value)
        else {
            throw .notFound(kind: kind, name: name)
        }
        return try finish(removalSplices(of: pair, from: sectionPair.value, owner: sectionPair))
    }

    /// Applies the splices and proves the result still parses.
    func finish(_ splices: [Splice]) throws(ConfigEditError) -> String {
        let result = applying(splices)
        do {
            _ = try YAMLParser.parse(result, file: file)
        } catch {
            throw .internalError(
                "the edited text does not parse: \(error.diagnostics.first?.message ?? "unknown problem")")
        }
        return result
    }

    static func value(of rule: ToolRule) -> YAMLValue {
        var entries = [YAMLEntry("tool", .string(rule.tool))]
        if let pattern = rule.pattern { entries.append(YAMLEntry("pattern", .string(pattern))) }
        entries.append(YAMLEntry("action", .string(rule.action.rawValue)))
        return .mapping(entries)
    }
}
