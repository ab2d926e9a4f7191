import CSMModel
import Foundation
import Logging

/// Follows one csm session's Claude Code transcript and turns records appended since the last look into
/// events, keeping the session's `SessionUsage`.
///
/// It survives what happens to transcripts in practice: the file does not exist yet (nothing until it
/// does), it grows (only new bytes are read), its last line is half written (kept until the newline
/// arrives), and the agent restarts with another file (`follow(_:)` with the path the next hook names;
/// records copied from the old file into the new one are recognised by uuid and not reported again).
/// A file replaced or truncated in place is read again from the start.
public actor TranscriptTailer {
    public private(set) var path: String?
    public private(set) var usage: SessionUsage
    private var offset: UInt64 = 0
    private var fileNumber: UInt64?
    private var partial = Data()
    private var seenRecords: Set<String> = []
    /// Where the transcript is read from; nil reads this machine's files.
    private var reader: (any TranscriptReader)?
    private let logger = Logger(label: "csm.agent")

    public init(path: String? = nil, prices: PriceTable = .standard, reader: (any TranscriptReader)? = nil) {
        self.path = path
        self.reader = reader
        usage = SessionUsage(prices: prices)
    }

    /// Reads the transcript through `reader` from now on (a session on an SSH host), or locally (nil).
    public func read(through reader: (any TranscriptReader)?) {
        self.reader = reader
    }

    /// Switches to `path` (hook payloads name the current transcript); the same path changes nothing.
    public func follow(_ path: String) {
        guard path != self.path else { return }
        self.path = path
        offset = 0
        fileNumber = nil
        partial = Data()
    }

    /// Reads what was appended since the last call and returns its events, oldest first.
    public func poll() async -> [TranscriptEntry] {
        guard let path else { return [] }
        if let reader {
            guard let chunk = await reader.read(path: path, from: offset) else { return [] }
            if (fileNumber != nil && chunk.fileNumber != fileNumber) || chunk.size < offset {
                // Replaced or truncated: read again from the start next time.
                offset = 0
                partial = Data()
                fileNumber = chunk.fileNumber
                return []
            }
            fileNumber = chunk.fileNumber
            return consume(chunk.data)
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return [] }
        let size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        let number = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value
        if (fileNumber != nil && number != fileNumber) || size < offset {
            offset = 0
            partial = Data()
        }
        fileNumber = number
        guard size > offset, let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let data: Data
        do {
            try handle.seek(toOffset: offset)
            data = try handle.readToEnd() ?? Data()
        } catch {
            logger.warning("cannot read transcript", metadata: ["path": "\(path)", "error": "\(error)"])
            return []
        }
        return consume(data)
    }

    /// Folds newly read bytes in and returns the events of the lines they complete.
    private func consume(_ data: Data) -> [TranscriptEntry] {
        offset += UInt64(data.count)
        partial.append(data)
        guard let lastNewline = partial.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let complete = partial[partial.startIndex..<lastNewline]
        partial = Data(partial[(lastNewline + 1)...])
        var entries: [TranscriptEntry] = []
        for line in complete.split(separator: UInt8(ascii: "\n")) {
            guard let value = JSONValue.parse(Data(line)) else { continue }
            let record = TranscriptParser.parse(record: value)
            usage.add(record)
            if let uuid = value["uuid"]?.stringValue {
                guard seenRecords.insert(uuid).inserted else { continue }
            }
            entries += record.entries
        }
        return entries
    }

    /// Polls every `interval` on `clock` and yields each non-empty batch until the stream's consumer
    /// goes away.
    public nonisolated func updates<C: Clock>(every interval: Duration, clock: C) -> AsyncStream<[TranscriptEntry]>
    where C.Duration == Duration {
        AsyncStream { continuation in
            let task = Task {
                while !Task.isCancelled {
                    let batch = await self.poll()
                    if !batch.isEmpty { continuation.yield(batch) }
                    do { try await clock.sleep(for: interval) } catch { break }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// Bytes of a transcript appended since an offset, with what identifies the file.
public struct TranscriptChunk: Sendable, Equatable {
    /// The file's size now.
    public var size: UInt64
    /// The file's inode (a replaced file has another).
    public var fileNumber: UInt64?
    /// The bytes from the asked offset on (possibly fewer than `size - offset`, in pieces).
    public var data: Data

    public init(size: UInt64, fileNumber: UInt64?, data: Data) {
        self.size = size
        self.fileNumber = fileNumber
        self.data = data
    }
}

/// Reads transcripts that are not on this machine (a session on an SSH host). nil: the file does not
/// exist (yet) or cannot be read now.
public protocol TranscriptReader: Sendable {
    func read(path: String, from offset: UInt64) async -> TranscriptChunk?
}
