import CSMConfig
import CSMModel
import Foundation
import Testing

/// The loader every decoding test uses: a fixed environment and home so results never depend on the machine.
func testLoader(_ environment: [String: String] = [:]) -> ConfigLoader {
    ConfigLoader(environment: environment, homeDirectory: "/home/u")
}

/// Parses `text` as `/proj/csm.yaml`.
func parse(_ text: String, environment: [String: String] = [:]) throws(ConfigError) -> Workspace {
    try testLoader(environment).parse(text, file: "csm.yaml", baseDirectory: "/proj")
}

/// The diagnostics `text` produces (empty when it loads).
func diagnostics(_ text: String, environment: [String: String] = [:]) -> [Diagnostic] {
    do {
        _ = try parse(text, environment: environment)
        return []
    } catch {
        return error.diagnostics
    }
}

/// `line:column: message` of every diagnostic, the form the error table compares.
func summaries(_ text: String, environment: [String: String] = [:]) -> [String] {
    diagnostics(text, environment: environment).map { "\($0.location.line):\($0.location.column): \($0.message)" }
}

/// The fixtures folder, found from this file's path (not bundle resources).
let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/config")
