import CSMPlanner
import Foundation
import Synchronization

/// Writes lines to standard output and standard error. One lock keeps lines from concurrent apply
/// actions whole.
final class Output: Sendable {
    private let lock = Mutex(())
    let style: TextStyle

    init(color: Bool) { style = TextStyle(isEnabled: color) }

    /// Whether colour is wanted: not disabled by flag or `NO_COLOR`, and stdout is a terminal.
    static func wantsColor(noColorFlag: Bool, environment: [String: String]) -> Bool {
        !noColorFlag && (environment["NO_COLOR"] ?? "").isEmpty && isatty(STDOUT_FILENO) == 1
    }

    func write(_ text: String) {
        lock.withLock { _ in FileHandle.standardOutput.write(Data(text.utf8)) }
    }

    func line(_ text: String = "") { write(text + "\n") }

    func error(_ text: String) {
        let message = style.red(style.bold("Error:")) + " " + text + "\n"
        lock.withLock { _ in FileHandle.standardError.write(Data(message.utf8)) }
    }

    /// Config diagnostics, as they are (`file:line:col: error: ...`), on standard error.
    func diagnostics(_ text: String) {
        lock.withLock { _ in FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

    func warning(_ text: String) {
        let message = style.yellow(style.bold("Warning:")) + " " + text + "\n"
        lock.withLock { _ in FileHandle.standardError.write(Data(message.utf8)) }
    }

    /// Asks a question on the terminal and returns the answer line (nil at end of input).
    func ask(_ prompt: String) -> String? {
        write(prompt)
        return readLine(strippingNewline: true)
    }
}
