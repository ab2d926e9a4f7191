import Foundation

/// Where the server binds: `HOST:PORT` (`[::1]:PORT` for IPv6), as in `server.listen` and `--listen`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; nil when it is not one (port 0 means "any free port", for tests).
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: { $0 == "/" || $0 == " " }) else { return nil }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Whether only this machine can connect (127.0.0.0/8, ::1, localhost). Anything else makes every
    /// route require the token.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Whether the address binds every interface (then any `Host` name is accepted).
    public var isWildcard: Bool { host == "0.0.0.0" || host == "::" }

    /// The URL a browser on this machine opens.
    public func url(path: String = "/") -> String {
        let shown = isWildcard ? "127.0.0.1" : host
        let hostPart = shown.contains(":") ? "[\(shown)]" : shown
        return "http://\(hostPart):\(port)\(path)"
    }
}
