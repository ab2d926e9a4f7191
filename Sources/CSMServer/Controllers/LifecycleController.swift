import CSMConfig
import CSMDrivers
import CSMEngine
import CSMModel
import Foundation
import Hummingbird

/// The session lifecycle over HTTP (docs/lifecycle.md): run a declared script, merge, archive, rename,
/// one file's diff, the archive list and restore. Thin wrappers over `SessionLifecycle`: each parses its
/// input, takes the workspace's apply lock for anything that changes sessions, and maps the engine's
/// errors to JSON error bodies.
struct LifecycleController {
    let service: WorkspaceService
    let dependencies: ServerDependencies

    var lifecycle: SessionLifecycle { SessionLifecycle(engine: dependencies.engine, loader: dependencies.loader) }

    func register(_ routes: RouteRegistrar) {
        routes.on(.post, "/api/sessions/:name/run", use: run)
        routes.on(.post, "/api/sessions/:name/merge", use: merge)
        routes.on(.post, "/api/sessions/:name/archive", use: archive)
        routes.on(.post, "/api/sessions/:name/rename", use: rename)
        routes.on(.get, "/api/sessions/:name/diff", use: diff)
        routes.on(.get, "/api/archive", use: archived)
        routes.on(.post, "/api/archive/:name/restore", use: restore)
    }

    struct RunBody: Decodable { var script: String }

    @Sendable func run(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = try SessionsController.name(context)
        let body = try await request.decodeJSON(RunBody.self)
        let workspace = try await service.document().workspace
        let result = try await Self.translating { try await lifecycle.run(script: body.script, in: name, workspace: workspace) }
        return JSONResponse.make(result)
    }

    struct MergeBody: Decodable {
        /// `merge` (default), `ff-only`, `squash` or `rebase`.
        var strategy: String?
        var message: String?
        var push: Bool?
        /// Archive the session after a successful merge.
        var archive: Bool?
    }

    struct MergeResult: Encodable {
        var merge: SessionLifecycle.MergeReport
        var archived: ArchiveRecord?
    }

    @Sendable func merge(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = try SessionsController.name(context)
        let body = try await request.decodeJSON(MergeBody.self)
        let strategies: [String: MergeStrategy] = ["merge": .merge, "ff-only": .fastForwardOnly, "squash": .squash, "rebase": .rebase]
        guard let strategy = strategies[body.strategy ?? "merge"] else {
            throw APIError.invalidBody("strategy must be one of merge, ff-only, squash, rebase")
        }
        let options = SessionLifecycle.MergeOptions(strategy: strategy, message: body.message, push: body.push ?? false)
        let document = try await service.document()
        let lifecycle = lifecycle
        let result = try await service.withApplyLock(document.workspace) { () async throws -> MergeResult in
            let report = try await Self.translating { try await lifecycle.merge(name, workspace: document.workspace, options: options) }
            guard body.archive == true else { return MergeResult(merge: report, archived: nil) }
            let record = try await Self.translating { try await lifecycle.archive(name, document: try await service.document()) }
            return MergeResult(merge: report, archived: record)
        }
        return JSONResponse.make(result)
    }

    @Sendable func archive(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = try SessionsController.name(context)
        let force = request.uri.queryParameters["force"] == "true"
        let document = try await service.document()
        let lifecycle = lifecycle
        let record = try await service.withApplyLock(document.workspace) {
            try await Self.translating { try await lifecycle.archive(name, document: try await service.document(), force: force) }
        }
        return JSONResponse.make(record)
    }

    struct RenameBody: Decodable { var name: String }

    @Sendable func rename(_ request: Request, _ context: ServerContext) async throws -> Response {
        let old = try SessionsController.name(context)
        let body = try await request.decodeJSON(RenameBody.self)
        guard CSMName.isValid(body.name) else { throw APIError.invalidName(body.name) }
        let document = try await service.document()
        let lifecycle = lifecycle
        let report = try await service.withApplyLock(document.workspace) {
            try await Self.translating { try await lifecycle.rename(old, to: body.name, document: try await service.document()) }
        }
        return JSONResponse.make(report)
    }

    @Sendable func diff(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = try SessionsController.name(context)
        guard let file = request.uri.queryParameters["file"].map(String.init), !file.isEmpty else {
            throw APIError.invalidBody("the 'file' query parameter names the file, relative to the worktree")
        }
        let workspace = try await service.document().workspace
        return JSONResponse.make(try await Self.translating { try await lifecycle.diff(file: file, in: name, workspace: workspace) })
    }

    @Sendable func archived(_ request: Request, _ context: ServerContext) async throws -> Response {
        let workspace = try await service.document().workspace
        let records = try await Self.translating { try lifecycle.archiveStore(for: workspace).records() }
        return JSONResponse.make(["archive": records])
    }

    @Sendable func restore(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = try SessionsController.name(context)
        let document = try await service.document()
        let lifecycle = lifecycle
        let saved = try await service.withApplyLock(document.workspace) {
            try await Self.translating { try await lifecycle.restore(name, document: try await service.document()) }
        }
        return JSONResponse.make(try await service.sessionView(name, in: saved.workspace))
    }

    /// Runs a lifecycle operation, turning its errors into API errors with stable codes.
    static func translating<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as LifecycleError {
            throw apiError(error)
        } catch let error as GitError {
            if case .mergeRefused = error { throw APIError(.conflict, "merge_refused", error.description) }
            throw error
        } catch let error as ConfigWriteError {
            // csm.yaml moved under the operation, or the edit it needs would break it (a restored session
            // whose branch another session now uses): a conflict with the workspace's state, not a crash.
            switch error {
            case .changedOnDisk:
                throw APIError(
                    .conflict, "config_changed", "csm.yaml changed on disk during the operation; nothing was written, try again")
            case .invalid:
                throw APIError(.conflict, "config_conflict", error.description)
            case .system:
                throw error
            }
        } catch let error as ConfigEditError {
            throw WorkspaceService.translate(error)
        }
    }

    static func apiError(_ error: LifecycleError) -> APIError {
        let message = error.description
        switch error {
        case .unknownSession(let name, _): return APIError.sessionNotFound(name)
        case .sessionExists: return APIError(.conflict, "session_exists", message)
        case .invalidName(let name): return APIError.invalidName(name)
        case .invalidPath: return APIError(.badRequest, "invalid_path", message)
        case .unknownScript: return APIError(.notFound, "script_not_found", message)
        case .notArchived: return APIError(.notFound, "archive_not_found", message)
        case .notRunning, .windowMissing: return APIError(.conflict, "session_not_running", message)
        case .noWorktree: return APIError(.conflict, "no_worktree", message)
        case .dirtyWorktree: return APIError(.conflict, "worktree_dirty", message)
        case .repoGone: return APIError(.conflict, "repo_gone", message)
        case .pushFailed: return APIError(.badGateway, "push_failed", message)
        case .applyFailed: return APIError(.internalServerError, "apply_failed", message)
        case .branchExists: return APIError(.conflict, "branch_exists", message)
        case .branchInUse: return APIError(.conflict, "branch_in_use", message)
        case .renameFailed: return APIError(.internalServerError, "rename_failed", message)
        case .damagedArchive: return APIError(.internalServerError, "archive_damaged", message)
        case .remoteSession: return APIError(.conflict, "remote_session", message)
        }
    }
}
