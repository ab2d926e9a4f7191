import Foundation

/// The OpenAPI 3.1 description of every route, served at `/api/openapi.json`. A test holds it to the
/// routes the router actually registers, both ways.
enum OpenAPIDocument {
    struct Operation {
        var method: String
        var path: String
        var summary: String
        var body: [String: Any]?
        var responses: [Int: String]
        var parameters: [[String: Any]] = []
        var success: [String: Any] = ["type": "object"]
        var successType = "application/json"
    }

    static var nameParameter: [String: Any] {
        [
            "name": "name", "in": "path", "required": true,
            "schema": nameSchema,
        ]
    }
    static var lastEventID: [[String: Any]] {
        [
            ["name": "Last-Event-ID", "in": "header", "required": false, "schema": ["type": "string"]],
            ["name": "lastEventId", "in": "query", "required": false, "schema": ["type": "integer", "minimum": 0]],
        ]
    }
    /// The naming rule of sessions, repos and hosts (`Name.isValid`).
    static var nameSchema: [String: Any] { ["type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"] }
    /// Text the API refuses when it is empty or only whitespace.
    static var nonBlankSchema: [String: Any] { ["type": "string", "pattern": "\\S"] }

    static var ruleSchema: [String: Any] {
        [
            "type": "object", "required": ["tool", "action"],
            "properties": [
                "tool": nonBlankSchema, "pattern": ["type": "string"],
                "action": ["type": "string", "enum": ["allow", "deny", "ask"]],
            ],
        ]
    }
    static var sessionSchema: [String: Any] {
        [
            "type": "object",
            "properties": [
                "name": ["type": "string"], "repo": ["type": ["string", "null"]], "host": ["type": "string"],
                "branch": ["type": ["string", "null"]], "worktree": ["type": ["string", "null"]],
                "status": [
                    "type": "string",
                    "enum": ["starting", "working", "waiting", "idle", "stopped", "missing", "unmanaged", "blocked"],
                ],
                "declared": ["type": "boolean"], "tmuxSession": ["type": ["string", "null"]],
                "attached": ["type": "boolean"],
                "model": ["type": ["string", "null"]], "turnCount": ["type": "integer"], "costUSD": ["type": "number"],
                "pendingApprovals": ["type": "array"], "favorite": ["type": "boolean"],
                "linear": ["type": ["string", "null"]], "linearTitle": ["type": ["string", "null"]],
                "createdAt": ["type": ["string", "null"], "format": "date-time"],
                "lastActivity": ["type": ["string", "null"], "format": "date-time"],
                "failure": ["type": ["object", "null"]],
            ],
        ]
    }

    static var operations: [Operation] {
        [
            Operation(
                method: "get", path: "/",
                summary: "The web dashboard; with ?login=CODE sets the login cookie and redirects to /",
                body: nil, responses: [200: "HTML page", 303: "cookie set", 401: "login code used or invalid"],
                parameters: [["name": "login", "in": "query", "required": false, "schema": ["type": "string"]]],
                success: ["type": "string"], successType: "text/html"),
            Operation(
                method: "get", path: "/api/health", summary: "Liveness, event counter and reconciler state", body: nil,
                responses: [200: "ok"]),
            Operation(
                method: "get", path: "/api/openapi.json", summary: "This document", body: nil, responses: [200: "ok"]),
            Operation(
                method: "get", path: "/api/sessions", summary: "Every declared or owned session merged with live state",
                body: nil, responses: [200: "ok", 503: "csm.yaml is invalid"],
                success: ["type": "object", "properties": ["sessions": ["type": "array", "items": sessionSchema]]]),
            Operation(
                method: "post", path: "/api/sessions", summary: "Declare a session in csm.yaml and start it",
                body: [
                    "type": "object", "required": ["name"],
                    "properties": [
                        "name": nameSchema, "repo": ["type": "string"], "host": ["type": "string"],
                        "branch": ["type": "string"], "prompt": ["type": "string"], "model": ["type": "string"],
                        "linear": ["type": "string"], "base": ["type": "string"],
                        "effort": ["type": "string", "enum": ["low", "medium", "high", "xhigh", "max"]],
                    ],
                ],
                responses: [
                    201: "declared; results of the apply", 400: "invalid name or body",
                    409: "already declared or csm.yaml changed",
                ]),
            Operation(
                method: "get", path: "/api/sessions/{name}", summary: "One session", body: nil,
                responses: [200: "ok", 400: "invalid name", 404: "unknown session"], parameters: [nameParameter],
                success: sessionSchema),
            Operation(
                method: "delete", path: "/api/sessions/{name}",
                summary: "Remove from csm.yaml and destroy (nothing-lost rule)",
                body: nil,
                responses: [200: "destroyed", 400: "invalid name", 404: "unknown session", 409: "destroy blocked"],
                parameters: [
                    nameParameter,
                    ["name": "force", "in": "query", "required": false, "schema": ["type": "boolean"]],
                    ["name": "deleteBranch", "in": "query", "required": false, "schema": ["type": "boolean"]],
                ]),
            Operation(
                method: "post", path: "/api/sessions/{name}/message",
                summary: "Paste a prompt into the agent and press Enter",
                body: ["type": "object", "required": ["text"], "properties": ["text": nonBlankSchema]],
                responses: [200: "sent", 400: "bad body", 404: "unknown session", 409: "agent not running or waiting"],
                parameters: [nameParameter]),
            Operation(
                method: "post", path: "/api/sessions/{name}/approve-tool", summary: "Decide a pending tool request",
                body: [
                    "type": "object", "required": ["requestId", "action"],
                    "properties": [
                        "requestId": ["type": "string"], "action": ["type": "string", "enum": ["allow", "deny"]],
                        "message": ["type": "string"], "always": ["type": "boolean"],
                    ],
                ],
                responses: [200: "decided", 400: "bad body", 404: "unknown request", 409: "already answered"],
                parameters: [nameParameter]),
            Operation(
                method: "post", path: "/api/hooks/{session}",
                summary: "Deliver a Claude Code hook payload (csm hook; X-CSM-Hook-Secret, not the API token)",
                body: [
                    "type": "object", "required": ["hook_event_name"],
                    "properties": [
                        "hook_event_name": ["type": "string"], "session_id": ["type": "string"],
                        "tool_name": ["type": "string"], "tool_input": ["type": "object"],
                        "tool_use_id": ["type": "string"], "transcript_path": ["type": "string"],
                        "cwd": ["type": "string"],
                    ],
                ],
                responses: [200: "recorded; decision for PreToolUse/PermissionRequest", 401: "no secret",
                            403: "not this session's secret"],
                parameters: [
                    [
                        "name": "session", "in": "path", "required": true,
                        "schema": nameSchema,
                    ]
                ]),
            Operation(
                method: "post", path: "/api/sessions/{name}/reconnect", summary: "Restart the agent with --continue",
                body: nil, responses: [200: "restarted", 404: "not declared", 409: "could not restart"],
                parameters: [nameParameter]),
            Operation(
                method: "post", path: "/api/sessions/{name}/favorite", summary: "Add to favorites in csm.yaml",
                body: nil,
                responses: [200: "ok", 404: "not declared", 409: "csm.yaml changed"], parameters: [nameParameter]),
            Operation(
                method: "delete", path: "/api/sessions/{name}/favorite", summary: "Remove from favorites in csm.yaml",
                body: nil,
                responses: [200: "ok", 404: "not declared", 409: "csm.yaml changed"], parameters: [nameParameter]),
            Operation(
                method: "get", path: "/api/sessions/{name}/changes",
                summary: "Git status and diff (HEAD to working folder, untracked included) of a local worktree",
                body: nil,
                responses: [
                    200: "ok", 404: "unknown session", 409: "no worktree yet, or the session is on an unreachable (SSH) host",
                ],
                parameters: [
                    nameParameter,
                    [
                        "name": "maxBytes", "in": "query", "required": false,
                        "schema": ["type": "integer", "minimum": 0],
                    ],
                ],
                success: [
                    "type": "object",
                    "properties": [
                        "branch": ["type": ["string", "null"]], "diff": ["type": "string"],
                        "isTruncated": ["type": "boolean"],
                        "files": [
                            "type": "array",
                            "items": [
                                "type": "object",
                                "properties": [
                                    "path": ["type": "string"], "status": ["type": "string"],
                                    "staged": ["type": "boolean"], "oldPath": ["type": "string"],
                                ],
                            ],
                        ],
                    ],
                ]),
            Operation(
                method: "get", path: "/api/sessions/{name}/stream",
                summary: "Server-Sent Events of one session, resumable",
                body: nil,
                responses: [200: "event stream", 400: "invalid name or Last-Event-ID", 404: "unknown session"],
                parameters: [nameParameter] + lastEventID, success: ["type": "string"], successType: "text/event-stream"
            ),
            Operation(
                method: "get", path: "/api/events", summary: "Server-Sent Events of every session and the reconciler",
                body: nil, responses: [200: "event stream", 400: "invalid Last-Event-ID"], parameters: lastEventID,
                success: ["type": "string"], successType: "text/event-stream"),
            Operation(
                method: "get", path: "/api/ws",
                summary: "WebSocket carrying the same events (one JSON text frame each)",
                body: nil, responses: [101: "upgraded", 400: "invalid query", 403: "foreign Origin"],
                parameters: lastEventID + [
                    ["name": "session", "in": "query", "required": false, "schema": ["type": "string"]]
                ]),
            Operation(
                method: "get", path: "/api/config", summary: "Settings from csm.yaml, secrets masked (ETag)", body: nil,
                responses: [200: "ok"]),
            Operation(
                method: "patch", path: "/api/config", summary: "Set linearApiKey and/or replace toolApprovalRules",
                body: [
                    "type": "object",
                    "properties": [
                        "linearApiKey": ["type": ["string", "null"]],
                        "toolApprovalRules": ["type": "array", "items": ruleSchema],
                    ],
                ],
                responses: [200: "saved", 400: "bad body", 409: "csm.yaml changed (If-Match)"]),
            Operation(
                method: "get", path: "/api/config/rules", summary: "Tool-approval rules in order", body: nil,
                responses: [200: "ok"]),
            Operation(
                method: "post", path: "/api/config/rules", summary: "Append a rule",
                body: ["type": "object", "required": ["rule"], "properties": ["rule": ruleSchema]],
                responses: [201: "appended", 400: "bad body", 409: "csm.yaml changed"]),
            Operation(
                method: "put", path: "/api/config/rules", summary: "Replace every rule (reorder)",
                body: [
                    "type": "object", "required": ["rules"],
                    "properties": ["rules": ["type": "array", "items": ruleSchema]],
                ],
                responses: [200: "saved", 400: "bad body", 409: "csm.yaml changed"]),
            Operation(
                method: "delete", path: "/api/config/rules/{index}", summary: "Delete rule number index (from 0)",
                body: nil,
                responses: [200: "deleted", 400: "not an index", 404: "no such rule"],
                parameters: [
                    ["name": "index", "in": "path", "required": true, "schema": ["type": "integer", "minimum": 0]]
                ]),
            Operation(method: "get", path: "/api/hosts", summary: "Declared hosts", body: nil, responses: [200: "ok"]),
            Operation(method: "get", path: "/api/repos", summary: "Declared repos", body: nil, responses: [200: "ok"]),
            Operation(
                method: "get", path: "/api/plan",
                summary: "The latest reconcile pass and sessions backing off; ?preview=true adds the plan of this moment",
                body: nil,
                responses: [200: "ok", 503: "csm.yaml is invalid (preview)"],
                parameters: [["name": "preview", "in": "query", "required": false, "schema": ["type": "boolean"]]]),
            Operation(
                method: "post", path: "/api/apply", summary: "Run a reconcile pass now", body: nil,
                responses: [200: "ok"]),
        ]
    }

    static var document: [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for operation in operations + lifecycleOperations + integrationOperations + dashboardOperations {
            var responses: [String: Any] = [:]
            for (status, description) in operation.responses.merging(commonResponses(of: operation), uniquingKeysWith: { own, _ in own }) {
                var response: [String: Any] = ["description": description]
                if (200..<300).contains(status) {
                    response["content"] = [operation.successType: ["schema": operation.success]]
                } else if status >= 400 {
                    response["content"] = ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]
                }
                responses["\(status)"] = response
            }
            let isMutating = operation.method != "get"
            responses["401"] = [
                "description": isMutating ? "no or wrong bearer token" : "no token (only off loopback)",
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
            ]
            var entry: [String: Any] = ["summary": operation.summary, "responses": responses]
            if !operation.parameters.isEmpty { entry["parameters"] = operation.parameters }
            if let body = operation.body {
                entry["requestBody"] = ["required": true, "content": ["application/json": ["schema": body]]]
            }
            entry["security"] = isMutating ? [["bearer": []], ["cookie": []]] : [[:], ["bearer": []], ["cookie": []]]
            paths[operation.path, default: [:]][operation.method] = entry
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "csm server", "version": "1",
                "description":
                    "Manage Claude Code sessions declared in csm.yaml. Errors are {\"error\":{\"code\",\"message\"}}.",
            ],
            "paths": paths,
            "components": [
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer"],
                    "cookie": ["type": "apiKey", "in": "cookie", "name": "csm_token"],
                ],
                "schemas": [
                    "Error": [
                        "type": "object", "required": ["error"],
                        "properties": [
                            "error": [
                                "type": "object", "required": ["code", "message"],
                                "properties": ["code": ["type": "string"], "message": ["type": "string"]],
                            ]
                        ],
                    ]
                ],
            ],
        ]
    }

    /// Answers any route of its kind can give, whatever the route: a name that breaks the naming rule
    /// (400), a body over 1 MiB (413), csm.yaml that does not load (503).
    static func commonResponses(of operation: Operation) -> [Int: String] {
        var responses: [Int: String] = [:]
        if operation.path.contains("{name}") || operation.path.contains("{session}") {
            responses[400] = "invalid name (1 to 64 of A-Z a-z 0-9 . _ -)"
        }
        if operation.body != nil {
            responses[400] = responses[400] ?? "invalid JSON or body"
            responses[413] = "body over 1 MiB"
        }
        if !["/", "/api/health", "/api/openapi.json", "/api/plan", "/api/apply", "/api/events", "/api/ws"]
            .contains(operation.path)
        {
            responses[503] = "csm.yaml does not load (the message has the diagnostics)"
        }
        return responses
    }

    static let json: Data =
        (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]))
        ?? Data("{}".utf8)
}
