import CSMModel
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How big event files grow and how many are kept per channel.
public struct EventStoreSettings: Sendable, Equatable {
    /// A channel's current file is rotated once it grows past this many bytes.
    public var maxFileBytes: Int
    /// Files kept per channel, the current one included (at least 2).
    public var keptFiles: Int

    public init(maxFileBytes: Int = 4 << 20, keptFiles: Int = 5) {
        self.maxFileBytes = max(1, maxFileBytes)
        self.keptFiles = max(2, keptFiles)
    }
}

/// Failures of the event store, naming the file.
public enum EventStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case system(path: String, operation: String, code: Int32)
    case invalidChannel(String)

    public var description: String {
        switch self {
        case .system(let path, let operation, let code):
            return "event store: \(operation) failed for \(path): \(String(cString: strerror(code)))"
        case .invalidChannel(let name):
            return "event store: '\(name)' is not a valid session name"
        }
    }
}

/// Events on disk: one JSONL file per session (`sessions/<name>.jsonl`) and one for the `reconcile`
/// channel (`reconcile.jsonl`), each line an `EventRecord`.
///
/// Ids come from one counter for the whole folder, so they increase strictly in every file and are
/// never reused after a restart (`open()` continues after the highest id found). A file past
/// `maxFileBytes` is renamed `<file>.1` (older ones shift up, the oldest beyond `keptFiles` is
/// deleted). A torn last line (a crash mid-write) is cut off by `open()` and logged. Replay from an id
/// binary-searches the byte offsets of the files, so a recent id costs a few small reads, not a scan.
/// Every appended event is handed to `publisher` in id order.
public actor EventStore {
    public let directory: String
    public let settings: EventStoreSettings
    /// Live fan-out of every appended event.
    public nonisolated let publisher: EventPublisher
    /// The stored JSON of the newest events, so streams need not encode an event once per client.
    public nonisolated let recentLines = RecentLines()
    private let now: @Sendable () -> Date
    private let logger = Logger(label: "csm.events")
    private var nextID: UInt64 = 1
    private var isOpen = false
    /// Open append descriptors and sizes of current files, by path.
    private var writers: [String: (descriptor: Int32, size: Int)] = [:]

    public init(
        directory: String, settings: EventStoreSettings = EventStoreSettings(),
        publisher: EventPublisher = EventPublisher(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.directory = directory
        self.settings = settings
        self.publisher = publisher
        self.now = now
    }

    /// The highest id given so far (0 when there is none).
    public var lastID: UInt64 { nextID - 1 }

    /// The highest id given to an event of a session (not of the `reconcile` channel) since the store
    /// was opened; `lastID` before any. What a view of the sessions depends on: a pass that changed
    /// nothing leaves it alone.
    public var lastSessionEventID: UInt64 { lastSessionID ?? lastID }
    private var lastSessionID: UInt64?

    /// Creates the folders, repairs torn last lines and finds the next id. Called by the first
    /// append or read when not called explicitly.
    public func open() throws(EventStoreError) {
        guard !isOpen else { return }
        try makeDirectory(directory)
        try makeDirectory(sessionsDirectory)
        var highest: UInt64 = 0
        for channel in channels() {
            for file in files(of: channel).reversed() {
                try repairTornLine(file)
                if let last = try lastRecord(in: file) {
                    highest = max(highest, last.id)
                    break
                }
            }
        }
        nextID = highest + 1
        isOpen = true
    }

    /// Stores `event` with the next id and the current time, then publishes it.
    @discardableResult
    public func append(_ event: NewEvent) throws(EventStoreError) -> EventRecord {
        try open()
        let path = try currentFile(of: event.session)
        let record = EventRecord(id: nextID, ts: now(), session: event.session, type: event.type, data: event.data)
        var line = (try? Self.encoder.encode(record)) ?? Data()
        recentLines.remember(record.id, line)
        line.append(UInt8(ascii: "\n"))
        var writer = try writer(for: path)
        let written = line.withUnsafeBytes { buffer in Self.writeAll(writer.descriptor, buffer) }
        guard written else { throw .system(path: path, operation: "write", code: errno) }
        if event.session != nil { lastSessionID = nextID }
        nextID += 1
        writer.size += line.count
        writers[path] = writer
        if writer.size > settings.maxFileBytes { try rotate(path) }
        publisher.publish(record)
        return record
    }

    /// The events of one channel (a session, or `reconcile` for nil) with an id above `id`, oldest first.
    public func events(session: String?, after id: UInt64 = 0) throws(EventStoreError) -> [EventRecord] {
        try open()
        if let session, !CSMName.isValid(session) { throw .invalidChannel(session) }
        let channelFiles = files(of: session)
        // Newest first until a file starts at or before `id`: older files hold nothing newer.
        var needed: [String] = []
        for file in channelFiles.reversed() {
            needed.insert(file, at: 0)
            if let first = try firstRecord(in: file), first.id <= id { break }
        }
        var result: [EventRecord] = []
        for file in needed {
            let offset = try firstOffset(in: file, after: id)
            result += try records(in: file, from: offset).filter { $0.id > id }
        }
        return result
    }

    /// The events of every channel with an id above `id`, merged in id order.
    public func allEvents(after id: UInt64 = 0) throws(EventStoreError) -> [EventRecord] {
        try open()
        var result: [EventRecord] = []
        for channel in channels() { result += try events(session: channel, after: id) }
        return result.sorted { $0.id < $1.id }
    }

    /// Flushes and closes every file (server shutdown). A later append opens them again.
    public func close() {
        for (_, writer) in writers {
            _ = fsync(writer.descriptor)
            _ = Glibc.close(writer.descriptor)
        }
        writers = [:]
    }

    // MARK: Files

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    private var sessionsDirectory: String { Paths.join(directory, "sessions") }

    /// The current file of a channel.
    func path(of session: String?) -> String {
        session.map { Paths.join(sessionsDirectory, $0 + ".jsonl") } ?? Paths.join(directory, "reconcile.jsonl")
    }

    private func currentFile(of session: String?) throws(EventStoreError) -> String {
        if let session, !CSMName.isValid(session) { throw .invalidChannel(session) }
        return path(of: session)
    }

    /// Every channel with a file: nil (reconcile) and each session name.
    func channels() -> [String?] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: sessionsDirectory)) ?? []
        var sessions = Set<String>()
        for name in names {
            guard let range = name.range(of: ".jsonl", options: .backwards) else { continue }
            let suffix = name[range.upperBound...]
            guard suffix.isEmpty || (suffix.first == "." && suffix.dropFirst().allSatisfy(\.isNumber)) else { continue }
            let session = String(name[..<range.lowerBound])
            if CSMName.isValid(session) { sessions.insert(session) }
        }
        return [nil] + sessions.sorted().map { Optional($0) }
    }

    /// A channel's existing files, oldest first (`<file>.N` … `<file>.1`, `<file>`).
    func files(of session: String?) -> [String] {
        let current = path(of: session)
        var result: [String] = []
        for index in stride(from: settings.keptFiles - 1, through: 1, by: -1) where exists("\(current).\(index)") {
            result.append("\(current).\(index)")
        }
        if exists(current) { result.append(current) }
        return result
    }

    private func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    private func writer(for path: String) throws(EventStoreError) -> (descriptor: Int32, size: Int) {
        if let writer = writers[path] { return writer }
        let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .system(path: path, operation: "open", code: errno) }
        var info = stat()
        let size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        writers[path] = (descriptor, size)
        return (descriptor, size)
    }

    private func rotate(_ path: String) throws(EventStoreError) {
        if let writer = writers.removeValue(forKey: path) {
            _ = fsync(writer.descriptor)
            _ = Glibc.close(writer.descriptor)
        }
        let oldest = "\(path).\(settings.keptFiles - 1)"
        if exists(oldest) { unlink(oldest) }
        for index in stride(from: settings.keptFiles - 2, through: 1, by: -1) where exists("\(path).\(index)") {
            guard rename("\(path).\(index)", "\(path).\(index + 1)") == 0 else {
                throw .system(path: path, operation: "rename", code: errno)
            }
        }
        guard rename(path, "\(path).1") == 0 else { throw .system(path: path, operation: "rename", code: errno) }
        logger.debug("rotated event file", metadata: ["file": "\(path)"])
    }

    private func makeDirectory(_ path: String) throws(EventStoreError) {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .system(path: path, operation: "mkdir", code: errno)
        }
    }

    static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let result = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if result < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += result
        }
        return true
    }
}
