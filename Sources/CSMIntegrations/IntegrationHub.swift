import CSMAgent
import CSMModel
import Foundation

/// The integration clients for the current `integrations:` settings, made once and kept while the
/// settings stay the same (csm.yaml may change while `csm server` runs), so caches survive between
/// requests.
public actor IntegrationHub {
    private let transport: any HTTPTransport
    private let environment: [String: String]
    private var linear: (key: [String], service: CachingLinearService)?
    private var claude: (key: [String], client: ClaudeUsageClient)?

    public init(
        transport: any HTTPTransport = AsyncHTTPTransport(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.transport = transport
        self.environment = environment
    }

    /// The cached Linear service, or `LinearError.notConfigured`.
    public func linear(_ settings: Integrations) throws -> CachingLinearService {
        guard let apiKey = settings.linearAPIKey, !apiKey.isEmpty else { throw LinearError.notConfigured }
        let endpoint = settings.linearEndpoint ?? LinearClient.defaultEndpoint
        let ttl = settings.linearCacheTTL ?? Self.defaultLinearTTL
        let key = [apiKey, endpoint, "\(ttl)"]
        if let linear, linear.key == key { return linear.service }
        let service = CachingLinearService(
            LinearClient(apiKey: apiKey, endpoint: endpoint, transport: transport, timeout: .seconds(10)), ttl: ttl)
        linear = (key, service)
        return service
    }

    /// The Claude usage client for these settings.
    public func claudeUsage(_ settings: Integrations) -> ClaudeUsageClient {
        let baseURL = settings.claudeBaseURL ?? ClaudeUsageClient.defaultBaseURL
        let path = settings.claudeCredentialsFile ?? ClaudeCredentials.defaultPath(environment: environment)
        let ttl = settings.claudeCacheTTL ?? Self.defaultClaudeTTL
        let key = [baseURL, path, "\(ttl)"]
        if let claude, claude.key == key { return claude.client }
        let client = ClaudeUsageClient(baseURL: baseURL, credentialsPath: path, ttl: ttl, transport: transport)
        claude = (key, client)
        return client
    }

    /// The issue details for a session's CLAUDE.md, nil when Linear is not configured or fails.
    public func issueContext(_ settings: Integrations, identifier: String) async -> IssueContext? {
        guard let service = try? linear(settings) else { return nil }
        return try? await IssueNaming.context(for: service.issue(identifier))
    }

    public static let defaultLinearTTL: TimeInterval = 60
    public static let defaultClaudeTTL: TimeInterval = 30
}

extension Integrations {
    /// The built-in price table with `integrations.prices` on top.
    public var priceTable: PriceTable {
        PriceTable.standard.overriding(prices)
    }
}
