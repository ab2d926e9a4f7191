/// Turns successive frames into the bytes that bring the screen from one to the next: only rows that
/// changed are rewritten (cursor to the row, erase it, the row), so an idle screen
/// costs nothing and a busy one does not flicker.
public struct FrameDiff: Sendable {
    private var previous: Frame?

    public init() {}

    /// Forgets what is on screen, so the next frame is drawn in full (after a resize or an attach).
    public mutating func invalidate() { previous = nil }

    /// The escape sequences and text that draw `frame`; empty when nothing changed.
    public mutating func update(to frame: Frame) -> String {
        var out = ""
        if previous == nil { out += "\u{1B}[0m\u{1B}[2J" }
        for (row, line) in frame.lines.enumerated() {
            if let previous, row < previous.lines.count, previous.lines[row] == line { continue }
            // Erase first, then draw: erasing after a line that fills the row would take its last character
            // (the cursor waits on the last column).
            out += "\u{1B}[\(row + 1);1H\u{1B}[2K" + line.ansi
        }
        if let previous, previous.lines.count > frame.lines.count {
            for row in frame.lines.count..<previous.lines.count { out += "\u{1B}[\(row + 1);1H\u{1B}[K" }
        }
        previous = frame
        return out
    }
}
