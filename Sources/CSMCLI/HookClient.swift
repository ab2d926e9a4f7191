import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The smallest HTTP/1.1 client `csm hook` needs: one POST to the server on loopback over a plain IPv4
/// socket (Foundation's URLSession would load libcurl on every tool call). Every failure is nil: the
/// hook then stays silent and Claude Code decides as it would without csm.
enum HookClient {
    /// Connect timeout; the server is on this machine, so anything slower means it is not there.
    static let connectTimeoutMs: Int32 = 300

    /// POSTs `body` and returns the response body of a 200, nil otherwise. `readTimeout` bounds the wait
    /// for the answer (a tool approval may wait for a person).
    static func post(
        host: String, port: Int, path: String, headers: [String: String], body: Data,
        readTimeout: Int
    ) -> Data? {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
        let ipv4 = (host == "localhost" || host.contains(":")) ? "127.0.0.1" : host
        guard inet_pton(AF_INET, ipv4, &address.sin_addr) == 1 else { return nil }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        let started = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if started != 0 {
            guard errno == EINPROGRESS else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&poller, 1, connectTimeoutMs) == 1 else { return nil }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 else { return nil }
        }
        _ = fcntl(fd, F_SETFL, flags)
        var timeout = timeval(tv_sec: readTimeout, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head = "POST \(path) HTTP/1.1\r\nHost: \(ipv4):\(port)\r\nContent-Type: application/json\r\n"
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        var request = Data(head.utf8)
        request.append(body)
        guard writeAll(fd, request) else { return nil }
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 { return nil }
            if count == 0 { break }
            response.append(buffer, count: count)
            if response.count > 4 << 20 { return nil }
        }
        return Self.body(ofOK: response)
    }

    static func writeAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
    }

    /// The body of a `200` response (chunked or with a length; the server closes after it).
    static func body(ofOK response: Data) -> Data? {
        guard let split = response.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: response[..<split.lowerBound], as: UTF8.self)
        guard head.hasPrefix("HTTP/1.1 200") || head.hasPrefix("HTTP/1.0 200") else { return nil }
        let payload = Data(response[split.upperBound...])
        guard head.lowercased().contains("transfer-encoding: chunked") else { return payload }
        var result = Data()
        var rest = payload[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else { return nil }
            if size == 0 { break }
            let start = lineEnd.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size else { return nil }
            let end = rest.index(start, offsetBy: size)
            result.append(contentsOf: rest[start..<end])
            rest = rest[rest.index(end, offsetBy: min(2, rest.distance(from: end, to: rest.endIndex)))...]
        }
        return result
    }
}
