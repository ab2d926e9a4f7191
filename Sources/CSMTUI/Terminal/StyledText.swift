/// The colours the TUI uses (the 8 basic ANSI colours, so every terminal theme keeps them legible).
public enum Color: Int, Sendable, Equatable, Hashable {
    case black = 0, red, green, yellow, blue, magenta, cyan, white
}

/// How a span of text is drawn.
public struct Style: Sendable, Equatable, Hashable {
    /// Text colour; nil keeps the terminal's.
    public var foreground: Color?
    /// Background colour; nil keeps the terminal's.
    public var background: Color?
    /// Bold (SGR 1).
    public var isBold = false
    /// Faint (SGR 2).
    public var isDim = false
    /// Reverse video (SGR 7), used for the selection.
    public var isReversed = false

    public init(
        foreground: Color? = nil, background: Color? = nil, isBold: Bool = false, isDim: Bool = false,
        isReversed: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.isBold = isBold
        self.isDim = isDim
        self.isReversed = isReversed
    }

    /// No attributes.
    public static let plain = Style()
    /// Bold only.
    public static let bold = Style(isBold: true)
    /// Faint only.
    public static let dim = Style(isDim: true)
    /// Reverse video only.
    public static let reversed = Style(isReversed: true)
    /// A foreground colour, optionally bold.
    public static func color(_ color: Color, bold: Bool = false) -> Style { Style(foreground: color, isBold: bold) }

    /// The SGR parameters, empty for plain text.
    var sgrParameters: [String] {
        var codes: [String] = []
        if isBold { codes.append("1") }
        if isDim { codes.append("2") }
        if isReversed { codes.append("7") }
        if let foreground { codes.append(String(30 + foreground.rawValue)) }
        if let background { codes.append(String(40 + background.rawValue)) }
        return codes
    }
}

/// A run of text in one style.
public struct Span: Sendable, Equatable, Hashable {
    /// The text; control characters are replaced before drawing.
    public var text: String
    /// How it is drawn.
    public var style: Style

    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

/// One screen row: styled spans whose total width the views keep within the screen.
public struct StyledLine: Sendable, Equatable, Hashable, ExpressibleByStringLiteral {
    /// The runs, left to right.
    public var spans: [Span]

    public init(_ spans: [Span] = []) { self.spans = spans }
    public init(_ text: String, _ style: Style = .plain) { spans = [Span(text, style)] }
    public init(stringLiteral value: String) { spans = [Span(value)] }

    /// The text without styling, as golden files hold it.
    public var plainText: String { spans.map(\.text).joined() }
    /// The columns this line occupies.
    public var width: Int { spans.reduce(0) { $0 + DisplayWidth.of($1.text) } }

    /// The spans of both lines, one after the other.
    public static func + (lhs: StyledLine, rhs: StyledLine) -> StyledLine { StyledLine(lhs.spans + rhs.spans) }

    /// Adds a span at the end.
    public mutating func append(_ text: String, _ style: Style = .plain) { spans.append(Span(text, style)) }

    /// The line cut to `width` columns (an ellipsis marks the cut); with `pad`, filled with spaces to `width`
    /// (keeping the last span's background so highlighted rows run to the edge).
    public func fitted(to width: Int, pad: Bool = false, padStyle: Style = .plain) -> StyledLine {
        var result: [Span] = []
        var used = 0
        let total = self.width
        for span in spans {
            let w = DisplayWidth.of(span.text)
            if total <= width || used + w < width {
                result.append(span)
                used += w
                continue
            }
            // This span holds the cut: keep what fits with one column left for the ellipsis.
            // A span that would end exactly at the edge still has more after it: the extra space forces the ellipsis.
            let cut = DisplayWidth.truncate(span.text + " ", to: width - used)
            result.append(Span(cut, span.style))
            used += DisplayWidth.of(cut)
            break
        }
        var line = StyledLine(result.filter { !$0.text.isEmpty })
        if pad, used < width { line.spans.append(Span(String(repeating: " ", count: width - used), padStyle)) }
        return line
    }

    /// The line with control characters (newlines, tabs, escapes from outside data) shown as spaces, so
    /// text from files and errors can never move the cursor or change the terminal.
    public func sanitized() -> StyledLine {
        StyledLine(
            spans.map { span in
                guard span.text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                    return span
                }
                return Span(
                    String(
                        String.UnicodeScalarView(
                            span.text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 })),
                    span.style)
            })
    }

    /// The line as terminal bytes: each span in its SGR style, reset after.
    public var ansi: String {
        var out = ""
        for span in spans {
            let codes = span.style.sgrParameters
            if codes.isEmpty {
                out += span.text
            } else {
                out += "\u{1B}[" + codes.joined(separator: ";") + "m" + span.text + "\u{1B}[0m"
            }
        }
        return out
    }
}

/// A whole screen: exactly `rows` lines, none wider than `columns`.
public struct Frame: Sendable, Equatable {
    /// The rows, top to bottom.
    public var lines: [StyledLine]

    public init(lines: [StyledLine]) { self.lines = lines }

    /// The frame as plain text, one line per row with trailing spaces removed (golden files).
    public var plainText: String {
        lines.map { line in
            var text = line.plainText
            while text.last == " " { text.removeLast() }
            return text
        }.joined(separator: "\n") + "\n"
    }
}
