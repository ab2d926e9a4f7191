/// A value the editor writes into csm.yaml: scalars, lists and ordered mappings.
public indirect enum YAMLValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral
{
    /// A string, written plain when that reads back as the same string, else double-quoted.
    case string(String)
    /// `true` or `false`.
    case bool(Bool)
    /// An integer.
    case integer(Int)
    /// A list.
    case list([YAMLValue])
    /// A mapping whose keys keep the given order.
    case mapping([YAMLEntry])

    /// A string value.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A boolean value.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer value.
    public init(integerLiteral value: Int) { self = .integer(value) }

    /// A mapping from ordered pairs.
    public static func mapping(_ pairs: KeyValuePairs<String, YAMLValue>) -> YAMLValue {
        .mapping(pairs.map { YAMLEntry($0.key, $0.value) })
    }

    /// The value as a flow-style fragment (`{a: 1, b: [x]}`), for insertion into flow collections.
    public var flowText: String {
        switch self {
        case .string(let text): return YAMLScalar.render(text)
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return String(value)
        case .list(let items): return "[" + items.map(\.flowText).joined(separator: ", ") + "]"
        case .mapping(let entries):
            return "{" + entries.map { YAMLScalar.render($0.key) + ": " + $0.value.flowText }.joined(separator: ", ")
                + "}"
        }
    }

    /// Whether the value fits on the line of its key (scalars and empty collections).
    var isInline: Bool {
        switch self {
        case .list(let items): return items.isEmpty
        case .mapping(let entries): return entries.isEmpty
        default: return true
        }
    }

    /// Block-style lines for `key: value` at `indent` spaces, each ending with `newline`.
    static func blockEntry(key: String, value: YAMLValue, indent: Int, unit: Int, newline: String) -> String {
        let pad = String(repeating: " ", count: indent)
        let head = pad + YAMLScalar.render(key) + ":"
        if value.isInline { return head + " " + value.flowText + newline }
        return head + newline + value.blockBody(indent: indent + unit, unit: unit, newline: newline)
    }

    /// Block-style lines of a list item (`- value`) whose dash is at `indent`.
    static func blockItem(_ value: YAMLValue, indent: Int, unit: Int, newline: String) -> String {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .mapping(let entries) where !entries.isEmpty:
            // The first entry shares the dash's line; the rest line up under it.
            var lines = blockEntry(
                key: entries[0].key, value: entries[0].value, indent: indent + 2, unit: unit, newline: newline)
            lines.removeFirst(indent + 2)
            var out = pad + "- " + lines
            for entry in entries.dropFirst() {
                out += blockEntry(key: entry.key, value: entry.value, indent: indent + 2, unit: unit, newline: newline)
            }
            return out
        case .list(let items) where !items.isEmpty:
            return pad + "-" + newline + value.blockBody(indent: indent + unit, unit: unit, newline: newline)
        default:
            return pad + "- " + value.flowText + newline
        }
    }

    /// The lines under a key for a non-inline value.
    private func blockBody(indent: Int, unit: Int, newline: String) -> String {
        switch self {
        case .mapping(let entries):
            return entries.map {
                YAMLValue.blockEntry(key: $0.key, value: $0.value, indent: indent, unit: unit, newline: newline)
            }
            .joined()
        case .list(let items):
            return items.map { YAMLValue.blockItem($0, indent: indent, unit: unit, newline: newline) }.joined()
        default:
            return String(repeating: " ", count: indent) + flowText + newline
        }
    }
}

/// One key and value of a `YAMLValue.mapping`.
public struct YAMLEntry: Sendable, Equatable {
    /// The key.
    public var key: String
    /// The value.
    public var value: YAMLValue

    /// Creates an entry.
    public init(_ key: String, _ value: YAMLValue) {
        self.key = key
        self.value = value
    }
}

extension YAMLScalar {
    /// `string` as a YAML scalar that reads back as exactly that string: plain when safe, else
    /// double-quoted with escapes (multi-line strings too, with `\n`, so edits never create block scalars).
    ///
    /// Plain is safe when the text is not empty, has no surrounding spaces, no control characters, does
    /// not start with an indicator, holds no `: `, ` #` or flow indicator (so it is also safe inside
    /// `[...]`/`{...}`), and would not be read as null, a boolean (YAML 1.1 words included) or a number.
    public static func render(_ string: String) -> String {
        isPlainSafe(string) ? string : doubleQuoted(string)
    }

    static func isPlainSafe(_ string: String) -> Bool {
        guard let first = string.unicodeScalars.first, let last = string.unicodeScalars.last else { return false }
        if first == " " || last == " " || last == ":" { return false }
        // `-` may start a plain scalar when a non-space follows (`--verbose`); other indicators never do
        // here (YAML allows `?x` and `:x` in block context only, and these values also go into flow lists).
        let scalars = Array(string.unicodeScalars)
        if first == "-" {
            if scalars.count < 2 || scalars[1] == " " || scalars[1] == "\t" { return false }
        } else if "?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) {
            return false
        }
        for scalar in string.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) { return false }
            if scalar.value == 0xFEFF || scalar.value == 0x2028 || scalar.value == 0x2029 { return false }
            if ",[]{}".unicodeScalars.contains(scalar) { return false }
        }
        if string.contains(": ") || string.contains(" #") { return false }
        let lowered = string.lowercased()
        if ["null", "~", "true", "false"].contains(lowered) || ScalarResolver.yaml11Booleans.contains(string) {
            return false
        }
        if ScalarResolver.integer(string) != nil || Double(string) != nil { return false }
        if [".inf", "-.inf", "+.inf", ".nan"].contains(lowered) { return false }
        if string.hasPrefix("0x") || string.hasPrefix("0o") { return false }
        return true
    }

    static func doubleQuoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                } else if scalar.value == 0xFEFF || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += "\\u" + String(scalar.value, radix: 16, uppercase: true)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
