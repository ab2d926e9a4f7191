import CSMConfig
import CSMEngine
import CSMModel
import CSMTestSupport
import Foundation
import Testing

/// Writing events and csm.yaml on a full disk: a small tmpfs mounted by the test (root only).
@Suite(
    "disk full", .tags(.faults), .timeLimit(.minutes(2)),
    .enabled(if: canMountTmpfs, "mounting a small tmpfs to fill needs root on Linux"))
struct DiskFullTests {
    /// Every line of every file under `folder` decodes as an event; returns their ids in file order.
    static func parsedIDs(in folder: URL) throws -> [UInt64] {
        var ids: [UInt64] = []
        let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        for file in files.sorted() where file.contains(".jsonl") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(text.isEmpty || text.hasSuffix("\n"), "\(file) ends with a complete line")
            for line in text.split(separator: "\n") {
                let record = try JSONDecoder.events.decode(EventRecord.self, from: Data(line.utf8))
                ids.append(record.id)
            }
        }
        return ids
    }

    @Test("an event append on a full disk fails with a clear error, leaves no torn line, and works again when space returns")
    func eventsOnFullDisk() async throws {
        try await withSmallTmpfs(kilobytes: 256) { mount in
            let folder = mount.appendingPathComponent("events")
            let store = EventStore(directory: folder.path)
            let big = JSONValue.string(String(repeating: "e", count: 700))
            try await store.append(NewEvent(session: "api", type: "first", data: big))
            let ballast = try fillDisk(in: mount)
            var failure: EventStoreError?
            for index in 0..<10_000 {
                do {
                    try await store.append(NewEvent(session: index % 2 == 0 ? "api" : nil, type: "t", data: big))
                } catch let error as EventStoreError {
                    failure = error
                    break
                }
            }
            let error = try #require(failure, "the disk fills up")
            #expect(error.description.contains("No space left on device"), "\(error)")
            #expect(error.description.contains(folder.path), "the error names the file: \(error)")
            let before = try Self.parsedIDs(in: folder)
            #expect(Set(before).count == before.count, "no id is stored twice")

            try FileManager.default.removeItem(at: ballast)
            let next = try await store.append(NewEvent(session: "api", type: "after", data: big))
            #expect(next.id == (before.max() ?? 0) + 1, "ids continue without a gap or reuse")
            await store.close()
            let reopened = EventStore(directory: folder.path)
            let again = try await reopened.append(NewEvent(session: "api", type: "reopened"))
            #expect(again.id == next.id + 1)
            let all = try await reopened.allEvents().map(\.id)
            #expect(all == Array(1...again.id), "every stored event reads back, none lost or doubled")
            #expect(Set(try Self.parsedIDs(in: folder)) == Set(all))
        }
    }

    @Test("csm.yaml written on a full disk keeps the old file whole, leaves no temporary file, and saves once space returns")
    func configOnFullDisk() async throws {
        try await withSmallTmpfs(kilobytes: 128) { mount in
            let path = mount.appendingPathComponent("csm.yaml").path
            let original = "version: 1\nworkspace: full\nrepos: {}\nsessions: {}\n# " + String(repeating: "c", count: 2000) + "\n"
            try writeAtomically(original, to: path)
            let ballast = try fillDisk(in: mount)
            let bigger = original + "# " + String(repeating: "d", count: 64 * 1024) + "\n"
            #expect {
                try writeAtomically(bigger, to: path)
            } throws: { error in
                "\(error)".contains("No space left on device") && "\(error)".contains(path)
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == original, "the old csm.yaml is intact")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: mount.path).filter { $0.contains(".tmp-") }
            #expect(leftovers.isEmpty, "no temporary file is left behind: \(leftovers)")
            #expect(try ConfigLoader().load(file: path).name == "full")

            try FileManager.default.removeItem(at: ballast)
            try writeAtomically(bigger, to: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == bigger)
        }
    }
}

extension JSONDecoder {
    /// Decodes event lines as the store writes them (ISO 8601 dates).
    static let events: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
