import Foundation
import Hummingbird
import Synchronization

/// An in-memory Linear on 127.0.0.1 speaking the part of Linear's GraphQL API csm uses (it dispatches on
/// the operation name; see docs/integrations.md), with scripted failures: rate limits (HTTP 429 with
/// `Retry-After`, or Linear's own `RATELIMITED` error with `X-RateLimit-Requests-Reset`), a refused key,
/// GraphQL errors and answers that are not JSON. A wrong `Authorization` header gets Linear's
/// authentication error.
public final class FakeLinearServer: Sendable {
    /// What the next request gets instead of its answer.
    public enum Failure: Sendable {
        case rateLimited(retryAfter: Int)
        case rateLimitedByCode(resetInSeconds: Int)
        case unauthorized
        case graphQLError(String)
        case malformed
        case serverError
    }

    /// One request as received.
    public struct Recorded: Sendable {
        public var operation: String
        public var variables: String
        public var authorization: String?
    }

    /// `integrations.linear.endpoint`.
    public let endpoint: String
    /// `integrations.linear.apiKey`.
    public let apiKey: String
    let state: Locked<(store: FakeLinearStore, failures: [Failure], requests: [Recorded])>

    init(
        endpoint: String, apiKey: String,
        state: Locked<(store: FakeLinearStore, failures: [Failure], requests: [Recorded])>
    ) {
        self.endpoint = endpoint
        self.apiKey = apiKey
        self.state = state
    }

    /// The next request fails this way (several queue up).
    public func failNext(_ failure: Failure) { state.withLock { $0.failures.append(failure) } }

    /// Requests received so far.
    public var requests: [Recorded] { state.withLock { $0.requests } }

    /// The data now (after mutations).
    public var store: FakeLinearStore { state.withLock { $0.store } }

    /// Changes the data.
    public func update(_ change: (inout FakeLinearStore) -> Void) { state.withLock { change(&$0.store) } }

    /// Starts the fake for the length of `body` and stops it after, also on failure.
    public static func with<T>(
        seed: FakeLinearStore = .sample, apiKey: String = "lin_test_key", _ body: (FakeLinearServer) async throws -> T
    ) async throws -> T {
        let state = Locked<(store: FakeLinearStore, failures: [Failure], requests: [Recorded])>((seed, [], []))
        let router = Router()
        router.post("/graphql") { request, _ -> Response in
            let data = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            let query = json["query"] as? String ?? ""
            let variables = json["variables"] as? [String: Any] ?? [:]
            let operation = Self.operationName(query)
            let authorization = request.headers[.authorization]
            let variablesText = String(
                decoding: (try? JSONSerialization.data(withJSONObject: variables, options: [.sortedKeys])) ?? Data(),
                as: UTF8.self)
            let failure: Failure? = state.withLock {
                $0.requests.append(
                    Recorded(operation: operation, variables: variablesText, authorization: authorization))
                return $0.failures.isEmpty ? nil : $0.failures.removeFirst()
            }
            switch failure {
            case .rateLimited(let seconds)?:
                return .json(
                    ["errors": [["message": "Rate limit exceeded", "extensions": ["code": "RATELIMITED"]]]],
                    status: .tooManyRequests, headers: [.retryAfter: "\(seconds)"])
            case .rateLimitedByCode(let seconds)?:
                let reset = Int((Date().timeIntervalSince1970 + Double(seconds)) * 1000)
                return .json(
                    ["errors": [["message": "Rate limit exceeded", "extensions": ["code": "RATELIMITED"]]]],
                    status: .badRequest, headers: [.init("X-RateLimit-Requests-Reset")!: "\(reset)"])
            case .unauthorized?:
                return .json(
                    ["errors": [["message": "Authentication required, not authenticated"]]], status: .unauthorized)
            case .graphQLError(let message)?:
                return .json([
                    "errors": [["message": message, "extensions": ["code": "INVALID_INPUT"]]], "data": NSNull(),
                ])
            case .malformed?: return .text("<html>502 Bad Gateway</html>", status: .ok)
            case .serverError?: return .text("internal error", status: .internalServerError)
            case nil: break
            }
            guard authorization == apiKey else {
                return .json(
                    [
                        "errors": [
                            [
                                "message": "Authentication required, not authenticated",
                                "extensions": ["code": "AUTHENTICATION_ERROR", "type": "authentication error"],
                            ]
                        ]
                    ], status: .badRequest)
            }
            return state.withLock { locked in
                do {
                    let data = try FakeLinearResolver.answer(operation, variables: variables, store: &locked.store)
                    return Response.json(["data": data])
                } catch let error as FakeLinearResolver.Failure {
                    return Response.json(
                        ["errors": [["message": error.message, "extensions": ["code": error.code]]], "data": NSNull()])
                } catch {
                    return Response.json(["errors": [["message": "\(error)"]]])
                }
            }
        }
        return try await LoopbackServer.with(router) { url in
            try await body(FakeLinearServer(endpoint: url + "/graphql", apiKey: apiKey, state: state))
        }
    }

    /// `MyIssues` from `query MyIssues($first: …) { … }`.
    static func operationName(_ query: String) -> String {
        let words = query.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" || $0 == "{" })
        guard let index = words.firstIndex(where: { $0 == "query" || $0 == "mutation" }), index + 1 < words.count else {
            return ""
        }
        return String(words[index + 1])
    }
}
