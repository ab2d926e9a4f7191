import ArgumentParser
import CSMConfig
import Foundation

/// `csm import`: prints the csm.yaml equivalent of the original tool's config.json.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Print the csm.yaml equivalent of the original tool's ~/.config/csm/config.json.",
        discussion: "Redirect it into a file: csm import > csm.yaml. Secrets become ${VAR} references unless --keep-secrets."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The config.json to read (default: ~/.config/csm/config.json).", valueName: "path"))
    var from: String?

    @Flag(name: .customLong("keep-secrets"), help: "Copy secrets such as the Linear API key into the output as they are.")
    var keepSecrets = false

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            let path = from.map { context.absolutePath($0) } ?? ConfigLocator.legacyPath(environment: context.environment)
            guard let path, FileManager.default.fileExists(atPath: path) else {
                throw CLIError.refused("no config.json of the original tool found\(path.map { " at \($0)" } ?? ""); pass --from PATH.")
            }
            context.output.write(try LegacyConfig.importYAML(file: path, homeDirectory: context.home, keepSecrets: keepSecrets))
        }
    }
}
