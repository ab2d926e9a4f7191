/// A position in a source file, 1-based as editors and compilers count.
public struct SourceLocation: Sendable, Equatable, Hashable, Codable, Comparable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }

    /// `file:line:column`, the form editors jump to.
    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in a configuration file, rendered in compiler format.
public struct Diagnostic: Sendable, Equatable, Codable {
    public enum Severity: String, Sendable, Codable { case error, warning }

    public var severity: Severity
    public var location: SourceLocation
    /// What is wrong, naming the key or value.
    public var message: String
    /// What to do about it (for example "did you mean 'worktreeBase'?").
    public var hint: String?
    /// The text of the offending line, for the caret display.
    public var sourceLine: String?

    public init(_ severity: Severity = .error, at location: SourceLocation, _ message: String, hint: String? = nil, sourceLine: String? = nil) {
        self.severity = severity
        self.location = location
        self.message = message
        self.hint = hint
        self.sourceLine = sourceLine
    }

    /// `file:line:col: error: message`, then the hint, then the source line with a caret under the column.
    public var rendered: String {
        var out = "\(location.description): \(severity.rawValue): \(message)"
        if let hint { out += "\n  hint: \(hint)" }
        if let sourceLine {
            out += "\n" + sourceLine + "\n"
            // Keep tabs so the caret lines up under the same column in a terminal.
            let pad = sourceLine.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }
            out += pad.joined() + "^"
        }
        return out
    }
}

/// A set of diagnostics that stopped a configuration from loading.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Sorted by position.
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted { $0.location < $1.location }
    }

    public var description: String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let body = diagnostics.map(\.rendered).joined(separator: "\n")
        return body + "\n\(errors) error\(errors == 1 ? "" : "s") in configuration."
    }
}
