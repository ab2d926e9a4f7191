/// Why a Linear operation failed, with the stable API code each case maps to (docs/integrations.md).
public enum LinearError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No API key in `integrations.linear.apiKey` (nor the original tool's `linearApiKey`).
    case notConfigured
    /// Linear refused the key (HTTP 401/403 or an authentication error).
    case authenticationFailed(message: String)
    /// Linear rate-limited csm; `retryAfter` in seconds when Linear said.
    case rateLimited(retryAfter: Int?)
    /// The issue, state or team does not exist.
    case notFound(what: String)
    /// Another GraphQL error; Linear's messages.
    case graphQL(messages: [String])
    /// The endpoint could not be reached.
    case unreachable(endpoint: String, reason: String)
    /// The endpoint answered something that is not Linear's JSON.
    case badResponse(status: Int, detail: String)
    /// The viewer belongs to several teams and none was named.
    case teamRequired(teams: [String])

    /// The snake_case code the API answers with.
    public var code: String {
        switch self {
        case .notConfigured: "linear_not_configured"
        case .authenticationFailed: "linear_auth_failed"
        case .rateLimited: "linear_rate_limited"
        case .notFound: "linear_not_found"
        case .graphQL: "linear_error"
        case .unreachable: "linear_unreachable"
        case .badResponse: "linear_bad_response"
        case .teamRequired: "team_required"
        }
    }

    public var description: String {
        switch self {
        case .notConfigured:
            "Linear is not configured: set integrations.linear.apiKey in csm.yaml (for example ${LINEAR_API_KEY})"
        case .authenticationFailed(let message):
            "Linear refused the API key (\(message)); check integrations.linear.apiKey"
        case .rateLimited(let retryAfter):
            "Linear's rate limit was reached" + (retryAfter.map { "; retry in \($0) s" } ?? "; retry later")
        case .notFound(let what): "\(what) was not found in Linear"
        case .graphQL(let messages): "Linear answered with an error: " + messages.joined(separator: "; ")
        case .unreachable(let endpoint, let reason): "cannot reach Linear at \(endpoint): \(reason)"
        case .badResponse(let status, let detail):
            "Linear answered HTTP \(status) with something csm cannot read: \(detail)"
        case .teamRequired(let teams):
            "name a team (you are a member of \(teams.joined(separator: ", ")))"
        }
    }
}
