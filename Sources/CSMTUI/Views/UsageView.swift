import Foundation

/// The footer's Claude usage bars: one per window (5-hour session, weekly, per model), each with a pace
/// marker `┃` where even use would be by now. A bar ahead of its marker is spending faster than the window lasts.
enum UsageView {
    static func line(_ state: TUIState, width: Int) -> StyledLine? {
        guard let usage = state.usage, !usage.windows.isEmpty else { return nil }
        let count = usage.windows.count
        // Each window: " label ▕bar▏ 42%"; the bars share what is left of the width.
        let fixed = usage.windows.reduce(0) { $0 + DisplayWidth.of($1.label) + 9 }
        let barWidth = max(4, min(20, (width - 2 - fixed) / max(1, count)))
        var line = StyledLine()
        for window in usage.windows {
            line.append(" " + window.label + " ", .dim)
            line = line + bar(window, width: barWidth, now: usage.fetchedAt)
            let percent = Int((window.utilization * 100).rounded())
            line.append(
                String(repeating: " ", count: max(0, 4 - String(percent).count)) + "\(percent)%",
                color(window, now: usage.fetchedAt))
        }
        return line.fitted(to: width)
    }

    /// Green while at or behind pace, yellow ahead of it, red past 90 %.
    static func color(_ window: UsageBar, now: Date) -> Style {
        if window.utilization >= 0.9 { return .color(.red, bold: true) }
        if let pace = window.pace(at: now), window.utilization > pace + 0.05 { return .color(.yellow) }
        return .color(.green)
    }

    static func bar(_ window: UsageBar, width: Int, now: Date) -> StyledLine {
        let filled = Int((min(1, max(0, window.utilization)) * Double(width)).rounded())
        let marker = window.pace(at: now).map { min(width - 1, Int(($0 * Double(width)).rounded(.down))) }
        var cells: [(String, Style)] = []
        for index in 0..<width {
            if index == marker {
                cells.append(("┃", .bold))
            } else if index < filled {
                cells.append(("█", color(window, now: now)))
            } else {
                cells.append(("░", .dim))
            }
        }
        var line = StyledLine("▕", .dim)
        for (text, style) in cells {
            if let last = line.spans.last, last.style == style {
                line.spans[line.spans.count - 1].text += text
            } else {
                line.append(text, style)
            }
        }
        line.append("▏", .dim)
        return line
    }
}
