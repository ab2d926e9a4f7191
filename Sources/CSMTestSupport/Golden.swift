import Foundation
import Testing

/// Compares `actual` with `Tests/Fixtures/golden/<name>`. With `CSM_RECORD=1` the file is rewritten and
/// the test fails, so a recording is never accepted silently.
public func expectGolden(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = fixturesDirectory.appendingPathComponent("golden/\(name)")
    if ProcessInfo.processInfo.environment["CSM_RECORD"] == "1" {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(actual.utf8).write(to: url)
        Issue.record("recorded \(url.path); run again without CSM_RECORD to check it", sourceLocation: sourceLocation)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record("no golden file \(url.path); run with CSM_RECORD=1 to create it", sourceLocation: sourceLocation)
        return
    }
    #expect(actual == expected, "differs from \(name); run with CSM_RECORD=1 to re-record", sourceLocation: sourceLocation)
}
