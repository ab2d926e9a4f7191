import CSMTestSupport
import Foundation
import Testing

@testable import CSMServer

/// csm.yaml is checked with one `stat` per request; these pin what counts as "changed".
@Suite("csm.yaml change detection")
struct FileStampTests {
    @Test("a rewrite of the same size, a replacement by rename and a touch each change the stamp")
    func changes() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("csm.yaml").path
            try Data("version: 1\n".utf8).write(to: URL(fileURLWithPath: path))
            let old = Date(timeIntervalSince1970: 1_700_000_000)
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
            let first = try #require(FileStamp(path: path))
            #expect(FileStamp(path: path) == first, "nothing happened")

            try Data("version: 2\n".utf8).write(to: URL(fileURLWithPath: path), options: [])
            try FileManager.default.setAttributes([.modificationDate: old.addingTimeInterval(1)], ofItemAtPath: path)
            #expect(FileStamp(path: path) != first, "same size, new content and time")

            let second = try #require(FileStamp(path: path))
            let other = dir.appendingPathComponent("new.yaml").path
            try Data("version: 3\n".utf8).write(to: URL(fileURLWithPath: other))
            try FileManager.default.setAttributes([.modificationDate: old.addingTimeInterval(1)], ofItemAtPath: other)
            #expect(rename(other, path) == 0)
            #expect(FileStamp(path: path) != second, "another inode")
            #expect(FileStamp(path: dir.appendingPathComponent("missing").path) == nil)
        }
    }

    @Test("a stamp vouches for the content only once the file is a few seconds old (racily clean)")
    func settling() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("csm.yaml").path
            try Data("version: 1\n".utf8).write(to: URL(fileURLWithPath: path))
            let stamp = try #require(FileStamp(path: path))
            let changed = Double(stamp.changed.tv_sec) + Double(stamp.changed.tv_nsec) / 1e9
            #expect(!stamp.isSettled(now: changed + 0.5))
            #expect(stamp.isSettled(now: changed + 3))
        }
    }
}
