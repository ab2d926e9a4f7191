import CSMModel
import Foundation
import Synchronization

/// One stored event as its line on disk: the exact JSON a stream sends for it (the store and the
/// streams share `lineEncoder`), so a replay can send it without decoding and encoding it again.
public struct StoredLine: Sendable, Equatable {
    public var id: UInt64
    public var json: Data

    public init(id: UInt64, json: Data) {
        self.id = id
        self.json = json
    }
}

extension EventStore {
    /// The stored lines of one channel (a session, or `reconcile` for nil) with an id above `id`,
    /// oldest first: about `maxBytes` per call (at least one line), so call again after the last id
    /// until the result is empty. A 200,000-event replay is then a few dozen large reads instead of
    /// 200,000 decodes. Lines without a readable id are skipped, as `events` skips lines that do not decode.
    public func storedLines(session: String?, after id: UInt64, maxBytes: Int = 1 << 20) throws(EventStoreError)
        -> [StoredLine]
    {
        try open()
        if let session, !CSMName.isValid(session) { throw .invalidChannel(session) }
        for path in files(of: session) {
            guard let last = try lastRecord(in: path), last.id > id else { continue }
            let offset = try firstOffset(in: path, after: id)
            let file = try EventFile(path: path)
            defer { file.close() }
            guard offset < file.size else { continue }
            var data = try file.read(from: offset, count: min(file.size - offset, max(1, maxBytes)))
            if offset + data.count < file.size {
                // Cut back to the last whole line; a line longer than `maxBytes` is read whole.
                if let newline = data.lastIndex(of: UInt8(ascii: "\n")) {
                    data = data[data.startIndex...newline]
                } else {
                    data = try file.line(at: offset).0
                }
            }
            let lines = Self.splitStoredLines(data, after: id)
            if !lines.isEmpty { return lines }
        }
        return []
    }

    /// The lines of `data` with an id above `id`. Scans raw bytes: `Data`'s generic collection
    /// methods cost a hundred times more per byte, which a 30 MB replay feels.
    static func splitStoredLines(_ data: Data, after id: UInt64) -> [StoredLine] {
        data.withUnsafeBytes { raw -> [StoredLine] in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lines: [StoredLine] = []
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                if end > start {
                    let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    if let lineID = storedID(line), lineID > id { lines.append(StoredLine(id: lineID, json: Data(buffer: line))) }
                }
                start = end + 1
            }
            return lines
        }
    }

    /// The id of a stored line without decoding it. Keys are sorted (`data`, `id`, `session`, `ts`,
    /// `type`), so the last `"id":` of the line is the record's own: `data` comes before it, and what
    /// follows (a session name, a time, an event type) holds no quote.
    static func storedID(_ line: UnsafeBufferPointer<UInt8>) -> UInt64? {
        let key: [UInt8] = Array(#""id":"#.utf8)
        guard line.count >= key.count else { return nil }
        var start = line.count - key.count
        while start >= 0 {
            if line[start] == key[0], line[start + 1] == key[1], line[start + 2] == key[2], line[start + 3] == key[3],
                line[start + 4] == key[4]
            {
                break
            }
            start -= 1
        }
        guard start >= 0 else { return nil }
        var value: UInt64 = 0
        var index = start + key.count
        while index < line.count, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") {
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = times + UInt64(line[index] - UInt8(ascii: "0"))
            index += 1
        }
        return index > start + key.count ? value : nil
    }
}

/// The JSON lines of the most recently appended events of one store, by id: fifty clients of a stream
/// send the same event, and encoding it once instead of fifty times is most of the cost of a fan-out.
public final class RecentLines: Sendable {
    /// Slots of a ring indexed by id: the newest `capacity` events are found, older ones are encoded again.
    static let capacity = 4096
    private let slots = Mutex([(id: UInt64, json: Data)](repeating: (0, Data()), count: capacity))

    public init() {}

    func remember(_ id: UInt64, _ json: Data) {
        slots.withLock { $0[Int(id % UInt64(Self.capacity))] = (id, json) }
    }

    /// The line `EventStore.lineEncoder` gives for `event`: the stored one when it is recent.
    public func json(of event: EventRecord) -> Data {
        let slot = slots.withLock { $0[Int(event.id % UInt64(Self.capacity))] }
        if slot.id == event.id, !slot.json.isEmpty { return slot.json }
        return (try? EventStore.lineEncoder.encode(event)) ?? Data("{}".utf8)
    }
}
