/// The generic edits `ConfigEditor`'s public operations are made of: insert or remove a mapping entry,
/// append or remove a list item, replace a value. Each returns splices; nothing here re-serialises.
extension ConfigEditor {
    /// The explicit (not merged) pair of `key` in `mapping`.
    func explicitPair(_ key: String, in mapping: YAMLNode?) -> YAMLPair? {
        mapping?.pairs?.first { !$0.isMerged && $0.key.scalar?.value == key }
    }

    /// Walks `path` from the root: the mapping holding the last key, the pair that owns that mapping, and
    /// the pair of the last key. Nil parts where the path stops existing.
    func lookup(_ path: [String]) -> (parent: YAMLNode?, owner: YAMLPair?, pair: YAMLPair?, complete: Bool) {
        var parent = root
        var owner: YAMLPair?
        for (index, key) in path.enumerated() {
            guard let pair = explicitPair(key, in: parent) else { return (parent, owner, nil, false) }
            if index == path.count - 1 { return (parent, owner, pair, true) }
            owner = pair
            parent = pair.value
        }
        return (parent, owner, nil, path.isEmpty)
    }

    /// Splices that add `key: value` to the mapping at `path`, creating missing mappings on the way.
    func insertEntry(at path: [String], key: String, value: YAMLValue) throws(ConfigEditError) -> [Splice] {
        var mapping = root
        var owner: YAMLPair?
        // Once inside a flow collection everything below is flow too, and must be written inline.
        var isInFlow = false
        for (index, component) in path.enumerated() {
            guard let pair = explicitPair(component, in: mapping) else {
                // Nest the rest of the path into the value, innermost first.
                var nested = YAMLValue.mapping([YAMLEntry(key, value)])
                for missing in path[(index + 1)...].reversed() { nested = .mapping([YAMLEntry(missing, nested)]) }
                return try entrySplices(into: mapping, owner: owner, key: component, value: nested, isInFlow: isInFlow)
            }
            guard pair.value.pairs != nil || pair.value.isNull else {
                throw .unsupportedLayout(
                    "'\(path[...index].joined(separator: "."))' is \(pair.value.kindDescription), not a mapping")
            }
            isInFlow = isInFlow || (mapping?.isFlow ?? false)
            owner = pair
            mapping = pair.value
        }
        return try entrySplices(into: mapping, owner: owner, key: key, value: value, isInFlow: isInFlow)
    }

    /// Splices that add one entry to `mapping` (nil: the document is empty), whatever its style.
    /// `isInFlow` tells that `owner` itself sits inside a flow collection.
    func entrySplices(
        into mapping: YAMLNode?, owner: YAMLPair?, key: String, value: YAMLValue, isInFlow: Bool = false
    ) throws(ConfigEditError) -> [Splice] {
        guard let mapping, let owner else {
            // The top level: a new section goes at the end of the file.
            return [
                insertion(
                    at: bytes.count,
                    YAMLValue.blockEntry(key: key, value: value, indent: 0, unit: indentUnit, newline: newline))
            ]
        }
        let ownerIndent = owner.key.start.column - 1
        if mapping.isNull || (mapping.isFlow && mapping.pairs?.isEmpty == true) {
            // `key:`, `key: ~` or `key: {}` become a block mapping under the key; a comment on the line stays.
            let colon = try afterColon(of: owner)
            let valueEnd = mapping.isNull ? nullValueEnd(of: owner, afterColon: colon) : mapping.end.offset
            if isInFlow {
                let entry = YAMLScalar.render(key) + ": " + value.flowText
                return [Splice(range: colon..<valueEnd, text: " {" + entry + "}")]
            }
            let lines = YAMLValue.blockEntry(
                key: key, value: value, indent: ownerIndent + indentUnit, unit: indentUnit, newline: newline)
            return [Splice(range: colon..<valueEnd, text: ""), insertion(at: lineEnd(valueEnd), lines)]
        }
        let explicit = (mapping.pairs ?? []).filter { !$0.isMerged }
        guard let last = explicit.last else {
            throw .unsupportedLayout("the mapping at line \(mapping.start.line) holds only merged keys")
        }
        if mapping.isFlow {
            return [
                Splice(
                    range: last.value.end.offset..<last.value.end.offset,
                    text: ", " + YAMLScalar.render(key) + ": " + value.flowText)
            ]
        }
        let indent = mapping.start.column - 1
        let position = extent(of: last, leadingComments: false).upperBound
        let lines = YAMLValue.blockEntry(
            key: key, value: value, indent: indent, unit: childUnit(in: mapping), newline: newline)
        return [insertion(at: position, lines)]
    }

    /// Splices that remove `pair` from `mapping`. The comment lines directly above the entry go with it.
    /// A nested mapping left empty becomes `{}` so the file keeps meaning "an empty mapping".
    func removalSplices(of pair: YAMLPair, from mapping: YAMLNode, owner: YAMLPair?) throws(ConfigEditError) -> [Splice]
    {
        let explicit = (mapping.pairs ?? []).filter { !$0.isMerged }
        if mapping.isFlow {
            let rest = explicit.filter { $0.key !== pair.key }.map {
                sourceText($0.key.start.offset..<$0.value.end.offset)
            }
            return [
                Splice(range: mapping.start.offset..<mapping.end.offset, text: "{" + rest.joined(separator: ", ") + "}")
            ]
        }
        let range = extent(of: pair, leadingComments: true)
        if explicit.count == 1, let owner {
            let colon = try afterColon(of: owner)
            return [Splice(range: range, text: ""), Splice(range: colon..<colon, text: " {}")]
        }
        return [Splice(range: range, text: "")]
    }

    /// Splices that append `item` to the list at top-level `key`, creating the list if needed.
    func appendSplices(toListAt key: String, item: YAMLValue) throws(ConfigEditError) -> [Splice] {
        guard let pair = explicitPair(key, in: root) else {
            return try insertEntry(at: [], key: key, value: .list([item]))
        }
        let list = pair.value
        let keyIndent = pair.key.start.column - 1
        if list.isNull {
            let colon = try afterColon(of: pair)
            let end = nullValueEnd(of: pair, afterColon: colon)
            let lines = YAMLValue.blockItem(item, indent: keyIndent + indentUnit, unit: indentUnit, newline: newline)
            return [Splice(range: colon..<end, text: ""), insertion(at: lineEnd(end), lines)]
        }
        guard let items = list.items else {
            throw .unsupportedLayout("'\(key)' is \(list.kindDescription), not a list")
        }
        if list.isFlow {
            guard let last = items.last else {
                return [Splice(range: list.start.offset..<list.end.offset, text: "[" + item.flowText + "]")]
            }
            return [Splice(range: last.end.offset..<last.end.offset, text: ", " + item.flowText)]
        }
        let dashIndent = list.start.column - 1
        let position =
            items.last.map { extent(ofItem: $0, dashIndent: dashIndent, leadingComments: false).upperBound }
            ?? lineEnd(list.start.offset)
        let unit = items.compactMap { $0.pairs == nil ? nil : $0.start.column - list.start.column }.first ?? 2
        return [
            insertion(
                at: position,
                YAMLValue.blockItem(item, indent: dashIndent, unit: max(unit, indentUnit), newline: newline))
        ]
    }

    /// Splices that remove item `index` from the list of `pair`; an emptied block list becomes `[]`.
    func removalSplices(ofItem index: Int, inListOf pair: YAMLPair) throws(ConfigEditError) -> [Splice] {
        let list = pair.value
        guard let items = list.items, items.indices.contains(index) else { return [] }
        if list.isFlow {
            let rest = items.enumerated().filter { $0.offset != index }.map {
                sourceText($0.element.start.offset..<$0.element.end.offset)
            }
            return [Splice(range: list.start.offset..<list.end.offset, text: "[" + rest.joined(separator: ", ") + "]")]
        }
        let range = extent(ofItem: items[index], dashIndent: list.start.column - 1, leadingComments: true)
        if items.count == 1 {
            let colon = try afterColon(of: pair)
            return [Splice(range: range, text: ""), Splice(range: colon..<colon, text: " []")]
        }
        return [Splice(range: range, text: "")]
    }

    /// Splices that replace the whole value of `pair` with `value`, keeping the key line and its comment.
    func replacementSplices(of pair: YAMLPair, with value: YAMLValue) throws(ConfigEditError) -> [Splice] {
        let old = pair.value
        let keyIndent = pair.key.start.column - 1
        let colon = try afterColon(of: pair)
        let isBlockCollection = !old.isFlow && (old.pairs?.isEmpty == false || old.items?.isEmpty == false)
        let oldLines: Range<Int>? =
            isBlockCollection
            ? lineStart(
                old.start.offset)..<extendOverTrailingComments(
                    lineEnd(ofNodeEndingAt: old.end.offset, start: old.start.offset), deeperThan: keyIndent)
            : nil
        let inlineEnd = old.isNull ? nullValueEnd(of: pair, afterColon: colon) : max(colon, old.end.offset)
        // A block scalar (`|`, `>`) ends after its last line break, which the replacement must put back.
        let consumedBreak = old.scalar != nil && inlineEnd > colon && bytes[inlineEnd - 1] == UInt8(ascii: "\n")
        if value.isInline {
            if let oldLines {
                return [Splice(range: oldLines, text: ""), Splice(range: colon..<colon, text: " " + value.flowText)]
            }
            return [Splice(range: colon..<inlineEnd, text: " " + value.flowText + (consumedBreak ? newline : ""))]
        }
        // A block list keeps its dash column, a nested block collection its indentation; anything else is
        // indented one unit under the key.
        let indent: Int
        if case .list = value, isBlockCollection, old.items != nil {
            indent = old.start.column - 1
        } else if isBlockCollection, old.start.column - 1 > keyIndent {
            indent = old.start.column - 1
        } else {
            indent = keyIndent + indentUnit
        }
        let lines: String
        switch value {
        case .list(let items):
            lines = items.map { YAMLValue.blockItem($0, indent: indent, unit: indentUnit, newline: newline) }.joined()
        case .mapping(let entries):
            lines = entries.map {
                YAMLValue.blockEntry(key: $0.key, value: $0.value, indent: indent, unit: indentUnit, newline: newline)
            }.joined()
        default: lines = ""
        }
        if let oldLines { return [Splice(range: oldLines, text: lines)] }
        if consumedBreak { return [Splice(range: colon..<inlineEnd, text: newline + lines)] }
        return [Splice(range: colon..<inlineEnd, text: ""), insertion(at: lineEnd(inlineEnd), lines)]
    }
}
