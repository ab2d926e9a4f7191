/// `${VAR}` and `${VAR:-default}` substitution in string values, from an environment passed in.
///
/// `$${` writes a literal `${`. A `$` not followed by `{` is kept as is. The default runs to the first
/// `}` (no nesting) and is used when the variable is unset or empty, as in POSIX shells.
enum Interpolation {
    /// Why a value could not be interpolated; `at` counts Unicode scalars from the start of the value to
    /// the `$` of the offending reference, so the caller can point at it.
    enum Failure: Error, Equatable {
        case unset(String, at: Int)
        case malformed(String, at: Int)
    }

    static func expand(_ text: String, environment: [String: String]) -> Result<String, Failure> {
        guard text.contains("$") else { return .success(text) }
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            let at = text.unicodeScalars.distance(from: text.startIndex, to: dollar)
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("${") {
                out += "${"
                rest = after.dropFirst(2)
                continue
            }
            guard after.hasPrefix("{") else {
                out += "$"
                rest = after
                continue
            }
            let body = after.dropFirst()
            guard let close = body.firstIndex(of: "}") else {
                return .failure(.malformed("'${' is not closed by '}'; write '$${' for a literal '${'", at: at))
            }
            let inner = body[..<close]
            rest = body[body.index(after: close)...]
            let name: Substring
            let fallback: Substring?
            if let colon = inner.firstIndex(of: ":") {
                name = inner[..<colon]
                let tail = inner[inner.index(after: colon)...]
                guard tail.hasPrefix("-") else {
                    return .failure(
                        .malformed("'${\(inner)}' is not a valid reference; write ${NAME} or ${NAME:-default}", at: at))
                }
                fallback = tail.dropFirst()
            } else {
                name = inner
                fallback = nil
            }
            guard isValidName(name) else {
                return .failure(
                    .malformed(
                        "'${\(inner)}' is not a valid reference; variable names use A-Z, a-z, 0-9 and '_' and do not start with a digit",
                        at: at))
            }
            if let value = environment[String(name)], !(fallback != nil && value.isEmpty) {
                out += value
            } else if let fallback {
                out += fallback
            } else {
                return .failure(.unset(String(name), at: at))
            }
        }
        out += rest
        return .success(out)
    }

    /// Whether `name` is a POSIX-style environment variable name.
    static func isValidName(_ name: some StringProtocol) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }

    /// `text` with every `${` written as `$${`, so that loading it gives `text` back unchanged.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "${", with: "$${")
    }
}

extension String {
    /// Replaces every occurrence without Foundation (CSMConfig keeps Foundation to the I/O edges).
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    fileprivate func range(of target: String) -> Range<Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(target) {
                return index..<(self.index(index, offsetBy: target.count))
            }
            index = self.index(after: index)
        }
        return nil
    }
}
