import CSMModel
/// One Claude Code hook call, as `csm hook` receives it on stdin.
///
/// Field names are Claude Code's (2.1.x): every payload has `hook_event_name`, `session_id`,
/// `transcript_path` and `cwd`; tool events add `tool_name`, `tool_input`, `tool_use_id`
/// (`PostToolUse` also `tool_response`, `PermissionRequest` also `permission_suggestions`);
/// `SessionStart` has `source` (`startup`, `resume`, `clear`, `compact`); `UserPromptSubmit` has `prompt`;
/// `Notification` has `message` and `notification_type` (`permission_prompt`, `idle_prompt`, …); `Stop`
/// has `last_assistant_message`.
public struct HookEvent: Sendable, Equatable {
    /// `SessionStart`, `PreToolUse`, … (see `AgentLaunch.hookEvents`).
    public var name: String
    public var payload: JSONValue

    /// Reads a payload; nil when it names no event.
    public init?(payload: JSONValue) {
        guard let name = payload["hook_event_name"]?.stringValue else { return nil }
        self.name = name
        self.payload = payload
    }

    /// Claude Code's conversation id.
    public var sessionID: String? { payload["session_id"]?.stringValue }
    /// The transcript to tail (it changes when the agent starts a new conversation).
    public var transcriptPath: String? { payload["transcript_path"]?.stringValue }
    public var cwd: String? { payload["cwd"]?.stringValue }
    public var toolName: String? { payload["tool_name"]?.stringValue }
    public var toolUseID: String? { payload["tool_use_id"]?.stringValue }

    /// The tool request of a `PreToolUse` or `PermissionRequest` event, for the rules.
    public func toolRequest(home: String) -> ToolRequest? { ToolRequest(hookPayload: payload, home: home) }
}

/// What `csm hook` prints for a tool decision, in Claude Code's hook output format (checked against
/// Claude Code 2.1.331: a `deny` reaches the model as the tool's error with the reason; an `allow` runs the
/// tool without a prompt; `ask` shows Claude Code's own prompt).
public enum HookResponse {
    /// The stdout for `PreToolUse`: `{"hookSpecificOutput":{"hookEventName":"PreToolUse",
    /// "permissionDecision":"allow|deny|ask","permissionDecisionReason":"…"}}`.
    public static func preToolUse(_ decision: ToolDecision, reason: String) -> String {
        JSONValue.object([
            "hookSpecificOutput": .object([
                "hookEventName": "PreToolUse", "permissionDecision": .string(decision.rawValue),
                "permissionDecisionReason": .string(reason),
            ])
        ]).jsonText
    }

    /// The stdout for `PermissionRequest` (Claude Code is about to show its prompt): allow, or deny with a
    /// message for the model; nil for `ask` (print nothing and the prompt appears).
    public static func permissionRequest(_ decision: ToolDecision, message: String) -> String? {
        let body: JSONValue
        switch decision {
        case .allow: body = ["behavior": "allow"]
        case .deny: body = ["behavior": "deny", "message": .string(message)]
        case .ask: return nil
        }
        return JSONValue.object(["hookSpecificOutput": ["hookEventName": "PermissionRequest", "decision": body]])
            .jsonText
    }
}

/// A decision about one tool call.
public enum ToolDecision: String, Sendable, Equatable, Codable {
    case allow, deny, ask
}
