/// Pure parsers for the small value formats csm.yaml uses: paths, durations, listen addresses, URLs.
/// None of them touches the file system or the network.
enum ValueParsers {
    /// Removes `.` and `..` components, repeated and trailing slashes. `..` above `/` stays at `/`;
    /// in a relative path leading `..` components are kept.
    static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !isAbsolute {
                    parts.append(part)
                }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Why a path could not be resolved.
    enum PathFailure: Error, Equatable {
        case noHome
        case otherUser(String)
        case empty
    }

    /// Expands `~` and `~/...` to `home`, makes relative paths absolute against `base`, and normalises.
    /// With `isRemote`, `~` is kept for the remote side to expand and relative paths are left relative.
    static func resolvePath(_ raw: String, home: String?, base: String, isRemote: Bool = false) -> Result<
        String, PathFailure
    > {
        guard !raw.isEmpty else { return .failure(.empty) }
        if raw == "~" || raw.hasPrefix("~/") {
            if isRemote { return .success(raw == "~" ? "~" : "~/" + normalize(String(raw.dropFirst(2)))) }
            guard let home, !home.isEmpty else { return .failure(.noHome) }
            return .success(normalize(home + "/" + raw.dropFirst(1)))
        }
        if raw.hasPrefix("~") {
            return .failure(.otherUser(String(raw.prefix { $0 != "/" })))
        }
        if raw.hasPrefix("/") || isRemote { return .success(normalize(raw)) }
        return .success(normalize(base + "/" + raw))
    }

    /// Seconds from a duration: a number of seconds (`15`, `0.5`) or a number with one unit
    /// (`500ms`, `15s`, `2m`, `1h`). Nil when malformed, not finite or not positive.
    static func duration(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(text)
        var factor = 1.0
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            number = number.dropLast(suffix.count)
            factor = scale
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let value = Double(number), value.isFinite, value > 0
        else { return nil }
        return value * factor
    }

    /// Splits `HOST:PORT` (`[v6]:PORT` for IPv6); nil when malformed or the port is not in 1-65535.
    static func listenAddress(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = text[..<colon]
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return nil }
            host = host.dropFirst().dropLast()
        } else if host.contains(":") {
            return nil
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "/" }),
            portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText), (1...65535).contains(port)
        else { return nil }
        return (String(host), port)
    }

    /// Whether `text` is an absolute `http` or `https` URL with a host.
    static func isHTTPURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else {
            return false
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@").last ?? ""
        return !host.isEmpty && !host.hasPrefix(":") && !text.contains(where: { $0.isWhitespace })
    }

    /// The name a folder path suggests, made valid for `CSMName` (legacy import): invalid characters become
    /// `-`, it is cut to 64 characters, and an empty result becomes `fallback`.
    static func sanitizedName(_ raw: String, fallback: String) -> String {
        let mapped = String(
            raw.map { character -> Character in
                guard character.isASCII, let ascii = character.asciiValue else { return "-" }
                let isAllowed =
                    character.isLetter || character.isNumber || ascii == UInt8(ascii: ".")
                    || ascii == UInt8(ascii: "_") || ascii == UInt8(ascii: "-")
                return isAllowed ? character : "-"
            }.prefix(64))
        return mapped.isEmpty || mapped == "." || mapped == ".." ? fallback : mapped
    }
}

/// "Did you mean" suggestions by edit distance.
enum Suggestions {
    /// The candidate closest to `word`, if it is close enough to be a plausible typo: at most a third of
    /// the word's length (at least 1, at most 3) edits away, comparing case-insensitively.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = min(3, max(1, word.count / 3))
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(word.lowercased(), candidate.lowercased())
            if distance <= limit, distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
        }
        return best?.0
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours
    /// each cost one, so `prot` is one edit from `port`.
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs)
        let b = Array(rhs)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
