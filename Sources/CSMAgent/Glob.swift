/// A compiled glob pattern, anchored at both ends.
///
/// Two flavours, because rules match two kinds of input:
/// - `.text` (commands, URLs, queries, search patterns, tool names): only `*` is special and matches any
///   run of characters, `/` and newlines included. This is the original tool's semantics, so its rules
///   keep their meaning (`git *` matches `git status`, not `git`).
/// - `.path` (file paths, after normalisation): `*` and `?` stay inside one path segment, `**` crosses
///   segments; `**/` also matches no folder at all and a trailing `/**` also matches the folder itself, as
///   in `.gitignore` and Claude Code's own `Read(./src/**)`.
public struct Glob: Sendable, Equatable {
    /// How special characters are read.
    public enum Flavor: Sendable, Equatable {
        case text
        case path
    }

    enum Token: Equatable {
        case literal(Unicode.Scalar)
        /// Any run of characters; in `.path`, none of them `/`.
        case star
        /// One character other than `/` (path flavour only).
        case question
        /// Any run of characters, `/` included.
        case globstar
        /// `**/`: nothing, or any run ending in `/`.
        case globstarSlash
        /// A trailing `/**`: nothing, or `/` followed by anything.
        case slashGlobstar
    }

    /// The pattern as written.
    public let pattern: String
    public let flavor: Flavor
    let tokens: [Token]

    public init(_ pattern: String, flavor: Flavor) {
        self.pattern = pattern
        self.flavor = flavor
        tokens = Self.tokenize(Array(pattern.unicodeScalars), flavor: flavor)
    }

    /// Whether the pattern matches all of `input`.
    public func matches(_ input: String) -> Bool {
        let scalars = Array(input.unicodeScalars)
        var memo = [Int: Bool]()
        return match(0, 0, scalars, &memo)
    }

    /// Whether the pattern has no special characters (it matches exactly one input).
    public var isLiteral: Bool {
        tokens.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    private func match(_ t: Int, _ i: Int, _ input: [Unicode.Scalar], _ memo: inout [Int: Bool]) -> Bool {
        let key = t * (input.count + 1) + i
        if let known = memo[key] { return known }
        let result: Bool
        if t == tokens.count {
            result = i == input.count
        } else {
            switch tokens[t] {
            case let .literal(scalar):
                result = i < input.count && input[i] == scalar && match(t + 1, i + 1, input, &memo)
            case .question:
                result = i < input.count && input[i] != "/" && match(t + 1, i + 1, input, &memo)
            case .star:
                var j = i
                var found = match(t + 1, j, input, &memo)
                while !found, j < input.count, flavor == .text || input[j] != "/" {
                    j += 1
                    found = match(t + 1, j, input, &memo)
                }
                result = found
            case .globstar:
                result = (i...input.count).contains { match(t + 1, $0, input, &memo) }
            case .globstarSlash:
                // Nothing, or any run that ends just after a "/".
                result =
                    match(t + 1, i, input, &memo)
                    || (i..<input.count).contains { input[$0] == "/" && match(t + 1, $0 + 1, input, &memo) }
            case .slashGlobstar:
                result = i == input.count || (input[i] == "/" && match(t + 1, input.count, input, &memo))
            }
        }
        memo[key] = result
        return result
    }

    static func tokenize(_ scalars: [Unicode.Scalar], flavor: Flavor) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch (flavor, scalar) {
            case (.text, "*"):
                // Runs of stars mean the same as one.
                if tokens.last != .star { tokens.append(.star) }
                index += 1
            case (.path, "*"):
                var run = 0
                while index + run < scalars.count, scalars[index + run] == "*" { run += 1 }
                index += run
                guard run >= 2 else {
                    tokens.append(.star)
                    continue
                }
                let followedBySlash = index < scalars.count && scalars[index] == "/"
                let precededBySlash = tokens.last == .literal("/")
                if followedBySlash {
                    tokens.append(.globstarSlash)
                    index += 1
                } else if precededBySlash && index == scalars.count {
                    tokens.removeLast()
                    tokens.append(.slashGlobstar)
                } else {
                    tokens.append(.globstar)
                }
            case (.path, "?"):
                tokens.append(.question)
                index += 1
            default:
                tokens.append(.literal(scalar))
                index += 1
            }
        }
        return tokens
    }
}
