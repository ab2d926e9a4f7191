import Foundation

/// The dashboard's files, the token routes and the rule tester in the OpenAPI document.
extension OpenAPIDocument {
    static var dashboardOperations: [Operation] {
        let file: [String: Any] = ["name": "file", "in": "path", "required": true, "schema": ["type": "string"]]
        let token: [String: Any] = [
            "type": "object",
            "properties": ["token": ["type": "string"], "file": ["type": ["string", "null"]]],
        ]
        return [
            Operation(
                method: "get", path: "/assets/{file}",
                summary: "A file of the dashboard (CSS, JavaScript module, icon)",
                body: nil, responses: [200: "the file", 304: "unchanged (If-None-Match)", 404: "no such file"],
                parameters: [file], success: ["type": "string"], successType: "text/javascript"),
            Operation(
                method: "get", path: "/vendor/{file}",
                summary: "A browser library from its Debian package: marked.js, sortable.js",
                body: nil,
                responses: [200: "the library", 404: "unknown, or its package is not installed (library_missing)"],
                parameters: [file], success: ["type": "string"], successType: "text/javascript"),
            Operation(
                method: "get", path: "/api/token",
                summary: "The API token (always needs the token or the login cookie)",
                body: nil, responses: [200: "ok"], success: token),
            Operation(
                method: "post", path: "/api/token/rotate",
                summary: "Replace the API token (file rewritten, old token and cookies invalid); sets the new cookie",
                body: nil, responses: [200: "ok", 500: "the token file could not be written"], success: token),
            Operation(
                method: "post", path: "/api/login", summary: "Exchange the pasted API token for the login cookie",
                body: ["type": "object", "required": ["token"], "properties": ["token": ["type": "string"]]],
                responses: [200: "cookie set", 400: "bad body", 401: "not the token (invalid_token)"]),
            Operation(
                method: "post", path: "/api/config/test-rule",
                summary: "Decide a sample tool call with csm.yaml's rules (or the rules given), running nothing",
                body: [
                    "type": "object", "required": ["tool"],
                    "properties": [
                        "tool": nonBlankSchema, "input": ["type": ["object", "string"]],
                        "rules": ["type": "array", "items": ruleSchema], "cwd": ["type": "string"],
                    ],
                ],
                responses: [200: "decided", 400: "bad body or unusable rule"],
                success: [
                    "type": "object",
                    "properties": [
                        "action": ["type": ["string", "null"], "enum": ["allow", "deny", "ask", NSNull()]],
                        "ruleIndex": ["type": ["integer", "null"]], "rule": ["type": ["object", "null"]],
                        "input": ["type": "object"],
                    ],
                ]),
        ]
    }
}
