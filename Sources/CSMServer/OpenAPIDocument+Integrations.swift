/// The Linear and usage routes (LinearController, UsageController) in the OpenAPI document; the shapes
/// are those of docs/integrations.md.
extension OpenAPIDocument {
    static func nullable(_ schema: [String: Any]) -> [String: Any] { ["anyOf": [schema, ["type": "null"]]] }

    static func object(_ properties: [String: Any], required: [String]? = nil) -> [String: Any] {
        ["type": "object", "required": required ?? Array(properties.keys).sorted(), "properties": properties]
    }

    static var stateRefSchema: [String: Any] {
        object([
            "id": ["type": "string"], "name": ["type": "string"], "type": ["type": "string"],
            "color": ["type": ["string", "null"]],
        ])
    }
    static var teamRefSchema: [String: Any] {
        object(["id": ["type": "string"], "key": ["type": "string"], "name": ["type": "string"]])
    }
    static var labelSchema: [String: Any] {
        object(["id": ["type": "string"], "name": ["type": "string"], "color": ["type": ["string", "null"]]])
    }
    static var issueSchema: [String: Any] {
        object([
            "id": ["type": "string"], "identifier": ["type": "string"], "title": ["type": "string"],
            "url": ["type": "string"], "description": ["type": ["string", "null"]],
            "priority": ["type": "integer", "minimum": 0, "maximum": 4], "priorityLabel": ["type": "string"],
            "state": nullable(stateRefSchema), "team": nullable(teamRefSchema),
            "assignee": nullable(
                object([
                    "id": ["type": "string"], "name": ["type": "string"], "displayName": ["type": ["string", "null"]],
                ])),
            "labels": ["type": "array", "items": labelSchema],
            "createdAt": ["type": ["string", "null"]], "updatedAt": ["type": ["string", "null"]],
        ])
    }
    static var commentSchema: [String: Any] {
        object([
            "id": ["type": "string"], "body": ["type": "string"], "createdAt": ["type": "string"],
            "updatedAt": ["type": "string"],
            "user": nullable(
                object([
                    "id": ["type": "string"], "name": ["type": "string"], "displayName": ["type": ["string", "null"]],
                    "avatarUrl": ["type": ["string", "null"]],
                ])),
        ])
    }
    static var stateSchema: [String: Any] {
        object([
            "id": ["type": "string"], "name": ["type": "string"], "type": ["type": "string"],
            "color": ["type": ["string", "null"]], "position": ["type": "number"], "team": nullable(teamRefSchema),
        ])
    }
    static var windowSchema: [String: Any] {
        object([
            "utilization": ["type": "number"], "percent": ["type": "integer"],
            "resetsAt": ["type": ["string", "null"], "format": "date-time"], "windowSeconds": ["type": "integer"],
            "elapsedFraction": ["type": ["number", "null"]], "pace": ["type": ["number", "null"]],
        ])
    }
    static var totalsProperties: [String: Any] {
        [
            "inputTokens": ["type": "integer"], "outputTokens": ["type": "integer"],
            "cacheWriteTokens": ["type": "integer"], "cacheReadTokens": ["type": "integer"],
            "totalTokens": ["type": "integer"], "costUSD": ["type": "number"], "messages": ["type": "integer"],
        ]
    }

    static var issueIDParameter: [String: Any] {
        [
            "name": "id", "in": "path", "required": true,
            "schema": ["type": "string", "pattern": "^[A-Za-z0-9-]{1,64}$"],
        ]
    }
    static func queryParameter(_ name: String, _ schema: [String: Any]) -> [String: Any] {
        ["name": name, "in": "query", "required": false, "schema": schema]
    }

    static let linearFailures: [Int: String] = [
        404: "issue, state or team not found in Linear (linear_not_found)",
        429: "Linear rate limit (linear_rate_limited, Retry-After)",
        502:
            "Linear refused the key or failed (linear_auth_failed, linear_error, linear_unreachable, linear_bad_response)",
        503: "Linear is not configured (linear_not_configured) or csm.yaml is invalid",
    ]

    static func linearResponses(_ own: [Int: String]) -> [Int: String] {
        linearFailures.merging(own) { _, new in new }
    }

    static var integrationOperations: [Operation] {
        let issueBody = object(["issue": issueSchema])
        return [
            Operation(
                method: "get", path: "/api/linear/issues",
                summary: "Issues assigned to me (no query) or a search, one page, grouped by state", body: nil,
                responses: linearResponses([200: "ok", 400: "invalid query parameter (invalid_query)"]),
                parameters: [
                    queryParameter("query", ["type": "string"]),
                    queryParameter(
                        "state",
                        [
                            "type": "string",
                            "enum": ["open", "triage", "backlog", "unstarted", "started", "completed", "canceled"],
                        ]),
                    queryParameter("team", ["type": "string", "pattern": "^[A-Za-z0-9]{1,64}$"]),
                    queryParameter("assignee", ["type": "string", "enum": ["me"]]),
                    queryParameter("first", ["type": "integer", "minimum": 1, "maximum": 100]),
                    queryParameter("after", ["type": "string"]),
                ],
                success: object([
                    "issues": ["type": "array", "items": issueSchema],
                    "groups": [
                        "type": "array",
                        "items": object([
                            "state": nullable(stateRefSchema),
                            "issueIds": ["type": "array", "items": ["type": "string"]],
                        ]),
                    ],
                    "pageInfo": object(["hasNextPage": ["type": "boolean"], "endCursor": ["type": ["string", "null"]]]),
                ])),
            Operation(
                method: "post", path: "/api/linear/issues", summary: "Create an issue",
                body: [
                    "type": "object", "required": ["title"],
                    "properties": [
                        "title": ["type": "string", "minLength": 1], "description": ["type": "string"],
                        "team": ["type": "string"], "priority": ["type": "integer", "minimum": 0, "maximum": 4],
                        "labelIds": ["type": "array", "items": ["type": "string"]], "stateId": ["type": "string"],
                        "assignToMe": ["type": "boolean"],
                    ],
                ],
                responses: linearResponses([201: "created", 400: "bad body, or team_required"]), success: issueBody),
            Operation(
                method: "get", path: "/api/linear/issues/{id}", summary: "One issue by identifier (ENG-123) or id",
                body: nil, responses: linearResponses([200: "ok", 400: "invalid id (invalid_issue_id)"]),
                parameters: [issueIDParameter], success: issueBody),
            Operation(
                method: "get", path: "/api/linear/issues/{id}/comments", summary: "Comments of an issue, oldest first",
                body: nil, responses: linearResponses([200: "ok", 400: "invalid id (invalid_issue_id)"]),
                parameters: [issueIDParameter],
                success: object(["comments": ["type": "array", "items": commentSchema]])),
            Operation(
                method: "post", path: "/api/linear/issues/{id}/comments", summary: "Comment on an issue",
                body: [
                    "type": "object", "required": ["body"], "properties": ["body": ["type": "string", "minLength": 1]],
                ],
                responses: linearResponses([201: "created", 400: "bad body or id"]),
                parameters: [issueIDParameter], success: object(["comment": commentSchema])),
            Operation(
                method: "post", path: "/api/linear/issues/{id}/state",
                summary: "Move an issue to a workflow state (by id, or by name or type within its team)",
                body: [
                    "type": "object",
                    "properties": [
                        "stateId": ["type": "string", "minLength": 1], "state": ["type": "string", "minLength": 1],
                    ],
                    "anyOf": [["required": ["stateId"]], ["required": ["state"]]],
                ],
                responses: linearResponses([200: "moved", 400: "bad body or id"]),
                parameters: [issueIDParameter], success: issueBody),
            Operation(
                method: "get", path: "/api/linear/states",
                summary: "Workflow states of a team (team key or id), of an issue's team, or of every team", body: nil,
                responses: linearResponses([200: "ok", 400: "invalid query parameter (invalid_query)"]),
                parameters: [
                    queryParameter("team", ["type": "string"]), queryParameter("issue", ["type": "string"]),
                ],
                success: object(["states": ["type": "array", "items": stateSchema]])),
            Operation(
                method: "get", path: "/api/linear/teams", summary: "Teams with their labels (for the create form)",
                body: nil, responses: linearResponses([200: "ok"]),
                success: object([
                    "teams": [
                        "type": "array",
                        "items": object(
                            [
                                "id": ["type": "string"], "key": ["type": "string"], "name": ["type": "string"],
                                "labels": ["type": "array", "items": labelSchema],
                            ], required: ["id", "key", "name"]),
                    ]
                ])),
            Operation(
                method: "get", path: "/api/claude-usage",
                summary: "Claude subscription limits: 5-hour, weekly and per-model windows with pace", body: nil,
                responses: [
                    200: "ok", 429: "rate limited (claude_rate_limited)",
                    502: "token refused or endpoint failed (claude_auth_failed, claude_usage_unavailable)",
                    503: "no usable Claude Code login (claude_credentials_missing) or csm.yaml is invalid",
                ],
                success: object([
                    "session": windowSchema, "weekly": windowSchema, "sonnet": nullable(windowSchema),
                    "opus": nullable(windowSchema), "plan": ["type": "string"],
                    "fetchedAt": ["type": "string", "format": "date-time"],
                ])),
            Operation(
                method: "get", path: "/api/usage",
                summary: "Tokens and cost from the sessions' transcripts (offline), by session, day or model",
                body: nil,
                responses: [200: "ok", 400: "invalid by or since (invalid_query)", 503: "csm.yaml is invalid"],
                parameters: [
                    queryParameter("by", ["type": "string", "enum": ["session", "day", "model"]]),
                    queryParameter("since", ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"]),
                ],
                success: object([
                    "by": ["type": "string", "enum": ["session", "day", "model"]],
                    "since": ["type": ["string", "null"]],
                    "rows": [
                        "type": "array",
                        "items": object(totalsProperties.merging(["key": ["type": "string"]]) { a, _ in a }),
                    ],
                    "total": object(totalsProperties),
                    "unpricedModels": ["type": "array", "items": ["type": "string"]],
                ])),
        ]
    }
}
