import CSMModel

/// The bytes of one configuration file plus what diagnostics need from them: the file name as the caller
/// gave it, line texts for the caret display, and conversions from libyaml marks to byte offsets.
struct SourceText: Sendable {
    /// The file name shown in diagnostics (as given by the caller).
    let file: String
    /// The UTF-8 bytes, including a byte-order mark if the file has one.
    let bytes: [UInt8]
    /// Byte offset of every line start.
    private let lineStarts: [Int]
    /// Byte offset of each Unicode scalar libyaml counted, or nil when the text is ASCII (index = offset).
    private let scalarOffsets: [UInt32]?
    /// 3 when the text starts with a UTF-8 byte-order mark, which libyaml skips without counting.
    let bomLength: Int

    init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(index + 1) }
        lineStarts = starts
        bomLength = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if bytes.allSatisfy({ $0 < 0x80 }) {
            scalarOffsets = nil
        } else {
            // Every byte that does not continue a multi-byte sequence starts a scalar libyaml counts.
            var offsets: [UInt32] = []
            offsets.reserveCapacity(bytes.count)
            for index in bomLength..<bytes.count where bytes[index] & 0xC0 != 0x80 { offsets.append(UInt32(index)) }
            offsets.append(UInt32(bytes.count))
            scalarOffsets = offsets
        }
    }

    init(file: String, text: String) { self.init(file: file, bytes: Array(text.utf8)) }

    /// A mark from libyaml's 0-based line, column and scalar index.
    func mark(line: Int, column: Int, index: Int) -> YAMLMark {
        let offset: Int
        if let scalarOffsets {
            offset = Int(scalarOffsets[min(max(index, 0), scalarOffsets.count - 1)])
        } else {
            offset = min(index + bomLength, bytes.count)
        }
        return YAMLMark(line: line + 1, column: column + 1, offset: offset)
    }

    /// A mark for a byte offset (used for reader errors, which libyaml reports as an offset only).
    func mark(atByte offset: Int) -> YAMLMark {
        let offset = min(max(offset, 0), bytes.count)
        let lineIndex = lineIndex(ofByte: offset)
        let start = lineStarts[lineIndex]
        let column = bytes[start..<offset].count { $0 & 0xC0 != 0x80 }
        return YAMLMark(line: lineIndex + 1, column: column + 1, offset: offset)
    }

    /// 0-based index of the line holding the byte at `offset`.
    func lineIndex(ofByte offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The text of 1-based line `line` without its line break, or nil past the end.
    func lineText(_ line: Int) -> String? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        guard end >= start else { return "" }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// A location in this file.
    func location(_ mark: YAMLMark) -> SourceLocation {
        SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    /// An error diagnostic at `mark` with the source line attached.
    func error(at mark: YAMLMark, _ message: String, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, at: location(mark), message, hint: hint, sourceLine: lineText(mark.line))
    }

    /// The mark of the first byte of the file.
    static let origin = YAMLMark(line: 1, column: 1, offset: 0)
}
