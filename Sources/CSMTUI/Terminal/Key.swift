/// One key press (or pasted text) as the TUI understands it, decoded from terminal bytes.
public enum Key: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// A printable character (letters, digits, punctuation, any UTF-8 text one grapheme at a time).
    case char(Character)
    /// Control + a letter (`ctrl("c")` for Ctrl-C); Enter, Tab, Backspace and Esc have their own cases.
    case ctrl(Character)
    case enter
    case tab
    case backTab
    case backspace
    case delete
    case escape
    case up, down, left, right
    case home, end, pageUp, pageDown
    /// Text pasted while bracketed paste is on, delivered whole so it is never taken for commands.
    case paste(String)
    /// A sequence the decoder does not know; ignored by the reducer.
    case unknown([UInt8])

    public var description: String {
        switch self {
        case let .char(c): return String(c)
        case let .ctrl(c): return "ctrl-\(c)"
        case .enter: return "enter"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .backspace: return "backspace"
        case .delete: return "delete"
        case .escape: return "esc"
        case .up: return "up"
        case .down: return "down"
        case .left: return "left"
        case .right: return "right"
        case .home: return "home"
        case .end: return "end"
        case .pageUp: return "page-up"
        case .pageDown: return "page-down"
        case let .paste(text): return "paste(\(text.count))"
        case let .unknown(bytes): return "unknown\(bytes)"
        }
    }
}

/// Turns the bytes read from a raw-mode terminal into keys.
///
/// Bytes arrive in chunks of whatever `read(2)` returned. A terminal writes each escape sequence in one
/// go, so an ESC at the very end of a chunk is the Esc key; an incomplete UTF-8 character or bracketed
/// paste is kept until the next chunk.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []
    private var pasteBuffer: [UInt8]?

    public init() {}

    private static let pasteStart: [UInt8] = Array("\u{1B}[200~".utf8)
    private static let pasteEnd: [UInt8] = Array("\u{1B}[201~".utf8)

    /// Decodes one chunk of input.
    public mutating func decode(_ chunk: [UInt8]) -> [Key] {
        var bytes = pending + chunk
        pending = []
        var keys: [Key] = []
        var i = 0
        while i < bytes.count {
            if var paste = pasteBuffer {
                if let end = Self.find(Self.pasteEnd, in: bytes, from: i) {
                    paste += bytes[i..<end]
                    keys.append(.paste(String(decoding: paste, as: UTF8.self)))
                    pasteBuffer = nil
                    i = end + Self.pasteEnd.count
                } else {
                    pasteBuffer = paste + bytes[i...]
                    return keys
                }
                continue
            }
            let byte = bytes[i]
            switch byte {
            case 0x1B:
                if Self.hasPrefix(Self.pasteStart, bytes, at: i) {
                    pasteBuffer = []
                    i += Self.pasteStart.count
                    continue
                }
                let (key, length) = Self.escapeSequence(bytes, at: i)
                keys.append(key)
                i += length
            case 0x0D: keys.append(.enter); i += 1
            // Line feed is Ctrl-J: a new line where text is multi-line, Enter elsewhere (the reducer decides).
            case 0x0A: keys.append(.ctrl("j")); i += 1
            case 0x09: keys.append(.tab); i += 1
            case 0x7F, 0x08: keys.append(.backspace); i += 1
            case 0x01...0x1A:
                keys.append(.ctrl(Character(Unicode.Scalar(byte + 0x60))))
                i += 1
            case 0x00...0x1F: keys.append(.unknown([byte])); i += 1
            default:
                let length = Self.utf8Length(byte)
                if i + length > bytes.count {
                    pending = Array(bytes[i...])
                    return keys
                }
                let text = String(decoding: bytes[i..<(i + length)], as: UTF8.self)
                keys.append(contentsOf: text.map { Key.char($0) })
                i += length
            }
        }
        bytes.removeAll()
        return keys
    }

    private static func utf8Length(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...0xF7: 4
        case 0xE0...0xEF: 3
        case 0xC0...0xDF: 2
        default: 1
        }
    }

    private static func hasPrefix(_ prefix: [UInt8], _ bytes: [UInt8], at index: Int) -> Bool {
        bytes.count - index >= prefix.count && Array(bytes[index..<(index + prefix.count)]) == prefix
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        for index in start...(bytes.count - needle.count) where hasPrefix(needle, bytes, at: index) { return index }
        return nil
    }

    /// Decodes the escape sequence starting at `index` (which holds ESC); returns the key and its length.
    private static func escapeSequence(_ bytes: [UInt8], at index: Int) -> (Key, Int) {
        guard index + 1 < bytes.count else { return (.escape, 1) }
        let next = bytes[index + 1]
        if next == 0x1B { return (.escape, 1) }
        if next == UInt8(ascii: "[") || next == UInt8(ascii: "O") {
            // CSI / SS3: parameters (digits and ';') then one final byte in 0x40...0x7E.
            var end = index + 2
            while end < bytes.count, !(0x40...0x7E).contains(bytes[end]) { end += 1 }
            guard end < bytes.count else { return (.unknown(Array(bytes[index...])), bytes.count - index) }
            let params = String(decoding: bytes[(index + 2)..<end], as: UTF8.self)
            let final = Character(Unicode.Scalar(bytes[end]))
            let length = end - index + 1
            let key: Key
            switch (final, params) {
            case ("A", _): key = .up
            case ("B", _): key = .down
            case ("C", _): key = .right
            case ("D", _): key = .left
            case ("H", _): key = .home
            case ("F", _): key = .end
            case ("Z", _): key = .backTab
            case ("~", "1"), ("~", "7"): key = .home
            case ("~", "4"), ("~", "8"): key = .end
            case ("~", "3"): key = .delete
            case ("~", "5"): key = .pageUp
            case ("~", "6"): key = .pageDown
            default: key = .unknown(Array(bytes[index..<(index + length)]))
            }
            return (key, length)
        }
        // ESC followed by anything else is the Esc key and then that key (the TUI binds no Alt keys, and
        // Esc typed quickly before a letter arrives in one chunk).
        return (.escape, 1)
    }
}
