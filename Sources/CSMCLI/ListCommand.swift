import ArgumentParser
import CSMEngine
import CSMModel
import Foundation

/// `csm list` (alias `ls`): sessions with their status.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List sessions: running, stopped, missing, orphaned (owned, no longer declared) or unmanaged.",
        aliases: ["ls"]
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the sessions as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Only sessions on this host.", valueName: "name"))
    var host: String?

    @Flag(help: "List archived sessions (restore one with 'csm restore NAME').")
    var archived = false

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            if archived { return try listArchived(context) }
            let workspace = try context.loadWorkspace()
            var rows = try await context.makeEngine().list(workspace)
            if let host { rows = rows.filter { $0.host == host } }
            if json {
                context.output.write(try JSONOutput.encode(rows))
                return
            }
            guard !rows.isEmpty else {
                context.output.line("No sessions declared in workspace '\(workspace.name)'. Add one with 'csm create NAME --repo PATH'.")
                return
            }
            let now = Date()
            let table = rows.map { row in
                [row.name, row.status.rawValue + (row.attached ? " (attached)" : ""), row.branch ?? "-", row.host,
                 row.createdAt.map { Self.age(from: $0, to: now) } ?? "-"]
            }
            context.output.write(TextTable.render(header: ["NAME", "STATUS", "BRANCH", "HOST", "AGE"], rows: table) { column, cell in
                guard column == 1 else { return cell }
                let style = context.output.style
                if cell.hasPrefix("running") { return style.green(cell) }
                if cell.hasPrefix("missing") || cell.hasPrefix("orphaned") { return style.yellow(cell) }
                if cell.hasPrefix("stopped") || cell.hasPrefix("unreachable") || cell.hasPrefix("blocked") { return style.red(cell) }
                return style.dim(cell)
            })
            ListCommand.printSetupFailures(rows, output: context.output)
        }
    }

    /// "45s", "12m", "3h", "5d".
    static func age(from date: Date, to now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86400: return "\(seconds / 3600)h"
        default: return "\(seconds / 86400)d"
        }
    }
}

/// Plain column tables for terminals.
enum TextTable {
    /// Left-aligned columns separated by two spaces; `decorate` may colour a cell after padding is computed.
    static func render(header: [String], rows: [[String]], decorate: (Int, String) -> String = { $1 }) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String], _ decorate: (Int, String) -> String) -> String {
            cells.enumerated().map { i, cell in
                let padded = i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                return decorate(i, padded)
            }.joined(separator: "  ") + "\n"
        }
        return line(header) { $1 } + rows.map { line($0, decorate) }.joined()
    }
}

/// JSON output of command results.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
