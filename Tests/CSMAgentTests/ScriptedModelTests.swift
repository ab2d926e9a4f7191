import CSMScriptedModel
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("scripted model server")
struct ScriptedModelTests {
    func post(_ model: ScriptedModel, _ path: String, _ body: String) async throws -> String {
        var request = URLRequest(url: URL(string: model.baseURL + path)!)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        let (data, _) = try await URLSession.shared.data(for: request)
        return String(decoding: data, as: UTF8.self)
    }

    @Test("a streamed turn carries text and tool_use blocks as SSE events with usage")
    func streamed() async throws {
        let model = try ScriptedModel(script: [
            ModelTurn([.text("Working on it."), .bash("touch x", id: "toolu_1")], outputTokens: 33)
        ])
        defer { model.stop() }
        let text = try await post(
            model, "/v1/messages?beta=true",
            #"{"model":"claude-x","stream":true,"tools":[{"name":"Bash"}],"messages":[]}"#)
        let names = text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
        #expect(
            names == [
                "message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
            ])
        #expect(text.contains(#""partial_json":"{\"command\":\"touch x\""#))
        #expect(text.contains(#""stop_reason":"tool_use""#))
        #expect(text.contains(#""output_tokens":33"#))
        #expect(text.contains(#""model":"claude-x""#))
    }

    @Test("non-streaming calls, side calls, count_tokens and the exhausted script")
    func plain() async throws {
        let model = try ScriptedModel(script: [ModelTurn([.text("first")])], sideCallText: "A title")
        defer { model.stop() }
        let title = try await post(model, "/v1/messages", #"{"model":"m","messages":[]}"#)
        #expect(title.contains(#""text":"A title""#))
        let first = try await post(model, "/v1/messages", #"{"model":"m","tools":[{"name":"Bash"}],"messages":[]}"#)
        #expect(first.contains(#""text":"first""#) && first.contains(#""stop_reason":"end_turn""#))
        let after = try await post(model, "/v1/messages", #"{"model":"m","tools":[{"name":"Bash"}],"messages":[]}"#)
        #expect(after.contains(model.fallbackText))
        let count = try await post(model, "/v1/messages/count_tokens", "{}")
        #expect(count == #"{"input_tokens":42}"#)
        #expect(model.requests.count == 4)
        #expect(model.requests.filter(\.offersTools).count == 2)
        #expect(model.requests.first?.headers["content-type"] == "application/json")
    }

    @Test("stop closes the port")
    func stops() async throws {
        let model = try ScriptedModel(script: [])
        model.stop()
        await #expect(throws: (any Error).self) { _ = try await post(model, "/v1/messages", "{}") }
    }
}
