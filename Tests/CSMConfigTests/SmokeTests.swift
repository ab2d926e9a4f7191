import CSMConfig
import CSMModel
import Testing

@Test("a minimal file loads with every default applied")
func minimalFileLoads() throws {
    let workspace = try parse("version: 1\nworkspace: demo\n")
    #expect(workspace.name == "demo")
    #expect(workspace.defaults.worktreeBase == "/home/u/.local/share/csm/worktrees")
    #expect(workspace.sourcePath == "/proj/csm.yaml")
}
