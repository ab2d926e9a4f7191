import CSMModel
import Foundation

/// A `ProcessRunner` whose programs run on an SSH host: the argv is quoted word by word with
/// `ShellQuote` into one command line for the remote shell, so `TmuxCLI` and the remote git driver
/// pass exactly the arguments they built, whatever the names, paths or prompts hold.
public struct SSHProcessRunner: ProcessRunner {
    public let transport: SSHTransport
    /// The host's name in csm.yaml.
    public let host: String
    /// How long one program may run before it is stopped (nil: the transport's default).
    public var timeout: Duration?

    public init(transport: SSHTransport, host: String, timeout: Duration? = nil) {
        self.transport = transport
        self.host = host
        self.timeout = timeout
    }

    public func run(_ executable: String, _ arguments: [String], input: String?, environment: [String: String]?)
        async throws -> ProcessResult
    {
        try await transport.run(
            host, Self.commandLine(executable, arguments, environment: environment), input: input,
            timeout: timeout)
    }

    /// `exec [env K=V…] program args…`, every word quoted. With an environment the variables are added
    /// to the remote login's (a remote program never gets csm's local environment).
    static func commandLine(_ executable: String, _ arguments: [String], environment: [String: String]?) -> String {
        var argv: [String] = []
        if let environment, !environment.isEmpty {
            argv = ["env"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        }
        return "exec " + ShellQuote.command(argv + [executable] + arguments)
    }

    /// Runs a POSIX sh script on the host with positional arguments (`sh -c SCRIPT csm ARG…`), each
    /// quoted. Scripts use `"$1"`… rather than splicing values into their text.
    public func runScript(_ script: String, arguments: [String] = [], input: String? = nil, timeout: Duration? = nil)
        async throws -> ProcessResult
    {
        let line = "exec " + ShellQuote.command(["sh", "-c", script, "csm"] + arguments)
        return try await transport.run(host, line, input: input, timeout: timeout ?? self.timeout)
    }
}
