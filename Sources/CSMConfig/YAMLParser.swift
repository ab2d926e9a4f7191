import CSMModel
import CYAML

/// Parses YAML text into a `YAMLNode` tree with positions, through libyaml's event API.
///
/// Rejects what csm never needs and what could hurt: more than one document, input over 4 MiB, nesting
/// deeper than 64 levels, aliases that expand to more than 10,000 nodes ("billion laughs"), duplicate
/// keys. `<<` merge keys are supported (explicit keys win over merged ones). Every problem is a
/// `Diagnostic`; nothing in the input can crash the parser.
public enum YAMLParser {
    /// The largest input accepted, in bytes.
    public static let maxInputBytes = 4 * 1024 * 1024
    /// The deepest nesting of collections accepted (aliases count with the depth of what they expand to).
    public static let maxDepth = 64
    /// The most nodes that aliases may bring in, summed over every alias use.
    public static let maxAliasExpansion = 10_000

    /// Parses `text`; returns nil when the stream holds no document at all (empty or only comments).
    /// `file` is used in diagnostics only.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> YAMLNode? {
        try parse(SourceText(file: file, text: text))
    }

    static func parse(_ source: SourceText) throws(ConfigError) -> YAMLNode? {
        guard source.bytes.count <= maxInputBytes else {
            throw ConfigError([
                source.error(
                    at: SourceText.origin,
                    "the file is \(source.bytes.count) bytes; the limit is 4 MiB (\(maxInputBytes) bytes)")
            ])
        }
        guard !source.bytes.isEmpty else { return nil }
        var builder = TreeBuilder(source: source)
        try builder.run()
        if !builder.diagnostics.isEmpty { throw ConfigError(builder.diagnostics) }
        return builder.root
    }
}

/// Drives libyaml and assembles nodes. A struct with heap-allocated C state, freed on every exit path.
private struct TreeBuilder {
    struct Frame {
        var isMapping: Bool
        var start: YAMLMark
        var anchor: String?
        var tag: String?
        var isFlow: Bool
        var children: [YAMLNode] = []
        var seenKeys: [String: YAMLMark] = [:]
    }

    let source: SourceText
    var stack: [Frame] = []
    var anchors: [String: YAMLNode] = [:]
    var root: YAMLNode?
    var documentCount = 0
    var expanded = 0
    var diagnostics: [Diagnostic] = []

    init(source: SourceText) { self.source = source }

    mutating func run() throws(ConfigError) {
        // libyaml keeps pointers to the parser struct and to the input for the whole parse, so both live
        // on the heap rather than in Swift variables whose address is only stable during one call.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        parser.initialize(to: yaml_parser_t())
        let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: source.bytes.count)
        _ = input.initialize(from: source.bytes)
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        event.initialize(to: yaml_event_t())
        defer {
            yaml_parser_delete(parser)
            parser.deallocate()
            input.deallocate()
            event.deallocate()
        }
        guard yaml_parser_initialize(parser) == 1 else {
            throw ConfigError([source.error(at: SourceText.origin, "internal error: libyaml could not be initialised")])
        }
        yaml_parser_set_input_string(parser, input.baseAddress, input.count)
        while true {
            guard yaml_parser_parse(parser, event) == 1 else { throw syntaxError(parser.pointee) }
            defer { yaml_event_delete(event) }
            if event.pointee.type == YAML_STREAM_END_EVENT { return }
            try handle(event.pointee)
        }
    }

    func mark(_ mark: yaml_mark_t) -> YAMLMark {
        source.mark(line: Int(mark.line), column: Int(mark.column), index: Int(mark.index))
    }

    func fatal(_ at: YAMLMark, _ message: String, hint: String? = nil) -> ConfigError {
        ConfigError(diagnostics + [source.error(at: at, message, hint: hint)])
    }

    func syntaxError(_ parser: yaml_parser_t) -> ConfigError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        if parser.error == YAML_READER_ERROR {
            let at = source.mark(atByte: Int(parser.problem_offset))
            return fatal(
                at, "cannot read the file: \(problem)", hint: "csm.yaml must be UTF-8 text without control characters")
        }
        var message = "invalid YAML: \(problem)"
        let problemMark = mark(parser.problem_mark)
        if let context = parser.context.map({ String(cString: $0) }) {
            let at = mark(parser.context_mark)
            // Where the context starts matters only when it is not the problem's own position.
            message += at == problemMark ? " (\(context))" : " (\(context) at line \(at.line), column \(at.column))"
        }
        return fatal(problemMark, message)
    }

    static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }

    mutating func handle(_ event: yaml_event_t) throws(ConfigError) {
        let start = mark(event.start_mark)
        let end = mark(event.end_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documentCount += 1
            if documentCount > 1 {
                throw fatal(
                    start, "the file holds more than one YAML document",
                    hint: "keep a single document: remove the second '---' and what follows, or merge it into the first"
                )
            }
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value =
                data.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: Int(data.length)), as: UTF8.self)
                } ?? ""
            let style: YAMLScalarStyle
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let scalar = YAMLScalar(value: value, style: style, tag: Self.string(data.tag))
            try finish(YAMLNode(content: .scalar(scalar), start: start, end: end), anchor: Self.string(data.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let node = anchors[name] else {
                throw fatal(
                    start, "alias '*\(name)' refers to no anchor defined before it",
                    hint: "define '&\(name)' on a value above this line")
            }
            expanded += node.weight
            if expanded > YAMLParser.maxAliasExpansion {
                throw fatal(
                    start, "aliases expand to more than \(YAMLParser.maxAliasExpansion) nodes",
                    hint: "this looks like a 'billion laughs' document; use fewer nested aliases")
            }
            if stack.count + node.height > YAMLParser.maxDepth {
                throw fatal(start, "alias '*\(name)' nests deeper than \(YAMLParser.maxDepth) levels")
            }
            try finish(node, anchor: nil)
        case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
            guard stack.count < YAMLParser.maxDepth else {
                throw fatal(start, "collections nest deeper than \(YAMLParser.maxDepth) levels")
            }
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let anchor = Self.string(isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
            let tag = Self.string(isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag)
            let isFlow =
                isMapping
                ? event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                : event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
            stack.append(Frame(isMapping: isMapping, start: start, anchor: anchor, tag: tag, isFlow: isFlow))
        case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
            guard let frame = stack.popLast() else { return }
            try finish(try close(frame, eventEnd: end), anchor: frame.anchor)
        default:
            break
        }
    }

    /// Builds the node of a finished collection.
    func close(_ frame: Frame, eventEnd: YAMLMark) throws(ConfigError) -> YAMLNode {
        // libyaml ends a block collection where the next token starts (after comments and blank lines);
        // the editor needs the end of the collection's own text instead.
        let end = frame.isFlow ? eventEnd : (frame.children.map(\.end).max() ?? frame.start)
        let weight = min(frame.children.reduce(1) { $0 + $1.weight }, YAMLParser.maxAliasExpansion + 1)
        let height = 1 + (frame.children.map(\.height).max() ?? 0)
        guard frame.isMapping else {
            return YAMLNode(
                content: .sequence(frame.children), start: frame.start, end: end, isFlow: frame.isFlow,
                tag: frame.tag, weight: weight, height: height)
        }
        var pairs: [YAMLPair] = []
        var merged: [YAMLPair] = []
        var index = 0
        while index + 1 < frame.children.count {
            let key = frame.children[index]
            let value = frame.children[index + 1]
            index += 2
            guard Self.isMergeKey(key) else {
                pairs.append(YAMLPair(key: key, value: value))
                continue
            }
            let sources = value.pairs != nil ? [value] : (value.items ?? [value])
            for source in sources {
                guard let sourcePairs = source.pairs else {
                    throw fatal(
                        source.start,
                        "a merge key '<<' needs a mapping or a list of mappings, found \(source.kindDescription)",
                        hint: "write '<<: *name' where '&name' marks a mapping")
                }
                merged += sourcePairs.map { YAMLPair(key: $0.key, value: $0.value, isMerged: true) }
            }
        }
        // Explicit keys win over merged ones, and the first merged source wins over later ones.
        var seen = Set(pairs.compactMap { $0.key.scalar?.value })
        for pair in merged {
            guard let name = pair.key.scalar?.value else { continue }
            if seen.insert(name).inserted { pairs.append(pair) }
        }
        return YAMLNode(
            content: .mapping(pairs), start: frame.start, end: end, isFlow: frame.isFlow, tag: frame.tag,
            weight: weight, height: height)
    }

    static func isMergeKey(_ node: YAMLNode) -> Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.value == "<<" && scalar.style == .plain && scalar.tag == nil
    }

    /// Hands a finished node to its parent (or makes it the document's root).
    mutating func finish(_ node: YAMLNode, anchor: String?) throws(ConfigError) {
        if let anchor { anchors[anchor] = node }
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        if stack[top].isMapping, stack[top].children.count % 2 == 0, let key = node.scalar, !Self.isMergeKey(node) {
            if let first = stack[top].seenKeys[key.value] {
                diagnostics.append(
                    source.error(
                        at: node.start, "duplicate key '\(key.value)'",
                        hint:
                            "'\(key.value)' is already set at line \(first.line), column \(first.column); keep one of them"
                    ))
            } else {
                stack[top].seenKeys[key.value] = node.start
            }
        }
        stack[top].children.append(node)
    }
}
