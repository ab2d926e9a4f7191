import CSMEngine
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the API token could not be read or created.
public enum ServerTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case tooOpen(path: String, mode: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read or create the API token at \(path): \(reason)"
        case .tooOpen(let path, let mode):
            return "the API token \(path) has mode \(String(mode, radix: 8)); other users could read it. "
                + "Run 'chmod 600 \(path)' (or delete it to get a new token)."
        }
    }
}

/// The API token (256 random bits as 64 hex digits) and the one-time login codes that turn into a
/// cookie holding it.
public final class ServerCredentials: Sendable {
    /// The bearer token every mutating route (every route off loopback) needs; `rotate` replaces it.
    public var token: String { current.withLock { $0 } }
    /// Where the token is kept (nil for credentials made in memory, as tests do): `rotate` rewrites it.
    public let path: String?
    private let current: Mutex<String>
    private let loginCodes: Mutex<Set<String>>

    public init(token: String, path: String? = nil) {
        current = Mutex(token)
        self.path = path
        loginCodes = Mutex([])
    }

    /// Reads `<state-dir>/token`, creating it (mode 0600) on first start. Refuses a token file that
    /// others can read.
    public static func loadOrCreate(path: String) throws(ServerTokenError) -> ServerCredentials {
        var info = stat()
        if stat(path, &info) == 0 {
            let mode = Int(info.st_mode & 0o777)
            guard mode & 0o077 == 0 else { throw .tooOpen(path: path, mode: mode) }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .unreadable(path: path, reason: "it cannot be read")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard token.count >= 32 else { throw .unreadable(path: path, reason: "it holds no token; delete it") }
            return ServerCredentials(token: token, path: path)
        }
        let token = randomHex(bytes: 32)
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
        try writeToken(token, to: path, flags: O_EXCL)
        return ServerCredentials(token: token, path: path)
    }

    /// Replaces the token with a new random one (the old one stops working at once) and rewrites the token
    /// file: a new file (mode 0600) renamed over the old, so a reader never sees half a token.
    @discardableResult
    public func rotate() throws(ServerTokenError) -> String {
        let token = Self.randomHex(bytes: 32)
        if let path {
            let temporary = path + ".new"
            unlink(temporary)
            try Self.writeToken(token, to: temporary, flags: O_EXCL)
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw .unreadable(path: path, reason: reason)
            }
        }
        current.withLock { $0 = token }
        return token
    }

    private static func writeToken(_ token: String, to path: String, flags: Int32) throws(ServerTokenError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0o600)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let line = Array((token + "\n").utf8)
        guard line.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == line.count else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// A new one-time login code (128 bits); `redeem` accepts it once.
    public func makeLoginCode() -> String {
        let code = Self.randomHex(bytes: 16)
        loginCodes.withLock { _ = $0.insert(code) }
        return code
    }

    /// Whether `code` is an unused login code; it is used up either way.
    public func redeem(_ code: String) -> Bool {
        loginCodes.withLock { $0.remove(code) != nil }
    }

    /// Compares in time independent of where the strings differ.
    public func isValid(_ candidate: String) -> Bool {
        let a = Array(candidate.utf8)
        let b = Array(token.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
