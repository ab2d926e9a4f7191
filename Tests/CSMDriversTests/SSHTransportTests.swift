import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// The OpenSSH transport against a real sshd on loopback.
@Suite("ssh transport", .tags(.realSSH), .timeLimit(.minutes(2)), .serialized)
struct SSHTransportTests {
    static func transport(_ instance: SSHDInstance, state: String) async -> SSHTransport {
        let transport = SSHTransport(
            stateDirectory: state, options: SSHOptions(connectTimeout: 5, extraOptions: instance.clientOptions))
        await transport.configure([instance.hostSpec])
        return transport
    }

    @Test("calls share one master connection and give programs their exact arguments")
    func multiplexedCalls() async throws {
        try await withSSHHosts(["remote1"]) { hosts in
            try await withTemporaryDirectory { state in
                let transport = await Self.transport(hosts[0], state: state.path)
                defer { Task { await transport.disconnectAll() } }
                let runner = SSHProcessRunner(transport: transport, host: "remote1")
                let words = ["with space", "it's", "$HOME", "a;b", "`x`", "new\nline", "ünï ✓", "-n", ""]
                let result = try await runner.run("printf", ["<%s>"] + words)
                #expect(result.stdout == words.map { "<\($0)>" }.joined())
                let home = try await runner.run("sh", ["-c", "printf %s \"$HOME\""])
                #expect(home.stdout == hosts[0].home)
                #expect(await transport.isConnected("remote1"))
                let stdin = try await runner.run("cat", [], input: "from stdin\n", environment: nil)
                #expect(stdin.stdout == "from stdin\n")
                #expect(await transport.commandCount(host: "remote1") == 3)
                await transport.disconnect("remote1")
            }
        }
    }

    @Test("a missing key fails at once with a typed error that says what to do")
    func missingKeyFailsFast() async throws {
        try await withSSHHosts(["remote1"]) { hosts in
            try await withTemporaryDirectory { state in
                var spec = hosts[0].hostSpec
                spec.identityFile = state.path + "/no-such-key"
                let transport = SSHTransport(
                    stateDirectory: state.path,
                    options: SSHOptions(
                        connectTimeout: 5, extraOptions: hosts[0].clientOptions + ["IdentityAgent=none"]))
                await transport.configure([spec])
                do {
                    _ = try await transport.run("remote1", "true")
                    Issue.record("the call succeeded without a key")
                } catch let error as SSHError {
                    guard case .connectionFailed = error else { Issue.record("unexpected \(error)"); return }
                    #expect("\(error)".contains("remote1"))
                    #expect("\(error)".contains("identityFile") || "\(error)".contains("ssh-agent"))
                }
            }
        }
    }

    @Test("a host nobody listens on is a connection error, not a hang")
    func downHost() async throws {
        try await withTemporaryDirectory { state in
            let port = try freeLoopbackPort()
            let transport = SSHTransport(stateDirectory: state.path, options: SSHOptions(connectTimeout: 3))
            await transport.configure([HostSpec(name: "gone", ssh: "nobody@127.0.0.1", port: port)])
            await #expect(throws: SSHError.self) { _ = try await transport.run("gone", "true") }
        }
    }

    @Test("the control socket stays under the socket path limit, even for a long state directory")
    func shortControlPath() async throws {
        let long = "/tmp/" + String(repeating: "very-long-folder-name/", count: 8)
        let transport = SSHTransport(stateDirectory: long)
        let path = transport.controlPath(for: SSHHost(name: "h", destination: "u@h"))
        #expect(path.hasPrefix("/tmp/csm-"))
        #expect(path.utf8.count + 17 < 108)
        let short = SSHTransport(stateDirectory: "/tmp/s")
        #expect(short.controlPath(for: SSHHost(name: "h", destination: "u@h")).hasPrefix("/tmp/s/ssh/"))
    }

    @Test("a call past its timeout is stopped with a typed error")
    func timeout() async throws {
        try await withSSHHosts(["remote1"]) { hosts in
            try await withTemporaryDirectory { state in
                let transport = await Self.transport(hosts[0], state: state.path)
                defer { Task { await transport.disconnectAll() } }
                await #expect(throws: SSHError.self) {
                    _ = try await transport.run("remote1", "sleep 30", timeout: .seconds(1))
                }
                await transport.disconnect("remote1")
            }
        }
    }
}
