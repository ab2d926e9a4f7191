import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The little HTTP/1.1 the scripted model needs: read one request (headers + `Content-Length` body),
/// write one response and close.
enum HTTPWire {
    /// Requests bigger than this are cut off (Claude Code's first request is ~60 KB).
    static let maxRequest = 16 << 20

    static func readRequest(_ fd: Int32) -> RecordedRequest? {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var contentLength = 0
        var head: [String] = []
        while buffer.count < maxRequest {
            if let end = headerEnd, buffer.count >= end + contentLength { break }
            let count = read(fd, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            buffer += chunk[0..<count]
            if headerEnd == nil, let end = find([13, 10, 13, 10], in: buffer) {
                headerEnd = end + 4
                head = String(decoding: buffer[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
                for line in head.dropFirst() where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
        guard let end = headerEnd, let requestLine = head.first else { return nil }
        let parts = requestLine.split(separator: " ")
        guard parts.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let body = buffer[end..<min(buffer.count, end + contentLength)]
        return RecordedRequest(
            method: String(parts[0]), path: String(parts[1]), headers: headers,
            body: String(decoding: body, as: UTF8.self))
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }

    static func response(json: String) -> Data {
        let body = Data(json.utf8)
        let head =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
            + "request-id: req_scripted\r\nConnection: close\r\n\r\n"
        return Data(head.utf8) + body
    }

    static func response(eventStream events: [(name: String, data: String)]) -> Data {
        let head =
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            + "request-id: req_scripted\r\nConnection: close\r\n\r\n"
        return Data((head + events.map { "event: \($0.name)\ndata: \($0.data)\n\n" }.joined()).utf8)
    }

    static func write(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
