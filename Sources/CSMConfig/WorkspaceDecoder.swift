import CSMModel

/// Turns a YAML node tree into a `Workspace`, collecting every problem instead of stopping at the first.
///
/// Pure: the environment, home directory and base folder are passed in. Conventions every section
/// follows: optional keys accept null as "not set", sections (mappings and lists) accept null as empty,
/// required keys reject null; string values accept any non-null scalar verbatim (so `branch: 123` is
/// "123") after `${VAR}` interpolation; "missing key" errors point at the key that owns the mapping.
struct WorkspaceDecoder {
    let source: SourceText
    let environment: [String: String]
    let home: String?
    let baseDirectory: String
    private(set) var diagnostics: [Diagnostic] = []

    init(source: SourceText, environment: [String: String], home: String?, baseDirectory: String) {
        self.source = source
        self.environment = environment
        self.home = home
        self.baseDirectory = baseDirectory
    }

    static let stringTag = "tag:yaml.org,2002:str"

    /// Keys of the diagnostics already reported: a mapping reached through several aliases or merges
    /// would otherwise report the same problem once per use.
    private var reported: Set<String> = []

    mutating func error(_ at: YAMLMark, _ message: String, hint: String? = nil) {
        guard reported.insert("\(at.offset):" + Self.withoutPaths(message)).inserted else { return }
        diagnostics.append(source.error(at: at, message, hint: hint))
    }

    /// `message` with its quoted key paths (`'sessions.a.agent'`, `'rules[0]'`) blanked: the same node
    /// reached through two aliases differs only there.
    static func withoutPaths(_ message: String) -> String {
        let parts = message.split(separator: "'", omittingEmptySubsequences: false)
        return parts.enumerated().map { index, part in
            index % 2 == 1 && (part.contains(".") || part.contains("[")) ? "_" : String(part)
        }.joined(separator: "'")
    }

    /// Top-level keys starting with `x-` are ignored, as in Docker Compose, so anchors can be defined
    /// once (`x-agent: &agent {...}`) and aliased where needed.
    static func isExtensionKey(_ key: String, path: String) -> Bool { path.isEmpty && key.hasPrefix("x-") }

    // MARK: Mappings and keys

    /// The checked entries of one mapping in the file.
    struct Fields {
        let node: YAMLNode
        /// Dotted path of the mapping for messages (`defaults`, `hosts.gpu`); empty at the top level.
        let path: String
        var pairs: [String: YAMLPair] = [:]

        subscript(key: String) -> YAMLNode? { pairs[key]?.value }

        /// The path of a key in this mapping.
        func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    }

    /// Where a mapping lives, for messages: "in 'defaults'" or "at the top level".
    static func place(_ path: String) -> String { path.isEmpty ? "at the top level" : "in '\(path)'" }

    /// Reads a mapping: reports a wrong type, unknown keys (with a suggestion) and missing required keys.
    /// `owner` is the key whose value this mapping is; missing keys are reported there.
    mutating func fields(
        _ node: YAMLNode, path: String, allowed: [String], required: [String] = [], owner: YAMLNode? = nil
    ) -> Fields? {
        var fields = Fields(node: node, path: path)
        if node.isNull {
            // An empty section (`defaults:` with nothing after it) is an empty mapping.
        } else if let pairs = node.pairs {
            for pair in pairs {
                guard let key = pair.key.scalar else {
                    error(
                        pair.key.start,
                        "keys must be plain strings; found \(pair.key.kindDescription) as a key \(Self.place(path))")
                    continue
                }
                if Self.isExtensionKey(key.value, path: path) { continue }
                guard allowed.contains(key.value) else {
                    let hint = Suggestions.closest(to: key.value, in: allowed).map { "did you mean '\($0)'?" }
                    error(pair.key.start, "unknown key '\(key.value)' \(Self.place(path))", hint: hint)
                    continue
                }
                fields.pairs[key.value] = pair
            }
        } else {
            typeError(node, expected: "a mapping", path: path)
            return nil
        }
        for key in required where fields.pairs[key] == nil {
            let at = owner?.start ?? node.start
            let message = path.isEmpty ? "missing required key '\(key)'" : "missing required key '\(key)' in '\(path)'"
            error(at, message, hint: Self.requiredKeyHints[key])
        }
        return fields
    }

    /// What to write for each required key.
    static let requiredKeyHints = [
        "version": "add 'version: 1'",
        "workspace": "add 'workspace: NAME', the name that tags everything this file owns",
        "ssh": "add 'ssh: user@host' (or an ssh config alias)",
        "path": "add 'path: ~/src/project', the repository's folder",
        "repo": "add 'repo: NAME'; it may be left out only when exactly one repo is declared",
        "tool": "add 'tool: NAME' (for example Bash, or '*' for any tool)",
        "action": "add 'action: allow', 'deny' or 'ask'",
    ]

    mutating func typeError(_ node: YAMLNode, expected: String, path: String, hint: String? = nil) {
        let subject = path.isEmpty ? "the top level" : "'\(path)'"
        error(node.start, "expected \(expected) for \(subject), found \(node.kindDescription)", hint: hint)
    }

    /// The entries of a name-keyed section (`hosts`, `repos`, `sessions`), with the names validated.
    mutating func namedEntries(_ node: YAMLNode?, path: String, kind: String) -> [(
        name: String, key: YAMLNode, value: YAMLNode
    )] {
        guard let node, !node.isNull else { return [] }
        guard let pairs = node.pairs else {
            typeError(node, expected: "a mapping of \(kind) names", path: path)
            return []
        }
        var out: [(name: String, key: YAMLNode, value: YAMLNode)] = []
        for pair in pairs {
            guard let key = pair.key.scalar, !key.isNull else {
                error(pair.key.start, "\(kind) names must be strings, found \(pair.key.kindDescription)")
                continue
            }
            guard CSMName.isValid(key.value) else {
                error(pair.key.start, "invalid \(kind) name '\(key.value)': use \(CSMName.ruleDescription)")
                continue
            }
            out.append((key.value, pair.key, pair.value))
        }
        return out
    }

    // MARK: Scalars

    /// A string value, interpolated. Nil (with a diagnostic) for collections, null and bad `${...}`.
    mutating func string(_ node: YAMLNode, path: String, interpolate: Bool = true) -> String? {
        guard let scalar = node.scalar else {
            typeError(node, expected: "a string", path: path)
            return nil
        }
        guard !scalar.isNull else {
            typeError(node, expected: "a string", path: path, hint: "write a value after the colon, or remove the key")
            return nil
        }
        if let tag = scalar.tag, tag != Self.stringTag, tag != "!" {
            error(
                node.start, "unsupported tag '\(tag)' on '\(path)'", hint: "csm.yaml uses plain values; remove the tag")
            return nil
        }
        guard interpolate else { return scalar.value }
        switch Interpolation.expand(scalar.value, environment: environment) {
        case .success(let value):
            return value
        case .failure(.unset(let name, let at)):
            error(
                mark(in: node, atScalar: at), "environment variable '\(name)' is not set (used in '\(path)')",
                hint: "set it, or give a default with ${\(name):-default}")
        case .failure(.malformed(let message, let at)):
            error(mark(in: node, atScalar: at), "\(message) (in '\(path)')")
        }
        return nil
    }

    /// The position of the `index`-th Unicode scalar of a scalar's value, when the source text shows the
    /// value unchanged on one line (plain, or quoted without escapes); otherwise the scalar's start.
    func mark(in node: YAMLNode, atScalar index: Int) -> YAMLMark {
        guard let scalar = node.scalar, node.start.line == node.end.line, node.end.offset <= source.bytes.count else {
            return node.start
        }
        let raw = String(decoding: source.bytes[node.start.offset..<node.end.offset], as: UTF8.self)
        let quote: Int
        switch scalar.style {
        case .plain: quote = 0
        case .singleQuoted, .doubleQuoted: quote = 1
        default: return node.start
        }
        guard raw.unicodeScalars.count == scalar.value.unicodeScalars.count + 2 * quote,
            String(raw.unicodeScalars.dropFirst(quote).dropLast(quote)) == scalar.value
        else { return node.start }
        let bytes = String(scalar.value.unicodeScalars.prefix(index)).utf8.count
        return YAMLMark(
            line: node.start.line, column: node.start.column + quote + index, offset: node.start.offset + quote + bytes)
    }

    /// An optional string: absent or null is nil without a diagnostic.
    mutating func optionalString(_ node: YAMLNode?, path: String) -> String? {
        guard let node, !node.isNull else { return nil }
        return string(node, path: path)
    }

    /// A boolean: only plain `true`/`false`; quoted strings and YAML 1.1 words are type errors.
    mutating func bool(_ node: YAMLNode?, path: String) -> Bool? {
        guard let node, !node.isNull else { return nil }
        guard let scalar = node.scalar, scalar.style == .plain, scalar.tag == nil,
            let value = ScalarResolver.bool(scalar.value)
        else {
            var hint: String?
            if let scalar = node.scalar, scalar.style != .plain, ScalarResolver.bool(scalar.value) != nil {
                hint = "remove the quotes: a quoted \"\(scalar.value)\" is a string"
            } else if let scalar = node.scalar, ScalarResolver.yaml11Booleans.contains(scalar.value) {
                hint = "'\(scalar.value)' is not a boolean in csm.yaml; write true or false"
            }
            let found =
                node.scalar.map { $0.style == .plain ? node.kindDescription : "a quoted string" }
                ?? node.kindDescription
            error(node.start, "expected a boolean (true or false) for '\(path)', found \(found)", hint: hint)
            return nil
        }
        return value
    }

    /// An integer written as plain digits.
    mutating func integer(_ node: YAMLNode?, path: String) -> Int? {
        guard let node, !node.isNull else { return nil }
        guard let scalar = node.scalar, scalar.style == .plain, scalar.tag == nil,
            let value = ScalarResolver.integer(scalar.value)
        else {
            let found =
                node.scalar.map { $0.style == .plain ? node.kindDescription : "a quoted string" }
                ?? node.kindDescription
            error(node.start, "expected an integer for '\(path)', found \(found)")
            return nil
        }
        return value
    }

    /// A duration in seconds: a plain number of seconds or a string such as `500ms`, `15s`, `2m`, `1h`.
    mutating func duration(_ node: YAMLNode?, path: String) -> Double? {
        guard let node, !node.isNull else { return nil }
        guard let text = string(node, path: path) else { return nil }
        guard let seconds = ValueParsers.duration(text) else {
            error(
                node.start, "invalid duration '\(text)' for '\(path)'",
                hint: "write a positive number of seconds (15) or a number with a unit: 500ms, 15s, 2m, 1h")
            return nil
        }
        return seconds
    }

    /// One of a fixed set of words.
    mutating func enumeration<T: RawRepresentable & CaseIterable>(_ node: YAMLNode, path: String, as type: T.Type) -> T?
    where T.RawValue == String {
        guard let text = string(node, path: path) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            let hint = Suggestions.closest(to: text, in: T.allCases.map(\.rawValue)).map { "did you mean '\($0)'?" }
            error(node.start, "invalid value '\(text)' for '\(path)'; expected one of \(allowed)", hint: hint)
            return nil
        }
        return value
    }

    /// A list of strings (null is empty).
    mutating func stringList(_ node: YAMLNode?, path: String) -> [String]? {
        guard let node, !node.isNull else { return nil }
        guard let items = node.items else {
            typeError(node, expected: "a list of strings", path: path)
            return nil
        }
        var out: [String] = []
        for (index, item) in items.enumerated() {
            if let value = string(item, path: "\(path)[\(index)]") { out.append(value) }
        }
        return out
    }

    /// An environment map: variable names to string values (null is empty).
    mutating func environmentMap(_ node: YAMLNode?, path: String) -> [String: String]? {
        guard let node, !node.isNull else { return nil }
        guard let pairs = node.pairs else {
            typeError(node, expected: "a mapping of variable names to values", path: path)
            return nil
        }
        var out: [String: String] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar?.value, Interpolation.isValidName(key) else {
                let shown = pair.key.scalar?.value ?? pair.key.kindDescription
                error(
                    pair.key.start, "invalid environment variable name '\(shown)' in '\(path)'",
                    hint: "use A-Z, a-z, 0-9 and '_', not starting with a digit")
                continue
            }
            if let value = string(pair.value, path: "\(path).\(key)") { out[key] = value }
        }
        return out
    }

    /// A path value with `~` expanded and relative paths resolved against the file's folder.
    mutating func path(_ node: YAMLNode?, path keyPath: String, isRemote: Bool = false) -> String? {
        guard let node, let raw = string(node, path: keyPath) else { return nil }
        return resolve(raw, at: node.start, path: keyPath, isRemote: isRemote)
    }

    mutating func resolve(_ raw: String, at mark: YAMLMark, path keyPath: String, isRemote: Bool = false) -> String? {
        switch ValueParsers.resolvePath(raw, home: home, base: baseDirectory, isRemote: isRemote) {
        case .success(let resolved):
            return resolved
        case .failure(.empty):
            error(mark, "'\(keyPath)' is an empty path")
        case .failure(.noHome):
            error(
                mark, "cannot expand '~' in '\(keyPath)': the home directory is unknown",
                hint: "set HOME or write an absolute path")
        case .failure(.otherUser(let prefix)):
            error(mark, "'\(prefix)' in '\(keyPath)' is not supported", hint: "write '~/...' or an absolute path")
        }
        return nil
    }

    /// Reports a reference to an undeclared name, suggesting the closest declared one.
    mutating func unknownReference(
        _ node: YAMLNode, name: String, kind: String, section: String, declared: [String], usedBy: String
    ) {
        let hint: String
        if let close = Suggestions.closest(to: name, in: declared) {
            hint = "did you mean '\(close)'?"
        } else if declared.isEmpty {
            hint = "declare it under '\(section):'"
        } else {
            hint = "declared \(section): " + declared.sorted().joined(separator: ", ")
        }
        error(node.start, "\(usedBy) refers to \(kind) '\(name)', which is not declared in '\(section)'", hint: hint)
    }
}
