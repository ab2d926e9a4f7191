import CSMPlanner

/// `P`: the plan as `csm plan` prints it, scrollable.
enum PlanView {
    static func lines(_ state: TUIState, width: Int, height: Int, scroll: Int) -> [StyledLine] {
        guard let plan = state.snapshot?.plan else { return [StyledLine(" Observing…", .dim)] }
        let text = PlanRenderer.text(plan)
        var all = text.split(separator: "\n", omittingEmptySubsequences: false).map { raw -> StyledLine in
            let line = " " + String(raw)
            let trimmed = raw.drop { $0 == " " }
            if trimmed.hasPrefix("+") { return StyledLine(line, .color(.green)) }
            if trimmed.hasPrefix("-/+") || trimmed.hasPrefix("~") { return StyledLine(line, .color(.yellow)) }
            if trimmed.hasPrefix("-") || trimmed.hasPrefix("!") { return StyledLine(line, .color(.red)) }
            return StyledLine(line)
        }
        while all.last?.plainText.trimmingSpaces().isEmpty == true { all.removeLast() }
        let start = min(scroll, max(0, all.count - height))
        return Array(all.dropFirst(start))
    }
}
