/// The session-lifecycle routes (LifecycleController) in the OpenAPI document.
extension OpenAPIDocument {
    static var lifecycleOperations: [Operation] {
        let locked = "another apply or reconcile pass holds the workspace lock"
        return [
            Operation(
                method: "post", path: "/api/sessions/{name}/run", summary: "Run a declared script in the terminal window",
                body: ["type": "object", "required": ["script"], "properties": ["script": ["type": "string"]]],
                responses: [200: "started", 400: "bad body", 404: "unknown session or script", 409: "session not running"],
                parameters: [nameParameter],
                success: [
                    "type": "object",
                    "properties": [
                        "session": ["type": "string"], "script": ["type": "string"], "command": ["type": "string"],
                        "file": ["type": "string"],
                    ],
                ]),
            Operation(
                method: "post", path: "/api/sessions/{name}/merge",
                summary: "Merge the session's branch into its base; optionally archive the session",
                body: [
                    "type": "object",
                    "properties": [
                        "strategy": ["type": "string", "enum": ["merge", "ff-only", "squash", "rebase"]],
                        "message": ["type": "string"], "push": ["type": "boolean"], "archive": ["type": "boolean"],
                    ],
                ],
                responses: [
                    200: "merged", 400: "bad body", 404: "unknown session",
                    409: "dirty worktree, conflict (files named), or \(locked)", 502: "push failed",
                ],
                parameters: [nameParameter]),
            Operation(
                method: "post", path: "/api/sessions/{name}/archive",
                summary: "Remove from csm.yaml and destroy, keeping the branch and a record to restore from",
                body: nil,
                responses: [200: "archived", 404: "unknown session", 409: "uncommitted or untracked files (use force), or \(locked)"],
                parameters: [
                    nameParameter,
                    ["name": "force", "in": "query", "required": false, "schema": ["type": "boolean"]],
                ]),
            Operation(
                method: "post", path: "/api/sessions/{name}/rename",
                summary: "Rename a session: csm.yaml, tmux session, worktree, default branch, history; all or nothing",
                body: ["type": "object", "required": ["name"], "properties": ["name": nameSchema]],
                responses: [200: "renamed", 400: "invalid name", 404: "unknown session", 409: "name taken or \(locked)", 500: "failed and rolled back"],
                parameters: [nameParameter]),
            Operation(
                method: "get", path: "/api/sessions/{name}/diff", summary: "One file's unified diff against the worktree's HEAD",
                body: nil,
                responses: [200: "ok", 400: "missing or invalid file", 404: "unknown session", 409: "no worktree yet"],
                parameters: [
                    nameParameter,
                    ["name": "file", "in": "query", "required": true, "schema": ["type": "string", "minLength": 1]],
                ],
                success: [
                    "type": "object",
                    "properties": ["session": ["type": "string"], "file": ["type": "string"], "patch": ["type": "string"]],
                ]),
            Operation(
                method: "get", path: "/api/archive", summary: "Archived sessions", body: nil, responses: [200: "ok"]),
            Operation(
                method: "post", path: "/api/archive/{name}/restore",
                summary: "Declare an archived session again and re-create it from its kept branch",
                body: nil,
                responses: [200: "restored", 404: "not archived", 409: "name taken, repo gone, or \(locked)"],
                parameters: [nameParameter]),
        ]
    }
}
