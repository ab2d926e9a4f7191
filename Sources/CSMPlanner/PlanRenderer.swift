import CSMModel
import Foundation

/// ANSI styling that disappears when colour is off.
public struct TextStyle: Sendable {
    public var isEnabled: Bool

    public init(isEnabled: Bool) { self.isEnabled = isEnabled }

    public func green(_ s: String) -> String { wrap(s, "32") }
    public func yellow(_ s: String) -> String { wrap(s, "33") }
    public func red(_ s: String) -> String { wrap(s, "31") }
    public func cyan(_ s: String) -> String { wrap(s, "36") }
    public func bold(_ s: String) -> String { wrap(s, "1") }
    public func dim(_ s: String) -> String { wrap(s, "2") }

    private func wrap(_ s: String, _ code: String) -> String { isEnabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
}

/// Renders plans as Terraform-like text and as JSON.
public enum PlanRenderer {
    /// The human-readable plan, ending with `Plan: N to add, N to change, N to destroy.` (or the
    /// "No changes." message), in the shape Terraform users read every day.
    public static func text(_ plan: Plan, style: TextStyle = TextStyle(isEnabled: false)) -> String {
        guard plan.hasChanges else {
            return style.green(style.bold("No changes.")) + " Workspace '\(plan.workspace)' matches csm.yaml.\n"
        }
        let kinds = Set(plan.actions.map(\.kind))
        var out = legend(kinds, style: style) + "\n"
        out += "csm will perform the following actions in workspace '\(plan.workspace)':\n\n"
        for action in plan.actions { out += block(action, style: style) + "\n" }
        out += style.bold("Plan:") + " \(plan.toAdd) to add, \(plan.toChange) to change, \(plan.toDestroy) to destroy.\n"
        if plan.blockedCount > 0 {
            let n = plan.blockedCount
            out += style.red("\(n) action\(n == 1 ? " is" : "s are") blocked") + " to keep work safe; see the '!' entries above.\n"
        }
        return out
    }

    private static func legend(_ kinds: Set<ActionKind>, style: TextStyle) -> String {
        let names: [(ActionKind, String)] = [
            (.create, "create"), (.start, "start"), (.restart, "restart or repair"), (.destroy, "destroy"), (.blocked, "blocked (refused)"),
        ]
        var lines: [String] = []
        for (kind, name) in names {
            let present = kind == .restart ? (kinds.contains(.restart) || kinds.contains(.repair)) : kinds.contains(kind)
            if present { lines.append("  " + colored(kind, kind.symbol.padding(toLength: 3, withPad: " ", startingAt: 0), style) + " " + name) }
        }
        return "Session actions are indicated with the following symbols:\n" + lines.joined(separator: "\n") + "\n"
    }

    private static func colored(_ kind: ActionKind, _ s: String, _ style: TextStyle) -> String {
        switch kind {
        case .create: style.green(s)
        case .start: style.yellow(s)
        case .restart, .repair: style.cyan(s)
        case .destroy, .blocked: style.red(s)
        }
    }

    private static func headline(_ action: PlannedAction) -> String {
        let name = "session \"\(action.session)\""
        switch action.kind {
        case .create: return "# \(name) will be created"
        case .start: return "# \(name) will be started: \(action.reason)"
        case .restart: return "# \(name) will be restarted: \(action.reason)"
        case .repair: return "# \(name) will be repaired: \(action.reason)"
        case .destroy: return "# \(name) will be destroyed: \(action.reason)"
        case .blocked: return "# \(name) cannot be \(action.refused.map(pastTense) ?? "changed"): \(action.reason)"
        }
    }

    private static func pastTense(_ kind: ActionKind) -> String {
        switch kind {
        case .create: "created"
        case .start: "started"
        case .restart: "restarted"
        case .repair: "repaired"
        case .destroy: "destroyed"
        case .blocked: "changed"
        }
    }

    private static func block(_ action: PlannedAction, style: TextStyle) -> String {
        let symbol = action.kind.symbol
        let indent = String(repeating: " ", count: max(0, 3 - symbol.count))
        // A long reason reads better as a headline plus "what to do" lines.
        var parts = headline(action).components(separatedBy: "; ")
        var out = "  " + style.bold(parts.removeFirst()) + "\n"
        for part in parts { out += "  " + style.bold("#   " + part) + "\n" }
        out += indent + colored(action.kind, symbol, style) + " session \"\(action.session)\" {\n"
        for (mark, key, value) in attributes(action) {
            let padded = String(repeating: " ", count: max(0, 3 - (mark?.count ?? 0))) + (mark ?? "")
            out += "    " + (mark == nil ? padded : colored(action.kind, padded, style)) + " " + key.padding(toLength: 8, withPad: " ", startingAt: 0) + " = " + value + "\n"
        }
        out += "    }\n"
        return out
    }

    /// (change mark or nil for unchanged context, key, value) rows of one block.
    private static func attributes(_ action: PlannedAction) -> [(String?, String, String)] {
        let tmuxName = CSMName.tmuxSessionName(for: action.session)
        switch action.kind {
        case .create:
            guard let d = action.desired else { return [] }
            var rows: [(String?, String, String)] = [
                ("+", "host", quote(d.host)), ("+", "repo", quote(d.repo) + " (\(d.repoPath))"), ("+", "branch", quote(d.branch)),
            ]
            if let base = d.base { rows.append(("+", "base", quote(base))) }
            rows += [("+", "worktree", quote(d.worktreePath)), ("+", "tmux", quote(tmuxName)), ("+", "agent", quote(agentLine(d)))]
            if let prompt = d.prompt { rows.append(("+", "prompt", quote(String(prompt.prefix(60)) + (prompt.count > 60 ? "…" : "")))) }
            return rows
        case .start, .restart, .repair:
            guard let d = action.desired else { return [] }
            if !action.restoresWindows.isEmpty {
                return [(nil, "tmux", quote(tmuxName))] + action.restoresWindows.map { ("+", "window", quote($0)) }
                    + [(nil, "agent", "(keeps running)")]
            }
            let mark = action.kind == .start ? "+" : "-/+"
            var rows: [(String?, String, String)] = [(nil, "host", quote(d.host)), (nil, "branch", quote(d.branch))]
            rows.append((action.kind == .repair ? "+" : nil, "worktree", quote(d.worktreePath)))
            rows.append((mark, "tmux", quote(tmuxName)))
            rows.append((mark, "agent", quote(agentLine(d, continuing: true))))
            return rows
        case .destroy:
            var rows: [(String?, String, String)] = []
            if action.killsTmux { rows.append(("-", "tmux", quote(tmuxName))) }
            if let w = action.worktree {
                if action.archivesWork { rows.append(("+", "archive", quote("refs/csm/archive/\(action.session)/<timestamp>"))) }
                rows.append(("-", "worktree", quote(w.path)))
                if let branch = w.branch {
                    rows.append(action.deletesBranch ? ("-", "branch", quote(branch)) : (nil, "branch", quote(branch) + " (kept)"))
                }
            }
            return rows
        case .blocked:
            var rows: [(String?, String, String)] = []
            if let w = action.worktree { rows.append((nil, "worktree", quote(w.path))) }
            if let work = action.worktree?.workDescription, action.refused == .destroy { rows.append((nil, "work", work)) }
            return rows
        }
    }

    /// The agent command line as a person would type it (for display only; never executed).
    public static func agentLine(_ d: DesiredSession, continuing: Bool = false) -> String {
        var words = [d.agent.command]
        if continuing { words.append("--continue") }
        if let model = d.model { words += ["--model", model] }
        if let effort = d.effort { words += ["--effort", effort.rawValue] }
        words += d.agent.args
        return words.map(ShellQuote.displayWord).joined(separator: " ")
    }

    private static func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    /// The plan as JSON: `{"workspace", "summary": {add, change, destroy, blocked}, "actions": [...]}`.
    public static func json(_ plan: Plan) throws -> String {
        struct Summary: Encodable { var add, change, destroy, blocked: Int }
        struct Document: Encodable { var workspace: String; var summary: Summary; var actions: [PlannedAction] }
        let document = Document(workspace: plan.workspace,
                                summary: Summary(add: plan.toAdd, change: plan.toChange, destroy: plan.toDestroy, blocked: plan.blockedCount),
                                actions: plan.actions)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}
