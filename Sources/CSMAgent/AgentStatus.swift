/// What a session's agent is doing (DESIGN.md §4).
public enum AgentStatus: String, Sendable, Equatable, Codable, CaseIterable {
    /// tmux runs the agent, which has not reported yet.
    case starting
    /// Handling a prompt or running tools.
    case working
    /// Needs a person: a tool approval, Claude Code's own prompt, or its trust question.
    case waiting
    /// Finished its turn; ready for a message.
    case idle
    /// tmux is there but the agent exited.
    case stopped
    /// Declared but not running.
    case missing
}

/// A status with why, for the API and the TUI.
public struct AgentState: Sendable, Equatable {
    public var status: AgentStatus
    /// Set for `waiting` (what is asked) and `stopped`.
    public var reason: String?

    public init(_ status: AgentStatus, reason: String? = nil) {
        self.status = status
        self.reason = reason
    }
}

/// Derives a session's status from its hook events and from tmux, level-triggered: the latest hook
/// says what the agent does; tmux overrides it when the session or the agent is gone.
public struct AgentStatusTracker: Sendable, Equatable {
    /// The state the hooks imply, nil before the first hook of this agent process.
    public private(set) var hookState: AgentState?

    public init() {}

    /// Folds one hook event in; returns whether the hook-derived state changed.
    @discardableResult
    public mutating func apply(_ event: HookEvent) -> Bool {
        let before = hookState
        switch event.name {
        case "SessionStart", "Stop":
            hookState = AgentState(.idle)
        case "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure", "SubagentStop", "PreCompact":
            hookState = AgentState(.working)
        case "PermissionRequest":
            hookState = AgentState(.waiting, reason: "Claude Code asks to use \(event.toolName ?? "a tool")")
        case "Notification":
            switch event.payload["notification_type"]?.stringValue {
            case "permission_prompt", "elicitation_dialog":
                hookState = AgentState(
                    .waiting, reason: event.payload["message"]?.stringValue ?? "Claude Code asks a question")
            default:
                break
            }
        case "SessionEnd":
            hookState = AgentState(
                .stopped, reason: "the agent ended its session (\(event.payload["reason"]?.stringValue ?? "exit"))")
        default:
            break
        }
        return hookState != before
    }

    /// Forgets the hooks of a previous agent process (call when the agent is started again).
    public mutating func reset() { hookState = nil }

    /// The status, given what tmux shows: whether the session exists, whether the agent's pane is alive,
    /// and the pane's text when csm looked (to see a prompt no hook reports, such as the trust question).
    public func state(tmuxSessionExists: Bool, agentRunning: Bool, paneText: String? = nil) -> AgentState {
        guard tmuxSessionExists else { return AgentState(.missing) }
        guard agentRunning else {
            return AgentState(.stopped, reason: "the agent exited; its last output stays in the tmux window")
        }
        if let paneText, let prompt = PanePrompt.detect(paneText), hookState?.status != .working {
            return AgentState(.waiting, reason: prompt)
        }
        return hookState ?? AgentState(.starting)
    }
}

/// Recognises Claude Code's blocking prompts in a pane's text. Matching is loose (case-insensitive key
/// phrases) so cosmetic changes between versions do not break it.
public enum PanePrompt {
    /// The reason to show when `text` holds a prompt that waits for a person, else nil.
    public static func detect(_ text: String) -> String? {
        let lowered = text.lowercased()
        if lowered.contains("trust this folder") || lowered.contains("quick safety check") {
            return "Claude Code asks whether to trust this folder; answer in the session's tmux window"
        }
        if lowered.contains("do you want to proceed?") || lowered.contains("do you want to make this edit") {
            return "Claude Code asks for permission in its tmux window"
        }
        return nil
    }
}
