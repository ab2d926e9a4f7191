import CSMConfig
import CSMDrivers
import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Synchronization
import Testing

@testable import CSMTUI

/// A `ServerAPI` that records requests, answers from a table and serves scripted event streams.
final class FakeServerAPI: ServerAPI {
    struct Request: Equatable {
        var method: String
        var path: String
        var body: JSONValue?
    }

    let address = "127.0.0.1:9"
    let requests = Mutex<[Request]>([])
    /// Answers by "METHOD path"; a missing entry answers `{}`.
    let answers = Mutex<[String: Result<JSONValue, APIFailure>]>([:])
    /// One list of events per connection; each stream ends after its list (as a dropped connection does).
    let streams = Mutex<[[EventRecord]]>([])
    /// The `after` of each connection, in order.
    let resumedFrom = Mutex<[UInt64?]>([])

    func answer(_ key: String, _ result: Result<JSONValue, APIFailure>) { answers.withLock { $0[key] = result } }

    func request(_ method: String, _ path: String, body: JSONValue?) async throws -> JSONValue {
        requests.withLock { $0.append(Request(method: method, path: path, body: body)) }
        return try (answers.withLock { $0["\(method) \(path)"] } ?? .success([:])).get()
    }

    func events(after lastEventID: UInt64?) -> AsyncThrowingStream<EventRecord, any Error> {
        resumedFrom.withLock { $0.append(lastEventID) }
        let events = streams.withLock { $0.isEmpty ? [] : $0.removeFirst() }
        return AsyncThrowingStream { continuation in
            for event in events { continuation.yield(event) }
            continuation.finish(throwing: APIFailure(status: 0, code: "closed", message: "connection closed"))
        }
    }
}

@Suite("runtime with csm server (fake)")
struct ServerRuntimeTests {
    static func record(_ id: UInt64, _ session: String?, _ type: String, _ data: JSONValue) -> EventRecord {
        EventRecord(id: id, ts: Date(timeIntervalSince1970: 1_800_000_000), session: session, type: type, data: data)
    }

    @Test("an SSE byte stream becomes csm events: ids, multi-line data, comments and chunk boundaries")
    func sse() {
        var parser = SSEParser()
        var messages = parser.feed(Array("retry: 2000\n: connected\n\nid: 4\ndata: {\"a\":".utf8))
        #expect(messages.isEmpty)
        messages = parser.feed(Array("1}\n\n: keepalive\n\nid: 5\r\ndata: x\r\ndata: y\r\n\r\n".utf8))
        #expect(messages == [.init(id: "4", data: #"{"a":1}"#), .init(id: "5", data: "x\ny")])
        let line =
            #"{"data":{"text":"hi"},"id":42,"session":"api","ts":"2026-11-25T06:00:00Z","type":"agent.assistant_text"}"#
        let record = SSEParser.record(.init(id: "42", data: line))
        #expect(record?.id == 42 && record?.session == "api" && record?.data["text"] == "hi")
    }

    @Test("server events read as detail lines: hooks by name, tools with their input, approvals, statuses")
    func eventLines() {
        let hook = ServerEvents.sessionEvent(
            Self.record(
                1, "a", "agent.hook",
                ["hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": ["command": "ls"]]))
        #expect(hook.kind == "PreToolUse" && hook.summary == "Bash ls" && hook.id == 1)
        let tool = ServerEvents.sessionEvent(
            Self.record(2, "a", "agent.tool_use", ["name": "Edit", "input": ["file_path": "/x.swift"]]))
        #expect(tool.kind == "tool_use" && tool.summary == "Edit /x.swift")
        let status = ServerEvents.sessionEvent(
            Self.record(3, "a", "agent.status", ["status": "waiting", "reason": "Bash"]))
        #expect(status.kind == "status" && status.summary == "waiting — Bash")
        let action = ServerEvents.sessionEvent(
            Self.record(4, "a", "session.action", ["action": "start", "outcome": "succeeded"]))
        #expect(action.summary == "start succeeded")
    }

    @Test("the live source follows the stream, resumes after the last id when it drops, and falls back to polling")
    func liveSource() async throws {
        let runtime = try RuntimeTests()
        defer { try? FileManager.default.removeItem(at: runtime.root) }
        let api = FakeServerAPI()
        api.answer("GET /api/health", .success(["workspace": "ws", "status": "ok"]))
        api.answer(
            "GET /api/sessions",
            .success([
                "sessions": [
                    [
                        "name": "keep", "status": "waiting", "statusReason": "Bash", "turnCount": 4, "costUSD": 1.5,
                        "pendingApprovals": [["requestId": "r1", "tool": "Bash", "input": ["command": "make"]]],
                    ]
                ]
            ]))
        api.streams.withLock {
            $0 = [
                [
                    Self.record(
                        10, "keep", "agent.approval_pending",
                        ["requestId": "r1", "tool": "Bash", "input": ["command": "make"]]),
                    Self.record(11, "keep", "agent.assistant_text", ["text": "Working on it."]),
                ],
                [Self.record(12, "keep", "agent.approval_decided", ["requestId": "r1", "decision": "allow"])],
            ]
        }
        let isUp = Mutex(true)
        let link = ServerLink()
        let source = LiveDataSource(
            environment: runtime.environment, link: link, discover: { isUp.withLock { $0 } ? api : nil })
        let recorder = RuntimeTests.Recorder()
        let task = Task { await source.run { recorder.emit(.data($0)) } }
        defer { task.cancel() }
        func saw(_ predicate: @escaping @Sendable (DataEvent) -> Bool) async -> Bool {
            await eventually(timeout: .seconds(30)) {
                recorder.events.withLock {
                    $0.contains { if case let .data(event) = $0 { predicate(event) } else { false } }
                }
            }
        }
        #expect(await saw { $0 == .server("127.0.0.1:9") })
        #expect(
            await saw {
                $0 == .approvalPending(PendingApproval(id: "r1", session: "keep", tool: "Bash", input: "make"))
            })
        #expect(await saw { $0 == .assistantText(session: "keep", "Working on it.") })
        #expect(await saw { $0 == .approvalResolved(id: "r1") }, "the second connection")
        #expect(api.resumedFrom.withLock { Array($0.prefix(2)) } == [nil, 11], "resumed after the last id seen")
        #expect(
            await saw {
                if case let .snapshot(snapshot) = $0 { snapshot.sessions.first?.agent?.turns == 4 } else { false }
            }, "the agent's turns from GET /api/sessions")
        #expect(
            await saw { if case let .connection(text) = $0 { text.hasPrefix("reconnecting in 1 s") } else { false } })
        isUp.withLock { $0 = false }
        source.refresh()
        let polling = DataEvent.connection("observing every 60 s · no server")
        let fellBack = await eventually(timeout: .seconds(30)) {
            recorder.events.withLock { $0.count { $0 == .data(polling) } } >= 2
        }
        #expect(fellBack, "polling again once no server answers")
        #expect(link.api == nil)
    }

    @Test("through a server: approvals, messages, kill refusals, create, merge and edits use its routes")
    func runnerThroughServer() async throws {
        let runtime = try RuntimeTests()
        defer { try? FileManager.default.removeItem(at: runtime.root) }
        let api = FakeServerAPI()
        let link = ServerLink()
        link.set(api)
        let runner = WorkspaceEffectRunner(environment: runtime.environment, link: link)
        let recorder = RuntimeTests.Recorder()

        await runner.perform(
            .approve(session: "keep", requestID: "r1", allow: false, always: true), emit: recorder.emit)
        await runner.perform(.sendMessage(session: "keep", text: "two\nlines"), emit: recorder.emit)
        api.answer(
            "DELETE /api/sessions/keep",
            .failure(
                APIFailure(
                    status: 409, code: "destroy_blocked",
                    message: "session 'keep' was not killed and csm.yaml is unchanged: 1 untracked file")))
        await runner.perform(.kill(session: "keep"), emit: recorder.emit)
        #expect(recorder.last == .effect(.killRefused(session: "keep", reason: "1 untracked file")))
        await runner.perform(
            .create(CreateRequest(name: "made", repo: "app", linear: "ENG-1", effort: "high")), emit: recorder.emit)
        #expect(recorder.last == .effect(.succeeded("Created 'made'; a attaches to it.")))
        api.answer(
            "POST /api/sessions/keep/merge",
            .success([
                "merge": [
                    "outcome": ["kind": "fastForward", "base": "main", "commit": "0123456789abcdef", "commitCount": 2]
                ]
            ]))
        await runner.perform(
            .merge(MergeRequest(session: "keep", strategy: "squash", message: "M", push: false)), emit: recorder.emit)
        #expect(
            recorder.last
                == .effect(
                    .merged(session: "keep", message: "Merged 'keep': fast-forwarded main by 2 commit(s) (01234567).")))
        await runner.perform(
            .edit(EditRequest(session: "keep", rename: "kept", linear: "ENG-9", favorite: true)), emit: recorder.emit)
        #expect(try runtime.config().contains("linear: ENG-9"), "the issue is edited in csm.yaml directly")

        let sent = api.requests.withLock { $0 }
        #expect(
            sent.contains(
                .init(
                    method: "POST", path: "/api/sessions/keep/approve-tool",
                    body: ["requestId": "r1", "action": "deny", "always": true])))
        #expect(sent.contains(.init(method: "POST", path: "/api/sessions/keep/message", body: ["text": "two\nlines"])))
        #expect(
            sent.contains(
                .init(
                    method: "POST", path: "/api/sessions",
                    body: ["name": "made", "repo": "app", "linear": "ENG-1", "effort": "high"])))
        #expect(sent.contains(.init(method: "POST", path: "/api/sessions/keep/favorite", body: nil)))
        #expect(sent.contains(.init(method: "POST", path: "/api/sessions/keep/rename", body: ["name": "kept"])))
    }

    @Test("Linear through the server's routes: my issues, detail, states, a state change, search; not configured")
    func linear() async throws {
        let runtime = try RuntimeTests()
        defer { try? FileManager.default.removeItem(at: runtime.root) }
        let api = FakeServerAPI()
        let issue: JSONValue = [
            "id": "u1", "identifier": "ENG-1", "title": "Fix login", "url": "https://linear.app/ENG-1",
            "description": "steps", "state": ["id": "s1", "name": "In Progress", "type": "started"],
        ]
        api.answer("GET /api/linear/issues?first=100", .success(["issues": [issue], "groups": []]))
        api.answer("GET /api/linear/issues/ENG-1", .success(["issue": issue]))
        api.answer(
            "GET /api/linear/states?issue=ENG-1",
            .success(["states": [["id": "s2", "name": "Done", "type": "completed"]]]))
        api.answer("GET /api/linear/issues?first=8&query=fix%20lo", .success(["issues": [issue]]))
        let link = ServerLink()
        let runner = WorkspaceEffectRunner(environment: runtime.environment, link: link)
        let recorder = RuntimeTests.Recorder()
        await runner.perform(.loadIssues, emit: recorder.emit)
        guard case .data(.linear(.unavailable(let text))) = recorder.last else {
            Issue.record("\(String(describing: recorder.last))"); return
        }
        #expect(text.hasPrefix("Linear is not configured"))

        link.set(api)
        await runner.perform(.loadIssues, emit: recorder.emit)
        let parsed = TaskIssue(
            id: "u1", identifier: "ENG-1", title: "Fix login", state: "In Progress", stateType: "started",
            url: "https://linear.app/ENG-1", description: "steps")
        #expect(recorder.last == .data(.linear(.issues([parsed]))))
        await runner.perform(.loadStates(issue: parsed), emit: recorder.emit)
        #expect(
            recorder.last
                == .data(.linear(.states(issue: "u1", [TaskIssueState(id: "s2", name: "Done", type: "completed")]))))
        await runner.perform(.searchIssues(query: "fix lo"), emit: recorder.emit)
        #expect(recorder.last == .data(.linear(.search(query: "fix lo", [parsed]))))
        await runner.perform(
            .setIssueState(issue: parsed, state: TaskIssueState(id: "s2", name: "Done", type: "completed")),
            emit: recorder.emit)
        #expect(
            api.requests.withLock { $0 }.contains(
                .init(method: "POST", path: "/api/linear/issues/ENG-1/state", body: ["stateId": "s2"])))
        api.answer(
            "GET /api/linear/issues?first=100",
            .failure(APIFailure(status: 503, code: "linear_not_configured", message: "no key")))
        await runner.perform(.loadIssues, emit: recorder.emit)
        #expect(
            recorder.last
                == .data(.linear(.unavailable("Linear is not configured: set integrations.linear.apiKey in csm.yaml.")))
        )
    }

    @Test("usage windows are read from /api/claude-usage with their pace")
    func usage() async throws {
        let api = FakeServerAPI()
        api.answer(
            "GET /api/claude-usage",
            .success([
                "session": ["utilization": 0.42, "resetsAt": "2026-11-25T10:00:00Z", "windowSeconds": 18000],
                "weekly": ["utilization": 0.1, "resetsAt": .null, "windowSeconds": 604800, "elapsedFraction": 0.25],
                "sonnet": .null, "opus": ["utilization": 0.9, "windowSeconds": 604800],
                "plan": "max", "fetchedAt": "2026-11-25T07:30:00Z",
            ]))
        let report = try await ServerIntegrations(api: api).usage()
        #expect(report.windows.map(\.label) == ["5h", "week", "opus"])
        #expect(report.windows[0].pace(at: report.fetchedAt) == 0.5)
        #expect(report.windows[1].pace(at: report.fetchedAt) == 0.25)
        #expect(report.windows[2].pace(at: report.fetchedAt) == nil)
    }
}
