import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Who holds a workspace lock, as written into the lock file.
public struct LockHolder: Sendable, Equatable, Codable {
    public var pid: Int32
    /// The holder's command line, for the message a waiting process prints.
    public var command: String
    public var since: Date

    public init(pid: Int32, command: String, since: Date) {
        self.pid = pid
        self.command = command
        self.since = since
    }

    /// This process.
    public static func current(now: Date = Date()) -> LockHolder {
        LockHolder(pid: getpid(), command: CommandLine.arguments.joined(separator: " "), since: now)
    }
}

/// Why a lock could not be taken.
public enum WorkspaceLockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process (or another lock in this one) holds it; `holder` is nil when it has not written
    /// its name yet.
    case held(path: String, holder: LockHolder?, waited: Duration)
    case system(path: String, operation: String, code: Int32)

    public var description: String {
        switch self {
        case .held(let path, let holder, let waited):
            let who =
                holder.map {
                    "process \($0.pid) (\($0.command)) since \(ISO8601DateFormatter().string(from: $0.since))"
                }
                ?? "another process"
            let wait = waited > .zero ? " after waiting \(waited.components.seconds)s" : ""
            return "\(path) is held by \(who)\(wait); only one csm may change this workspace at a time. "
                + "Stop that process or try again when it is done."
        case .system(let path, let operation, let code):
            return "lock \(path): \(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// An exclusive lock on a file under the state dir (`flock`), naming its holder inside the file.
///
/// The kernel releases it when the holder exits, even by a crash, so a stale file never blocks anyone.
/// Two `WorkspaceLock`s on one path conflict inside one process too (each has its own open file).
public final class WorkspaceLock: Sendable {
    public let path: String
    private let descriptor: Mutex<Int32?>

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    deinit { release() }

    /// Takes the lock at `path`, polling every `pollInterval` for up to `timeout` while another holder
    /// has it; throws `held` naming that holder when the time is up.
    public static func acquire(
        path: String, holder: LockHolder = .current(), timeout: Duration = .zero,
        pollInterval: Duration = .milliseconds(100)
    ) async throws(WorkspaceLockError) -> WorkspaceLock {
        let clock = ContinuousClock()
        let start = clock.now
        while true {
            if let lock = try tryAcquire(path: path, holder: holder) { return lock }
            let waited = start.duration(to: clock.now)
            if waited >= timeout || Task.isCancelled {
                throw .held(path: path, holder: readHolder(path: path), waited: waited)
            }
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// Takes the lock if it is free; nil when someone holds it.
    public static func tryAcquire(path: String, holder: LockHolder = .current()) throws(WorkspaceLockError)
        -> WorkspaceLock?
    {
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .system(path: path, operation: "open", code: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK || code == EAGAIN { return nil }
            throw .system(path: path, operation: "flock", code: code)
        }
        var text = (try? JSONEncoder.lockEncoder.encode(holder)) ?? Data()
        text.append(UInt8(ascii: "\n"))
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return WorkspaceLock(path: path, descriptor: descriptor)
    }

    /// The holder named in the lock file, if any.
    public static func readHolder(path: String) -> LockHolder? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(LockHolder.self, from: data)
    }

    /// Releases the lock (idempotent). The file stays, empty, for the next holder.
    public func release() {
        descriptor.withLock { descriptor in
            guard let fd = descriptor else { return }
            _ = ftruncate(fd, 0)
            _ = flock(fd, LOCK_UN)
            _ = close(fd)
            descriptor = nil
        }
    }
}

extension JSONEncoder {
    fileprivate static var lockEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
