/// Claude Code's `--permission-mode`, from `agent.permissionMode`.
///
/// csm passes it explicitly because current Claude Code otherwise starts in `auto`, where its own
/// classifier approves tools before csm's rules or a person see them.
public enum PermissionMode: String, Sendable, Equatable, Codable, CaseIterable {
    /// Ask for every tool the settings do not allow (Claude Code also calls this `manual`).
    case `default`
    case manual
    case acceptEdits
    case auto
    case plan
    case dontAsk
    case bypassPermissions
}
