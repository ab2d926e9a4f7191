import Foundation
import Hummingbird

/// An error the API answers with: a status and `{"error":{"code":"…","message":"…"}}`.
public struct APIError: Error, HTTPResponseError, Sendable, Equatable {
    public var status: HTTPResponse.Status
    /// A stable snake_case code clients branch on (`session_not_found`, `invalid_json`, …).
    public var code: String
    /// A sentence for people: what went wrong and what to do.
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(ErrorBody(error: .init(code: code, message: message)), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
    }

    static func sessionNotFound(_ name: String) -> APIError {
        APIError(.notFound, "session_not_found", "no session named '\(name)' is declared in csm.yaml or running")
    }

    static func invalidName(_ name: String) -> APIError {
        APIError(
            .badRequest, "invalid_name",
            "'\(name)' is not a valid name: use 1 to 64 characters from A-Z, a-z, 0-9, '.', '_' and '-'")
    }

    static func invalidBody(_ message: String) -> APIError {
        APIError(.badRequest, "invalid_body", message)
    }

    /// A request interrupted because the server is shutting down (its programs were stopped).
    static let serverStopping = APIError(
        .serviceUnavailable, "server_stopping",
        "csm server is shutting down and interrupted this request; send it again once the server is back")

    static let bodyTooLarge = APIError(.contentTooLarge, "body_too_large", "the request body is over the 1 MiB limit")
}

/// JSON responses with the API's encoding (ISO 8601 dates, sorted keys).
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data =
            (try? encoder.encode(value)) ?? Data(#"{"error":{"code":"internal","message":"encoding failed"}}"#.utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: "\(data.count)"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The largest request body accepted.
let maxBodyBytes = 1 << 20

extension Request {
    /// Decodes the JSON body as `T`: 413 past 1 MiB, 400 `invalid_json` when it is not JSON, 400
    /// `invalid_body` when it does not have the expected shape.
    func decodeJSON<T: Decodable>(_ type: T.Type) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError.bodyTooLarge
        }
        let data = Data(buffer.readableBytesView)
        guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil else {
            throw APIError(
                .badRequest, "invalid_json", data.isEmpty ? "a JSON body is required" : "the body is not valid JSON")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError.invalidBody("the field '\(key.stringValue)' is required")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalidBody("the field '\(path)' has the wrong type")
        } catch let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalidBody("the field '\(path)' has an invalid value")
        } catch {
            throw APIError.invalidBody("the body does not have the expected shape")
        }
    }
}
