import CSMServer
import CSMTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("status from the pane", .tags(.realTmux, .realGit), .timeLimit(.minutes(1)))
struct PanePromptStatusTests {
    @Test("a session stopped at the trust question is waiting, with the reason")
    func trustPromptIsWaiting() async throws {
        let agent = fixturesDirectory.appendingPathComponent("bin/fake-trust-prompt").path
        try await withServer(sessions: "  t:\n    repo: app\n    agent:\n      command: \(agent)\n") { server in
            try await server.test { client in
                _ = try await client.execute(uri: "/api/apply", method: .post, headers: server.auth)
                let waiting = await eventually {
                    let view = try? await client.execute(uri: "/api/sessions/t", method: .get)
                    return view?.object["status"] as? String == "waiting"
                }
                #expect(waiting)
                let view = try await client.execute(uri: "/api/sessions/t", method: .get)
                #expect((view.object["statusReason"] as? String)?.contains("trust this folder") == true, "\(view.text)")
            }
        }
    }
}
