import CSMDrivers
import Foundation

/// Runs `body` against a private tmux server (`tmux -L csm-test-<random>`) and kills that server and
/// removes its socket afterwards, also when `body` throws.
public func withTmuxServer<T>(_ body: (TmuxCLI, String) async throws -> T) async throws -> T {
    let socket = "csm-test-\(UUID().uuidString.prefix(8).lowercased())"
    defer { killTmuxServer(socket: socket) }
    return try await body(TmuxCLI(socketName: socket), socket)
}

/// Kills a private tmux server and removes its socket file.
public func killTmuxServer(socket: String) {
    _ = try? runTool("tmux", ["-L", socket, "kill-server"])
    let dir = ProcessInfo.processInfo.environment["TMUX_TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    try? FileManager.default.removeItem(atPath: "\(dir)/tmux-\(getuid())/\(socket)")
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held. For
/// waiting on real programs (a tmux pane to print), never to measure speed.
public func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
