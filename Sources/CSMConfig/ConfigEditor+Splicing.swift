/// The byte-level machinery of `ConfigEditor`: finding line extents around nodes and splicing text in.
///
/// Every edit is a list of `Splice`s against the original bytes, applied back to front, so unrelated
/// bytes (comments, blank lines, quoting, line endings) stay exactly as they were.
struct Splice {
    var range: Range<Int>
    var text: String
}

extension ConfigEditor {
    /// Applies splices (non-overlapping) to the original bytes.
    func applying(_ splices: [Splice]) -> String {
        var out = bytes
        for splice in splices.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            out.replaceSubrange(splice.range, with: Array(splice.text.utf8))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The offset of the first byte of the line holding `offset`.
    func lineStart(_ offset: Int) -> Int {
        var index = min(offset, bytes.count)
        while index > 0, bytes[index - 1] != UInt8(ascii: "\n") { index -= 1 }
        return index
    }

    /// The offset just past the line break of the line holding `offset` (or the end of the text).
    func lineEnd(_ offset: Int) -> Int {
        var index = max(0, offset)
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") { return index + 1 }
            index += 1
        }
        return bytes.count
    }

    /// The end of the line holding the last byte of a node that ends at `end` and starts at `start`.
    func lineEnd(ofNodeEndingAt end: Int, start: Int) -> Int {
        lineEnd(max(start, end - 1))
    }

    /// Number of leading spaces of the line starting at `start`.
    func indentation(ofLineAt start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        return index - start
    }

    /// Whether the line starting at `start` holds only a comment.
    func isCommentLine(_ start: Int) -> Bool {
        let first = start + indentation(ofLineAt: start)
        return first < bytes.count && bytes[first] == UInt8(ascii: "#")
    }

    /// Moves `end` (a line start) past following comment lines indented deeper than `indent`: they
    /// belong to the entry that ends there.
    func extendOverTrailingComments(_ end: Int, deeperThan indent: Int) -> Int {
        var end = end
        while end < bytes.count, isCommentLine(end), indentation(ofLineAt: end) > indent { end = lineEnd(end) }
        return end
    }

    /// Moves `start` (a line start) up over the comment lines directly above it at exactly `indent`:
    /// a comment written right above an entry describes that entry.
    func extendOverLeadingComments(_ start: Int, indent: Int) -> Int {
        var start = start
        while start > 0 {
            let previous = lineStart(start - 1)
            guard isCommentLine(previous), indentation(ofLineAt: previous) == indent else { break }
            start = previous
        }
        return start
    }

    /// The lines a block-mapping entry occupies, from its key's line to the end of its value plus the
    /// deeper comments after it; with `leadingComments`, also the comments directly above it.
    func extent(of pair: YAMLPair, leadingComments: Bool) -> Range<Int> {
        let indent = pair.key.start.column - 1
        var start = lineStart(pair.key.start.offset)
        if leadingComments { start = extendOverLeadingComments(start, indent: indent) }
        let valueEnd = max(pair.value.end.offset, pair.key.end.offset)
        let end = extendOverTrailingComments(
            lineEnd(ofNodeEndingAt: valueEnd, start: pair.key.start.offset), deeperThan: indent)
        return start..<end
    }

    /// The lines a block-sequence item occupies (the dash line through its last line and deeper comments).
    func extent(ofItem item: YAMLNode, dashIndent: Int, leadingComments: Bool) -> Range<Int> {
        var start = lineStart(item.start.offset)
        if leadingComments { start = extendOverLeadingComments(start, indent: dashIndent) }
        let end = extendOverTrailingComments(
            lineEnd(ofNodeEndingAt: item.end.offset, start: item.start.offset), deeperThan: dashIndent)
        return start..<end
    }

    /// The offset just past the `:` that follows a block key.
    func afterColon(of pair: YAMLPair) throws(ConfigEditError) -> Int {
        var index = pair.key.end.offset
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
            index += 1
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
            throw .unsupportedLayout(
                "the key '\(pair.key.scalar?.value ?? "?")' at line \(pair.key.start.line) is not followed by ':'")
        }
        return index + 1
    }

    /// The end of a null value's text (`~`, `null`) or the colon's end for an empty value.
    func nullValueEnd(of pair: YAMLPair, afterColon: Int) -> Int {
        guard let scalar = pair.value.scalar, !scalar.value.isEmpty, pair.value.end.offset > afterColon else {
            return afterColon
        }
        return pair.value.end.offset
    }

    /// Text inserted at `position`, with a line break first when it would otherwise join the last line.
    func insertion(at position: Int, _ text: String) -> Splice {
        let needsBreak = position == bytes.count && position > 0 && bytes[position - 1] != UInt8(ascii: "\n")
        return Splice(range: position..<position, text: (needsBreak ? newline : "") + text)
    }

    /// The source text of a node (for re-rendering flow collections from their remaining parts).
    func sourceText(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// Indentation of the children of a block entry, learnt from siblings that have block mappings
    /// as values, else the file's unit.
    func childUnit(in mapping: YAMLNode) -> Int {
        for pair in mapping.pairs ?? [] where !pair.isMerged {
            if let nested = pair.value.pairs, !nested.isEmpty, !pair.value.isFlow {
                let unit = pair.value.start.column - pair.key.start.column
                if unit > 0 { return unit }
            }
        }
        return indentUnit
    }

    /// The indentation unit of a document: the first nesting step of a block mapping found, else 2.
    static func detectIndentUnit(_ root: YAMLNode?) -> Int {
        var queue = root.map { [$0] } ?? []
        var visited = 0
        while !queue.isEmpty, visited < 200 {
            let node = queue.removeFirst()
            visited += 1
            for pair in node.pairs ?? [] where !pair.isMerged && !pair.value.isFlow {
                if pair.value.pairs?.isEmpty == false {
                    let unit = pair.value.start.column - pair.key.start.column
                    if unit > 0 { return unit }
                    queue.append(pair.value)
                }
            }
        }
        return 2
    }
}
