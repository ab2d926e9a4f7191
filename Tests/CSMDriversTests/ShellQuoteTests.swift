import CSMDrivers
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// The one quoting function: every awkward word survives a real POSIX shell unchanged.
@Suite("shell quoting")
struct ShellQuoteTests {
    static let awkward = [
        "plain", "with space", "it's", "double \"quoted\"", "$HOME", "${PATH}", "$(id)", "a;rm -rf /", "`date`",
        "line one\nline two", "tab\there", "ünïcødé ✓ 日本", "-n", "--help", "*", "~", "back\\slash", "", "'", "''",
        "trailing newline\n", "!bang", "a|b&c>d<e",
    ]

    @Test("quote(word) is read back as exactly word by /bin/sh", arguments: awkward)
    func roundTripsThroughSh(_ word: String) throws {
        let output = try runTool("/bin/sh", ["-c", "printf '%s' " + ShellQuote.quote(word)])
        #expect(output == word)
    }

    @Test("command(argv) gives a program exactly its argv, leading dashes included")
    func commandKeepsArgv() throws {
        let script = "for a in \"$@\"; do printf '<%s>' \"$a\"; done"
        let argv = ["sh", "-c", script, "sh"] + Self.awkward
        let output = try runTool("/bin/sh", ["-c", ShellQuote.command(argv)])
        #expect(output == Self.awkward.map { "<\($0)>" }.joined())
    }

    @Test("path() lets the remote shell expand ~ and quotes the rest")
    func tildePaths() throws {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/"
        #expect(try runTool("/bin/sh", ["-c", "printf '%s' " + ShellQuote.path("~/a b/$x")]) == home + "/a b/$x")
        #expect(try runTool("/bin/sh", ["-c", "printf '%s' " + ShellQuote.path("~")]) == home)
        #expect(try runTool("/bin/sh", ["-c", "printf '%s' " + ShellQuote.path("/x/~/y")]) == "/x/~/y")
    }
}
