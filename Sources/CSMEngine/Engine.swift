import CSMDrivers
import CSMModel
import CSMPlanner
import Foundation

/// The composition of observer, planner and applier that every front end uses.
public struct Engine: Sendable {
    public var observer: Observer
    public var applier: Applier

    public init(tmux: any TmuxDriver, git: any GitDriver, launch: AgentLaunch, parallelism: Int = 4) {
        observer = Observer(tmux: tmux, git: git)
        applier = Applier(tmux: tmux, git: git, launch: launch, parallelism: parallelism)
    }

    public init(observer: Observer, applier: Applier) {
        self.observer = observer
        self.applier = applier
    }

    /// Observes and plans in one step. Every target must name a declared session or one this workspace owns.
    /// Work is counted only in worktrees the plan may destroy, unless `counting` asks for more (the TUI
    /// shows every session's counts).
    public func plan(
        _ workspace: Workspace, options: PlanOptions = PlanOptions(), targets: Set<String>? = nil,
        counting: WorkCounting = .destroyCandidates
    ) async throws -> (plan: Plan, actual: ActualState) {
        let actual = try await observer.observe(workspace, counting: counting)
        if let targets {
            let known = Set(workspace.sessions.keys).union(
                SessionList.rows(workspace: workspace.name, desired: [], actual: actual).filter { $0.status == .orphaned }.map(\.name))
            let unknown = targets.subtracting(known).sorted()
            guard unknown.isEmpty else { throw EngineError.unknownTargets(unknown, known: known.sorted()) }
        }
        let plan = Planner.plan(workspace: workspace.name, desired: workspace.resolvedSessions(), actual: actual, options: options)
        return (plan.limited(to: targets), actual)
    }

    /// The rows of `csm list` (which show no work counts, so none are counted).
    public func list(_ workspace: Workspace) async throws -> [SessionRow] {
        let actual = try await observer.observe(workspace, counting: .none)
        return SessionList.rows(workspace: workspace.name, desired: workspace.resolvedSessions(), actual: actual)
    }
}

/// Errors of the engine's own checks.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownTargets([String], known: [String])

    public var description: String {
        switch self {
        case let .unknownTargets(names, known):
            let list = names.map { "'\($0)'" }.joined(separator: ", ")
            return "--target \(list) names no session declared in csm.yaml or owned by this workspace"
                + (known.isEmpty ? "." : "; sessions: \(known.joined(separator: ", ")).")
        }
    }
}
