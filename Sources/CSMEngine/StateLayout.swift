import CSMModel
import Foundation

/// Where csm keeps its own files under the state directory (`--state-dir`, `CSM_STATE_DIR`,
/// default `$XDG_STATE_HOME/csm`). Nothing here is trusted over observation: these are generated
/// inputs for the agent (settings, launch scripts) and logs, not a record of what exists.
public struct StateLayout: Sendable, Equatable {
    public var root: String

    public init(root: String) { self.root = root }

    /// The default state directory for an environment: `$XDG_STATE_HOME/csm`, else `~/.local/state/csm`.
    public static func defaultRoot(environment: [String: String], home: String) -> String {
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") { return Paths.join(xdg, "csm") }
        return Paths.join(home, ".local/state/csm")
    }

    /// The folder of one session's generated files.
    public func sessionDirectory(workspace: String, session: String) -> String {
        Paths.join(root, "workspaces", workspace, "sessions", session)
    }

    public func settingsFile(workspace: String, session: String) -> String {
        Paths.join(sessionDirectory(workspace: workspace, session: session), "settings.json")
    }

    public func agentScript(workspace: String, session: String) -> String {
        Paths.join(sessionDirectory(workspace: workspace, session: session), "agent.sh")
    }

    public func terminalScript(workspace: String, session: String) -> String {
        Paths.join(sessionDirectory(workspace: workspace, session: session), "terminal.sh")
    }

    public func hookSecretFile(workspace: String, session: String) -> String {
        Paths.join(sessionDirectory(workspace: workspace, session: session), "hook-secret")
    }

    /// The output of the session's last setup run.
    public func setupLog(workspace: String, session: String) -> String {
        Paths.join(sessionDirectory(workspace: workspace, session: session), "setup.log")
    }

    /// The generated setup script.
    public func setupScript(workspace: String, session: String) -> String {
        Paths.join(sessionDirectory(workspace: workspace, session: session), "setup.sh")
    }

    /// The generated file of a `csm run` script.
    public func runScript(workspace: String, session: String, script: String) -> String {
        Paths.join(sessionDirectory(workspace: workspace, session: session), "scripts", script + ".sh")
    }

    public func hookLog(workspace: String, session: String) -> String {
        Paths.join(sessionDirectory(workspace: workspace, session: session), "hooks.jsonl")
    }
}
