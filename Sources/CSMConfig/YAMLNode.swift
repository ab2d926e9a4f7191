/// A position in the YAML source: 1-based line and column (as editors count) plus the 0-based byte offset
/// into the UTF-8 text (what the comment-preserving editor splices at).
public struct YAMLMark: Sendable, Equatable, Hashable, Comparable {
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars as libyaml does.
    public var column: Int
    /// 0-based byte offset into the UTF-8 text.
    public var offset: Int

    /// Creates a mark; `line` and `column` are 1-based, `offset` is 0-based.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// Marks order by byte offset, which is the order of the text.
    public static func < (lhs: YAMLMark, rhs: YAMLMark) -> Bool { lhs.offset < rhs.offset }
}

/// How a scalar was written; the decoder needs it to tell `true` from `"true"`.
public enum YAMLScalarStyle: String, Sendable, Equatable {
    /// Unquoted text.
    case plain
    /// `'text'`.
    case singleQuoted
    /// `"text"` (with escapes).
    case doubleQuoted
    /// `|` block.
    case literal
    /// `>` block.
    case folded
}

/// One scalar value with the way it was written.
public struct YAMLScalar: Sendable, Equatable {
    /// The value after YAML unquoting and unescaping.
    public var value: String
    /// How it was written.
    public var style: YAMLScalarStyle
    /// The explicit tag (`tag:yaml.org,2002:str` for `!!str`), nil when untagged.
    public var tag: String?

    /// Creates a scalar.
    public init(value: String, style: YAMLScalarStyle = .plain, tag: String? = nil) {
        self.value = value
        self.style = style
        self.tag = tag
    }

    /// Whether this is YAML's null: an untagged plain `~`, `null` or nothing.
    public var isNull: Bool {
        style == .plain && tag == nil && ["", "~", "null", "Null", "NULL"].contains(value)
    }
}

/// One key/value pair of a mapping, in source order.
public struct YAMLPair: Sendable {
    /// The key node (a scalar for every key csm accepts).
    public var key: YAMLNode
    /// The value node.
    public var value: YAMLNode
    /// True when the pair came from a `<<` merge key rather than being written in this mapping; the editor
    /// never splices at merged pairs, because their positions point at the anchored mapping.
    public var isMerged: Bool

    /// Creates a pair.
    public init(key: YAMLNode, value: YAMLNode, isMerged: Bool = false) {
        self.key = key
        self.value = value
        self.isMerged = isMerged
    }
}

/// A node of a parsed YAML document with its source range.
///
/// A class so that an alias shares the node of its anchor instead of copying it (aliases are expanded
/// by reference; the parser bounds the total expansion, see `YAMLParser`). Immutable, hence `Sendable`.
public final class YAMLNode: Sendable {
    /// What the node holds.
    public enum Content: Sendable {
        /// A scalar.
        case scalar(YAMLScalar)
        /// A mapping with its pairs in source order (merged pairs last).
        case mapping([YAMLPair])
        /// A sequence.
        case sequence([YAMLNode])
    }

    /// What the node holds.
    public let content: Content
    /// Where the node starts (for block collections: the first key or `-`).
    public let start: YAMLMark
    /// Where the node's own text ends. For block collections this is the end of the last child rather
    /// than libyaml's end mark, which lies after trailing comments and blank lines.
    public let end: YAMLMark
    /// True for `{...}` and `[...]` collections.
    public let isFlow: Bool
    /// The explicit tag of a collection (scalars carry theirs in `YAMLScalar`).
    public let tag: String?
    /// Number of nodes this node stands for when fully expanded (itself included), capped just above the
    /// parser's expansion limit; used to stop alias bombs early.
    let weight: Int
    /// Height of the subtree (a scalar is 1).
    let height: Int

    init(
        content: Content, start: YAMLMark, end: YAMLMark, isFlow: Bool = false, tag: String? = nil,
        weight: Int = 1, height: Int = 1
    ) {
        self.content = content
        self.start = start
        self.end = end
        self.isFlow = isFlow
        self.tag = tag
        self.weight = weight
        self.height = height
    }

    /// The scalar, when this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The pairs, when this node is a mapping.
    public var pairs: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The items, when this node is a sequence.
    public var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The value of the first pair whose key is the scalar `key` (mappings only).
    public func value(forKey key: String) -> YAMLNode? {
        pair(forKey: key)?.value
    }

    /// The pair whose key is the scalar `key` (mappings only).
    public func pair(forKey key: String) -> YAMLPair? {
        pairs?.first { $0.key.scalar?.value == key }
    }

    /// Whether this is a null scalar.
    public var isNull: Bool { scalar?.isNull ?? false }

    /// Words for what this node is, for "expected X, found Y" messages.
    var kindDescription: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            if scalar.isNull { return "null" }
            if scalar.style != .plain || scalar.tag != nil { return "a string" }
            if ScalarResolver.bool(scalar.value) != nil { return "a boolean" }
            if ScalarResolver.integer(scalar.value) != nil { return "an integer" }
            if Double(scalar.value) != nil { return "a number" }
            return "a string"
        }
    }
}

/// Resolution of plain scalars to typed values.
///
/// csm reads booleans as YAML 1.2 does: only `true`/`false` (in the three usual casings). YAML 1.1's
/// `yes`/`no`/`on`/`off` are not booleans here, so `model: no` stays a string; where a boolean is
/// expected they get a hint instead.
enum ScalarResolver {
    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// YAML 1.1 words that some tools read as booleans.
    static let yaml11Booleans: Set<String> = [
        "yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF",
    ]

    static func integer(_ text: String) -> Int? {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }
}
