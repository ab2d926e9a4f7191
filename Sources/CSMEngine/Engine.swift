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

    /// Observes and plans in one step.
    public func plan(_ workspace: Workspace, options: PlanOptions = PlanOptions(), targets: Set<String>? = nil) async throws -> (plan: Plan, actual: ActualState) {
        let actual = try await observer.observe(workspace)
        let plan = Planner.plan(workspace: workspace.name, desired: workspace.resolvedSessions(), actual: actual, options: options)
        return (plan.limited(to: targets), actual)
    }

    /// The rows of `csm list`.
    public func list(_ workspace: Workspace) async throws -> [SessionRow] {
        let actual = try await observer.observe(workspace)
        return SessionList.rows(workspace: workspace.name, desired: workspace.resolvedSessions(), actual: actual)
    }
}
