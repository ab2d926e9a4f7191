/// The window names every csm session has (DESIGN.md: `claude` runs the agent, `terminal` a shell in the
/// worktree with the session's env). A missing window is drift the planner restores.
public enum AgentWindows {
    public static let agent = "claude"
    public static let terminal = "terminal"
    /// Both, in the order they are created.
    public static let all = [agent, terminal]
}
