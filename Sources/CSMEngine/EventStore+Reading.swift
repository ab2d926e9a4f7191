import CSMModel
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading event files by byte offset: torn-line repair, first and last record, binary search for the
/// first record after an id, and reading lines from an offset.
extension EventStore {
    /// Cuts a file back to its last complete line when the last write was torn.
    func repairTornLine(_ path: String) throws(EventStoreError) {
        let file = try EventFile(path: path, writable: true)
        defer { file.close() }
        guard file.size > 0, try file.byte(at: file.size - 1) != UInt8(ascii: "\n") else { return }
        let end = try file.lastNewline(before: file.size).map { $0 + 1 } ?? 0
        guard ftruncate(file.descriptor, off_t(end)) == 0 else {
            throw .system(path: path, operation: "ftruncate", code: errno)
        }
        Logger(label: "csm.events").warning(
            "cut off a torn last line (a write was interrupted)",
            metadata: ["file": "\(path)", "bytes": "\(file.size - end)"])
    }

    func firstRecord(in path: String) throws(EventStoreError) -> EventRecord? {
        let file = try EventFile(path: path)
        defer { file.close() }
        var offset = 0
        while offset < file.size {
            let (line, next) = try file.line(at: offset)
            if let record = Self.decode(line) { return record }
            offset = next
        }
        return nil
    }

    func lastRecord(in path: String) throws(EventStoreError) -> EventRecord? {
        let file = try EventFile(path: path)
        defer { file.close() }
        var end = file.size
        while end > 0 {
            // `end` is the size or just after a newline: the last line ends at end - 1.
            let start = try file.lastNewline(before: end - 1).map { $0 + 1 } ?? 0
            let (line, _) = try file.line(at: start)
            if let record = Self.decode(line) { return record }
            end = start
        }
        return nil
    }

    /// The offset of the first line whose id is above `id` (the file size when there is none). Ids
    /// increase down the file, so this is a binary search over byte offsets.
    func firstOffset(in path: String, after id: UInt64) throws(EventStoreError) -> Int {
        let file = try EventFile(path: path)
        defer { file.close() }
        // Invariant: `low` is a line start with every earlier line at or below `id`; `high` is a line
        // start (or the size) with the line there above `id`.
        var low = 0
        var high = file.size
        while low < high {
            let middle = low + (high - low) / 2
            var start = try file.lineStart(atOrAfter: middle)
            if start >= high { start = low }
            let (line, next) = try file.line(at: start)
            if let record = Self.decode(line), record.id > id {
                high = start
            } else {
                low = next
            }
        }
        return low
    }

    /// The offset where the last `lines` lines of the file start (0 when it has fewer), found by reading
    /// backwards in chunks.
    func tailOffset(in path: String, lines: Int) throws(EventStoreError) -> Int {
        let file = try EventFile(path: path)
        defer { file.close() }
        guard lines > 0 else { return file.size }
        // The file ends with a newline (torn lines are repaired on open), so the last line's own newline
        // is not a boundary: count `lines` newlines before it.
        var end = file.size > 0 ? file.size - 1 : 0
        var found = 0
        while end > 0 {
            let start = max(0, end - 65536)
            let chunk = try file.read(from: start, count: end - start)
            var index = chunk.endIndex
            while index > chunk.startIndex {
                index -= 1
                if chunk[index] == UInt8(ascii: "\n") {
                    found += 1
                    if found == lines { return start + (index - chunk.startIndex) + 1 }
                }
            }
            end = start
        }
        return 0
    }

    /// The records from `offset` to the end of the file; lines that do not decode are skipped.
    func records(in path: String, from offset: Int) throws(EventStoreError) -> [EventRecord] {
        let file = try EventFile(path: path)
        defer { file.close() }
        guard offset < file.size else { return [] }
        let data = try file.read(from: offset, count: file.size - offset)
        return data.split(separator: UInt8(ascii: "\n")).compactMap { Self.decode(Data($0)) }
    }

    static func decode(_ line: Data) -> EventRecord? {
        try? decoder.decode(EventRecord.self, from: line)
    }
}

/// An open event file read with `pread`, so readers never disturb the append descriptor.
struct EventFile {
    let path: String
    let descriptor: Int32
    let size: Int

    init(path: String, writable: Bool = false) throws(EventStoreError) {
        self.path = path
        descriptor = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(path: path, operation: "open", code: errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw .system(path: path, operation: "stat", code: code)
        }
        size = Int(info.st_size)
    }

    func close() { _ = Glibc.close(descriptor) }

    func read(from offset: Int, count: Int) throws(EventStoreError) -> Data {
        var data = Data(count: count)
        var done = 0
        while done < count {
            let result = data.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw .system(path: path, operation: "read", code: errno)
            }
            if result == 0 { break }
            done += result
        }
        return data.prefix(done)
    }

    func byte(at offset: Int) throws(EventStoreError) -> UInt8 {
        try read(from: offset, count: 1).first ?? 0
    }

    /// The line starting at `offset` (without its newline) and the offset after it.
    func line(at offset: Int) throws(EventStoreError) -> (Data, Int) {
        var collected = Data()
        var position = offset
        while position < size {
            let chunk = try read(from: position, count: min(8192, size - position))
            if chunk.isEmpty { break }
            if let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) {
                collected.append(chunk[chunk.startIndex..<newline])
                return (collected, position + (newline - chunk.startIndex) + 1)
            }
            collected.append(chunk)
            position += chunk.count
        }
        return (collected, size)
    }

    /// The offset of the last newline before `offset`, reading backwards in chunks.
    func lastNewline(before offset: Int) throws(EventStoreError) -> Int? {
        var end = offset
        while end > 0 {
            let start = max(0, end - 8192)
            let chunk = try read(from: start, count: end - start)
            if let index = chunk.lastIndex(of: UInt8(ascii: "\n")) { return start + (index - chunk.startIndex) }
            end = start
        }
        return nil
    }

    /// `offset` when a line starts there, else the start of the next line (or the size).
    func lineStart(atOrAfter offset: Int) throws(EventStoreError) -> Int {
        if offset == 0 { return 0 }
        if try byte(at: offset - 1) == UInt8(ascii: "\n") { return offset }
        return try line(at: offset).1
    }
}

extension EventStore {
    /// The newest event of a channel (a session, or `reconcile` for nil), read from the end of its file.
    public func lastEvent(session: String?) throws(EventStoreError) -> EventRecord? {
        try open()
        if let session, !CSMName.isValid(session) { throw .invalidChannel(session) }
        for file in files(of: session).reversed() {
            if let record = try lastRecord(in: file) { return record }
        }
        return nil
    }
}

extension EventStore {
    /// The encoder of event lines (one line of JSON, sorted keys, ISO 8601 times), for front ends that
    /// send events on.
    public static var lineEncoder: JSONEncoder { encoder }
}

extension EventStore {
    /// The newest `limit` events of a channel (nil: every channel, merged), oldest first. Reads files
    /// from the newest back only until it has enough; for every channel it seeks by id.
    public func recentEvents(session: String??, limit: Int) throws(EventStoreError) -> [EventRecord] {
        try open()
        guard let channel = session else {
            return try allEvents(after: lastID > UInt64(limit) ? lastID - UInt64(limit) : 0)
        }
        if let channel, !CSMName.isValid(channel) { throw .invalidChannel(channel) }
        var collected: [EventRecord] = []
        // From the end of each file back, only as many lines as are still missing: O(limit), not O(file).
        for file in files(of: channel).reversed() where collected.count < limit {
            collected = try records(in: file, from: tailOffset(in: file, lines: limit - collected.count)) + collected
        }
        return Array(collected.suffix(limit))
    }
}
