import CSMAgent
import CSMModel
import Testing

@Suite("hook events, decisions and status")
struct HookAndStatusTests {
    func hook(_ name: String, _ extra: [String: JSONValue] = [:]) -> HookEvent {
        var payload: [String: JSONValue] = [
            "hook_event_name": .string(name), "session_id": "s1", "transcript_path": "/t.jsonl", "cwd": "/w",
        ]
        payload.merge(extra) { _, new in new }
        return HookEvent(payload: .object(payload))!
    }

    @Test("a payload reads as an event with its tool request")
    func event() throws {
        let event = hook(
            "PreToolUse", ["tool_name": "Bash", "tool_input": ["command": "ls"], "tool_use_id": "toolu_1"])
        #expect(
            event.name == "PreToolUse" && event.sessionID == "s1" && event.transcriptPath == "/t.jsonl"
                && event.toolUseID == "toolu_1")
        #expect(event.toolRequest(home: "/h")?.primaryInput == "ls")
        #expect(HookEvent(payload: ["session_id": "x"]) == nil)
    }

    @Test("decisions print in Claude Code's hook output format")
    func responses() {
        #expect(
            HookResponse.preToolUse(.deny, reason: "Denied by csm rule 3")
                == #"{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"Denied by csm rule 3"}}"#
        )
        #expect(
            HookResponse.permissionRequest(.allow, message: "")
                == #"{"hookSpecificOutput":{"decision":{"behavior":"allow"},"hookEventName":"PermissionRequest"}}"#)
        #expect(
            HookResponse.permissionRequest(.deny, message: "no")
                == #"{"hookSpecificOutput":{"decision":{"behavior":"deny","message":"no"},"hookEventName":"PermissionRequest"}}"#
        )
        #expect(HookResponse.permissionRequest(.ask, message: "") == nil)
    }

    @Test("hooks drive the status through a turn")
    func turn() {
        var tracker = AgentStatusTracker()
        #expect(tracker.state(tmuxSessionExists: true, agentRunning: true) == AgentState(.starting))
        tracker.apply(hook("SessionStart", ["source": "startup"]))
        #expect(tracker.state(tmuxSessionExists: true, agentRunning: true).status == .idle)
        tracker.apply(hook("UserPromptSubmit", ["prompt": "go"]))
        #expect(tracker.state(tmuxSessionExists: true, agentRunning: true).status == .working)
        tracker.apply(hook("PermissionRequest", ["tool_name": "Bash"]))
        #expect(
            tracker.state(tmuxSessionExists: true, agentRunning: true)
                == AgentState(.waiting, reason: "Claude Code asks to use Bash"))
        tracker.apply(hook("PostToolUse", ["tool_name": "Bash"]))
        #expect(tracker.state(tmuxSessionExists: true, agentRunning: true).status == .working)
        #expect(tracker.apply(hook("Notification", ["notification_type": "idle_prompt"])) == false)
        tracker.apply(hook("Stop"))
        #expect(tracker.state(tmuxSessionExists: true, agentRunning: true).status == .idle)
        tracker.apply(hook("SessionEnd", ["reason": "prompt_input_exit"]))
        #expect(tracker.state(tmuxSessionExists: true, agentRunning: true).status == .stopped)
    }

    @Test("tmux overrides hooks; a trust prompt with no hook is waiting with the reason")
    func tmux() {
        var tracker = AgentStatusTracker()
        #expect(tracker.state(tmuxSessionExists: false, agentRunning: false).status == .missing)
        #expect(tracker.state(tmuxSessionExists: true, agentRunning: false).status == .stopped)
        let trust = """
             Accessing workspace:
             /tmp/csm/worktrees/e2e/feature
             Quick safety check: Is this a project you created or one you trust?
             ❯ No, exit
               Yes, I trust this folder
            """
        let state = tracker.state(tmuxSessionExists: true, agentRunning: true, paneText: trust)
        #expect(state.status == .waiting && state.reason?.contains("trust") == true)
        tracker.apply(
            hook(
                "Notification",
                ["notification_type": "permission_prompt", "message": "Claude needs your permission to use Bash"]))
        #expect(
            tracker.state(tmuxSessionExists: true, agentRunning: true)
                == AgentState(.waiting, reason: "Claude needs your permission to use Bash"))
        tracker.reset()
        #expect(tracker.hookState == nil)
    }
}
