import CSMAgent
import CSMConfig
import CSMModel
import Foundation
import Hummingbird

/// `/api/config` and `/api/config/rules`: read (secrets masked) and edit csm.yaml through the
/// comment-keeping editor. Reads carry an `ETag`; a write with a stale `If-Match` gets 409.
struct ConfigController {
    let service: WorkspaceService

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/config", use: show)
        routes.on(.patch, "/api/config", use: patch)
        routes.on(.get, "/api/config/rules", use: rules)
        routes.on(.post, "/api/config/rules", use: addRule)
        routes.on(.put, "/api/config/rules", use: replaceRules)
        routes.on(.delete, "/api/config/rules/:index", use: deleteRule)
        routes.on(.post, "/api/config/test-rule", use: testRule)
    }

    struct ConfigBody: Encodable {
        struct Server: Encodable {
            var listen: String
            var reconcileInterval: Double
            var prune: Bool
            var approvalTimeout: Double
        }
        var path: String
        var workspace: String
        var favorites: [String]
        var toolApprovalRules: [ToolRule]
        var server: Server
        var hasLinear: Bool
        /// Never the key itself: `********` when one is set.
        var linearApiKey: String?
        var linearEndpoint: String?
    }

    static func body(_ document: ConfigDocument) -> ConfigBody {
        let workspace = document.workspace
        let server = workspace.server
        return ConfigBody(
            path: document.path, workspace: workspace.name, favorites: workspace.favorites,
            toolApprovalRules: workspace.rules,
            server: .init(
                listen: server.listen, reconcileInterval: server.reconcileInterval, prune: server.prune,
                approvalTimeout: server.approvalTimeout),
            hasLinear: workspace.integrations.linearAPIKey?.isEmpty == false,
            linearApiKey: workspace.integrations.linearAPIKey?.isEmpty == false ? "********" : nil,
            linearEndpoint: workspace.integrations.linearEndpoint)
    }

    static func withETag(_ response: Response, _ document: ConfigDocument) -> Response {
        var response = response
        response.headers[.eTag] = WorkspaceService.etag(of: document)
        return response
    }

    @Sendable func show(_ request: Request, _ context: ServerContext) async throws -> Response {
        let document = try await service.document()
        return Self.withETag(JSONResponse.make(Self.body(document)), document)
    }

    /// `linearApiKey`: a string sets it (write `${LINEAR_API_KEY}` to keep the secret out of the file),
    /// an empty string or null removes it. `toolApprovalRules`: replaces every rule.
    struct PatchBody: Decodable {
        var linearApiKey: String??
        var toolApprovalRules: [ToolRule]?

        enum CodingKeys: String, CodingKey { case linearApiKey, toolApprovalRules }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if container.contains(.linearApiKey) {
                linearApiKey = .some(try container.decodeIfPresent(String.self, forKey: .linearApiKey))
            }
            toolApprovalRules = try container.decodeIfPresent([ToolRule].self, forKey: .toolApprovalRules)
        }
    }

    @Sendable func patch(_ request: Request, _ context: ServerContext) async throws -> Response {
        let body = try await request.decodeJSON(PatchBody.self)
        try Self.validate(body.toolApprovalRules ?? [])
        let document = try await service.edit(ifMatch: request.headers[.ifMatch]) { document in
            var text = document.text
            if let key = body.linearApiKey {
                let value = key.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
                text = try ConfigEditor(text: text, file: document.path).setScalar(
                    path: ["integrations", "linear", "apiKey"], value: value)
            }
            if let rules = body.toolApprovalRules {
                text = try ConfigEditor(text: text, file: document.path).replaceRules(rules)
            }
            return text
        }
        return Self.withETag(JSONResponse.make(Self.body(document)), document)
    }

    static func validate(_ rules: [ToolRule]) throws {
        for (index, rule) in rules.enumerated() where rule.tool.trimmingCharacters(in: .whitespaces).isEmpty {
            throw APIError.invalidBody("rule \(index): 'tool' must name a tool or be '*'")
        }
    }

    struct RulesBody: Codable { var rules: [ToolRule] }
    struct RuleBody: Decodable { var rule: ToolRule }

    @Sendable func rules(_ request: Request, _ context: ServerContext) async throws -> Response {
        let document = try await service.document()
        return Self.withETag(JSONResponse.make(RulesBody(rules: document.workspace.rules)), document)
    }

    @Sendable func addRule(_ request: Request, _ context: ServerContext) async throws -> Response {
        let body = try await request.decodeJSON(RuleBody.self)
        try Self.validate([body.rule])
        let document = try await service.edit(ifMatch: request.headers[.ifMatch]) { document in
            try ConfigEditor(text: document.text, file: document.path).appendRule(body.rule)
        }
        return Self.withETag(JSONResponse.make(RulesBody(rules: document.workspace.rules), status: .created), document)
    }

    @Sendable func replaceRules(_ request: Request, _ context: ServerContext) async throws -> Response {
        let body = try await request.decodeJSON(RulesBody.self)
        try Self.validate(body.rules)
        let document = try await service.edit(ifMatch: request.headers[.ifMatch]) { document in
            try ConfigEditor(text: document.text, file: document.path).replaceRules(body.rules)
        }
        return Self.withETag(JSONResponse.make(RulesBody(rules: document.workspace.rules)), document)
    }

    @Sendable func deleteRule(_ request: Request, _ context: ServerContext) async throws -> Response {
        let raw = context.parameters.get("index") ?? ""
        guard let index = Int(raw), index >= 0 else {
            throw APIError(.badRequest, "invalid_index", "'\(raw)' is not a rule index (0, 1, 2, …)")
        }
        let document = try await service.edit(ifMatch: request.headers[.ifMatch]) { document in
            var rules = document.workspace.rules
            guard rules.indices.contains(index) else {
                throw APIError(
                    .notFound, "rule_not_found", "there is no rule \(index); csm.yaml has \(rules.count) rule(s)")
            }
            rules.remove(at: index)
            return try ConfigEditor(text: document.text, file: document.path).replaceRules(rules)
        }
        return Self.withETag(JSONResponse.make(RulesBody(rules: document.workspace.rules)), document)
    }

    /// A sample tool call to decide: `input` is the tool's input object (`{"command": "git push"}`), or a
    /// string taken as the tool's main input. `rules` defaults to csm.yaml's; `cwd` (for path patterns
    /// such as `./src/**`) to the folder of csm.yaml.
    struct TestRuleBody: Decodable {
        var tool: String
        var input: JSONValue?
        var rules: [ToolRule]?
        var cwd: String?
    }

    struct TestRuleResult: Encodable {
        /// `allow`, `deny`, `ask`, or nil when no rule decides (a person is asked).
        var action: String?
        var ruleIndex: Int?
        var rule: ToolRule?
        var input: JSONValue
    }

    /// Decides a sample request with the same matcher the hook route uses, without running anything.
    @Sendable func testRule(_ request: Request, _ context: ServerContext) async throws -> Response {
        let body = try await request.decodeJSON(TestRuleBody.self)
        guard !body.tool.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError.invalidBody("'tool' names the tool of the sample call (Bash, Edit, WebFetch, …)")
        }
        switch body.input {
        case nil, .null?, .object?, .string?: break
        default:
            throw APIError.invalidBody(
                "'input' is the tool's input: an object such as {\"command\": \"ls\"}, or a string for its main field")
        }
        let document = try await service.document()
        let rules = body.rules ?? document.workspace.rules
        let set: ToolRuleSet
        do {
            set = try ToolRuleSet(rules)
        } catch {
            throw APIError.invalidBody("\(error)")
        }
        let input = Self.sampleInput(tool: body.tool, body.input)
        let cwd = body.cwd ?? (document.path as NSString).deletingLastPathComponent
        let decision = set.decide(
            ToolRequest(toolName: body.tool, input: input, cwd: cwd, home: NSHomeDirectory()))
        return JSONResponse.make(
            TestRuleResult(
                action: decision?.action.rawValue, ruleIndex: decision?.ruleIndex, rule: decision?.rule, input: input))
    }

    /// A string becomes the tool's main input field.
    static func sampleInput(tool: String, _ input: JSONValue?) -> JSONValue {
        guard case .string(let text)? = input else {
            if case .object? = input, let input { return input }
            return .object([:])
        }
        let key: String
        switch tool {
        case "Bash": key = "command"
        case "Read", "Edit", "Write", "MultiEdit": key = "file_path"
        case "NotebookEdit": key = "notebook_path"
        case "WebFetch": key = "url"
        case "WebSearch": key = "query"
        case "Grep", "Glob": key = "pattern"
        default: key = "input"
        }
        return .object([key: .string(text)])
    }
}
