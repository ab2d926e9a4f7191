// TEMPORARY: replaced by the CSMConfig module when it lands (same session). Not committed on main.
import CSMModel
enum ConfigLocation { case yaml(String), legacy(String), none(globalPath: String) }
enum ConfigLocator { static func locate(explicitPath: String?, currentDirectory: String, environment: [String: String], homeDirectory: String) throws -> ConfigLocation { .none(globalPath: "") } }
struct ConfigLoader { init(environment: [String: String], homeDirectory: String) {}; func load(file: String) throws -> Workspace { Workspace(name: "x") } }
enum LegacyConfig { static func load(file: String, homeDirectory: String) throws -> Workspace { Workspace(name: "x") } }
struct CreateCommand: AsyncParsableCommand {}
struct KillCommand: AsyncParsableCommand {}
struct ImportCommand: AsyncParsableCommand {}
import ArgumentParser
