import ArgumentParser

/// csm's version, printed by `csm version` and `csm --version`.
public enum CSMVersion {
    public static let current = "0.1.0"
}

/// `csm version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print csm's version.")

    func run() throws {
        Output(color: false).line("csm \(CSMVersion.current)")
    }
}
