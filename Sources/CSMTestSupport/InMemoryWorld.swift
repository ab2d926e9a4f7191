import CSMModel
import Foundation

/// The effect of a plan on an in-memory world: what a correct applier leaves behind. Property tests
/// apply a plan here and plan again to show the planner converges.
public enum InMemoryWorld {
    public static func simulate(_ plan: Plan, on actual: ActualState) -> ActualState {
        var world = actual
        let workspace = plan.workspace
        func removeOwnedTmux(_ name: String) {
            world.tmuxSessions.removeAll { $0.isOwned(by: workspace) && $0.session == name }
        }
        func addTmux(_ d: DesiredSession) {
            removeOwnedTmux(d.name)
            world.tmuxSessions.append(ObservedTmuxSession(host: d.host, tmuxName: d.tmuxName, workspace: workspace, session: d.name,
                                                          specHash: d.specHash, isAgentRunning: true, windows: AgentWindows.all))
        }
        func addWorktree(_ d: DesiredSession) {
            let marker = WorktreeMarker(workspace: workspace, session: d.name, repoPath: d.repoPath, branch: d.branch,
                                        agentSessionID: "sim", createdAt: Date(timeIntervalSince1970: 0))
            world.worktrees.append(ObservedWorktree(host: d.host, path: d.worktreePath, marker: marker, branch: d.branch))
        }
        for action in plan.actions {
            switch action.kind {
            case .create:
                guard let d = action.desired else { continue }
                addWorktree(d)
                addTmux(d)
            case .start, .restart:
                guard let d = action.desired else { continue }
                addTmux(d)
            case .repair:
                guard let d = action.desired else { continue }
                addWorktree(d)
                addTmux(d)
            case .destroy:
                removeOwnedTmux(action.session)
                world.worktrees.removeAll { $0.marker?.workspace == workspace && $0.marker?.session == action.session }
            case .blocked:
                continue
            }
        }
        return world
    }
}
