import CSMAgent
import CSMEngine
import CSMModel
import Foundation

/// What the server knows about each session's agent from its hooks and transcript: status (through
/// `AgentStatusTracker`), and the transcript being tailed (through `TranscriptTailer`) with its model,
/// turns, tokens and cost.
///
/// A hook naming a `transcript_path` starts (or moves) the session's tailer; it polls every
/// `pollInterval` and keeps going after `Stop` (Claude Code writes the turn's last records after that
/// hook). New records become `agent.user_prompt`, `agent.assistant_text`, `agent.tool_use`,
/// `agent.tool_result` and `agent.error` events; status changes become `agent.status` events.
public actor AgentMonitor {
    struct Agent {
        var tracker = AgentStatusTracker()
        var tailer: TranscriptTailer
        var task: Task<Void, Never>?
        var usage: SessionUsage
        var lastMessage: String?
    }

    private var agents: [String: Agent] = [:]
    /// Set by `stopAll()`: hooks arriving during a shutdown start no new tailer.
    private var isStopped = false
    private let prices: PriceTable
    private let pollInterval: Duration

    public init(prices: PriceTable = .standard, pollInterval: Duration = .milliseconds(250)) {
        self.prices = prices
        self.pollInterval = pollInterval
    }

    /// What `GET /api/sessions` shows of one agent.
    public struct Snapshot: Sendable {
        /// The hook-derived state; nil before the first hook.
        public var state: AgentState?
        public var usage: SessionUsage
        /// The newest user prompt or assistant text.
        public var lastMessage: String?
    }

    public func snapshot(_ session: String) -> Snapshot? {
        agents[session].map { Snapshot(state: $0.tracker.hookState, usage: $0.usage, lastMessage: $0.lastMessage) }
    }

    /// Folds one hook in: status (an `agent.status` event when it changes) and the transcript to follow,
    /// read through `reader` when the agent runs on an SSH host.
    public func receive(_ hook: HookEvent, session: String, events: EventStore, reader: (any TranscriptReader)? = nil) async {
        let isNew = agents[session] == nil
        var agent =
            agents[session] ?? Agent(tailer: TranscriptTailer(prices: prices), usage: SessionUsage(prices: prices))
        if isNew { await agent.tailer.read(through: reader) }
        if hook.name == "SessionStart" { agent.tracker.reset() }
        if agent.tracker.apply(hook), let state = agent.tracker.hookState {
            var data: [String: JSONValue] = ["status": .string(state.status.rawValue)]
            if let reason = state.reason { data["reason"] = .string(reason) }
            _ = try? await events.append(NewEvent(session: session, type: "agent.status", data: .object(data)))
        }
        if let path = hook.transcriptPath { await agent.tailer.follow(path) }
        if agent.task == nil, hook.transcriptPath != nil, !isStopped {
            let tailer = agent.tailer
            let interval = pollInterval
            agent.task = Task { [weak self] in
                while !Task.isCancelled {
                    let entries = await tailer.poll()
                    let usage = await tailer.usage
                    guard let self else { return }
                    await self.publish(entries, usage: usage, session: session, events: events)
                    try? await Task.sleep(for: interval)
                }
            }
        }
        agents[session] = agent
    }

    /// Stops every tailer (the server is shutting down).
    public func stopAll() {
        isStopped = true
        for agent in agents.values { agent.task?.cancel() }
    }

    func publish(_ entries: [TranscriptEntry], usage: SessionUsage, session: String, events: EventStore) async {
        agents[session]?.usage = usage
        for entry in entries {
            switch entry.event {
            case .userPrompt(let text), .assistantText(let text):
                agents[session]?.lastMessage = String(text.prefix(300))
            default: break
            }
            let event = Self.event(entry.event)
            _ = try? await events.append(NewEvent(session: session, type: event.type, data: event.data))
        }
    }

    /// The event type and data of a transcript record; tool results are cut at 4 KiB.
    static func event(_ event: TranscriptEvent) -> (type: String, data: JSONValue) {
        switch event {
        case let .userPrompt(text): return ("agent.user_prompt", .object(["text": .string(text)]))
        case let .assistantText(text): return ("agent.assistant_text", .object(["text": .string(text)]))
        case let .toolUse(id, name, input):
            return (
                "agent.tool_use",
                .object(["id": .string(id), "name": .string(name), "input": input])
            )
        case let .toolResult(toolUseID, content, isError):
            return (
                "agent.tool_result",
                .object([
                    "toolUseId": .string(toolUseID), "content": .string(String(content.prefix(4096))),
                    "isError": .bool(isError),
                ])
            )
        case let .error(message): return ("agent.error", .object(["message": .string(message)]))
        }
    }
}

extension SessionView {
    /// Folds in what the agent's hooks and transcript say: a running agent's status comes from its hooks
    /// (tmux alone only tells `starting` from `idle`); model, turns, tokens and cost from the transcript.
    mutating func apply(_ agent: AgentMonitor.Snapshot) {
        if ["starting", "idle"].contains(status), let state = agent.state {
            status = state.status.rawValue
            statusReason = state.reason
        }
        if let model = agent.usage.model { self.model = model }
        if let message = agent.lastMessage { lastMessage = message }
        turnCount = agent.usage.turnCount
        costUSD = agent.usage.costUSD
        let tokens = agent.usage.tokens
        self.tokens = TokenCounts(
            input: tokens.inputTokens, output: tokens.outputTokens, cacheCreation: tokens.cacheCreationTokens,
            cacheRead: tokens.cacheReadTokens)
    }
}
