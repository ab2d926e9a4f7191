import CSMModel
import Foundation

/// The original TypeScript tool's `~/.config/csm/config.json`, mapped onto a `Workspace` so its users can
/// move over (`csm import` writes the equivalent csm.yaml with `importYAML()`).
///
/// Mapping: workspace `default`; `worktreeBase` → `defaults.worktreeBase`; `defaultRepo` → a local repo
/// named after its folder; `hosts.NAME.host` → `hosts.NAME.ssh`, `hosts.NAME.defaultRepo` → a repo on that
/// host; `projects[]` → repos (relative `repoPath`s are relative to `projectsBase`, else to the home
/// folder); `apiPort` → `server.listen: 127.0.0.1:PORT`; `linearApiKey` → `integrations.linear.apiKey`;
/// `toolApprovalRules` → `rules`; a project's `setupScript` → the repo's `setup`, `envVars` → `env`,
/// `runScripts` → `scripts` (labels made valid names). Other keys (API tokens, R2, feedback) are
/// ignored and listed in a comment. Invalid JSON or a wrong type is an error, never a silent default.
public struct LegacyConfig: Sendable {
    /// The workspace name every imported configuration gets.
    public static let workspaceName = "default"
    /// The environment variable the imported file reads the Linear key from.
    public static let linearKeyVariable = "LINEAR_API_KEY"

    /// The mapped workspace (`sourcePath` nil: it did not come from a csm.yaml).
    public let workspace: Workspace
    /// The file it was read from, as given.
    public let file: String
    /// Repo names in the order they were found (for a stable import).
    let repoOrder: [String]
    /// Per repo: comment lines about settings that could not be represented (invalid variable names).
    let unrepresented: [String: [String]]
    /// Top-level keys that were ignored.
    let ignoredKeys: [String]
    /// The home folder `~` was expanded against (the import writes `~/` back).
    let homeDirectory: String

    /// Reads `path` and maps it (see the type's documentation).
    public static func load(file path: String, homeDirectory: String) throws(ConfigError) -> Workspace {
        try read(file: path, homeDirectory: homeDirectory).workspace
    }

    /// Reads `path` and returns the equivalent csm.yaml text (what `csm import` writes).
    public static func importYAML(file path: String, homeDirectory: String, keepSecrets: Bool = false)
        throws(ConfigError) -> String
    {
        try read(file: path, homeDirectory: homeDirectory).importYAML(keepSecrets: keepSecrets)
    }

    /// Reads `path` and keeps what `importYAML()` needs besides the workspace.
    public static func read(file path: String, homeDirectory: String) throws(ConfigError) -> LegacyConfig {
        try parse(ConfigLoader.readBytes(path: path), file: path, homeDirectory: homeDirectory)
    }

    /// Maps the JSON `bytes` of a config.json; `file` is used in diagnostics.
    public static func parse(_ bytes: [UInt8], file: String, homeDirectory: String) throws(ConfigError) -> LegacyConfig
    {
        var mapper = LegacyMapper(file: file, home: homeDirectory)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            let detail =
                (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            throw ConfigError([
                mapper.diagnostic(
                    "'\(file)' is not valid JSON: \(detail)", hint: "fix the file or move it away; nothing was imported"
                )
            ])
        }
        guard let dictionary = object as? [String: Any] else {
            throw ConfigError([mapper.diagnostic("'\(file)' must hold a JSON object at the top level")])
        }
        return try mapper.map(dictionary)
    }

    /// The csm.yaml text equivalent to this configuration, starting with a comment naming the source.
    ///
    /// The Linear key is written as `${LINEAR_API_KEY}` (so the secret is not committed) unless
    /// `keepSecrets` is true; loading the result with that variable set gives back `workspace`.
    public func importYAML(keepSecrets: Bool = false) -> String {
        var lines = [
            "# csm.yaml imported from \(file) (the original csm's config.json).",
            "# Review it, then keep it next to your code or as the global csm.yaml.",
            "version: 1",
            "workspace: \(workspace.name)",
        ]
        if !ignoredKeys.isEmpty {
            lines.insert("# Not imported (no equivalent in csm.yaml): \(ignoredKeys.joined(separator: ", ")).", at: 2)
        }
        let value = { (text: String) in YAMLScalar.render(Interpolation.escape(text)) }
        // Local paths under the home folder are written with `~/` so the file also works for a colleague.
        let localPath = { (path: String) in
            path.hasPrefix(homeDirectory + "/") ? value("~/" + path.dropFirst(homeDirectory.count + 1)) : value(path)
        }
        lines += ["defaults:", "  worktreeBase: \(localPath(workspace.defaults.worktreeBase))"]
        let remoteHosts = workspace.hosts.values.filter { $0.name != HostSpec.localName }.sorted { $0.name < $1.name }
        if !remoteHosts.isEmpty {
            lines.append("hosts:")
            for host in remoteHosts {
                lines += ["  \(YAMLScalar.render(host.name)):", "    ssh: \(value(host.ssh ?? ""))"]
            }
        }
        if !repoOrder.isEmpty {
            lines.append("repos:")
            for name in repoOrder {
                guard let repo = workspace.repos[name] else { continue }
                lines += ["  \(YAMLScalar.render(name)):", "    path: \(repo.host == nil ? localPath(repo.path) : value(repo.path))"]
                if let host = repo.host { lines.append("    host: \(YAMLScalar.render(host))") }
                // Shell text is not interpolated by csm, so it is written as it is.
                let shell = { (text: String) in YAMLScalar.render(text) }
                if let setup = repo.setup.first, repo.setup.count == 1 { lines.append("    setup: \(shell(setup))") }
                if !repo.env.isEmpty {
                    lines.append("    env:")
                    for (key, envValue) in repo.env.sorted(by: { $0.key < $1.key }) {
                        lines.append("      \(key): \(value(envValue))")
                    }
                }
                if !repo.scripts.isEmpty {
                    lines.append("    scripts:")
                    for (key, command) in repo.scripts.sorted(by: { $0.key < $1.key }) {
                        lines.append("      \(YAMLScalar.render(key)): \(shell(command))")
                    }
                }
                lines += (unrepresented[name] ?? []).map { "    # " + $0 }
            }
        }
        if !workspace.rules.isEmpty {
            lines.append("rules:")
            for rule in workspace.rules {
                lines.append("  - tool: \(value(rule.tool))")
                if let pattern = rule.pattern { lines.append("    pattern: \(value(pattern))") }
                lines.append("    action: \(rule.action.rawValue)")
            }
        }
        if workspace.server != ServerSettings() {
            lines += ["server:", "  listen: \(value(workspace.server.listen))"]
        }
        if let key = workspace.integrations.linearAPIKey {
            lines += ["integrations:", "  linear:"]
            if keepSecrets {
                lines.append("    apiKey: \(value(key))")
            } else {
                lines.append(
                    "    # The key was stored in config.json; export \(Self.linearKeyVariable) instead of committing it."
                )
                lines.append("    apiKey: ${\(Self.linearKeyVariable)}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The mapping itself, collecting every problem.
private struct LegacyMapper {
    let file: String
    let home: String
    var diagnostics: [Diagnostic] = []
    var repos: [String: RepoSpec] = [:]
    var repoOrder: [String] = []
    var unrepresented: [String: [String]] = [:]

    init(file: String, home: String) {
        self.file = file
        self.home = home
    }

    func diagnostic(_ message: String, hint: String? = nil) -> Diagnostic {
        Diagnostic(at: SourceLocation(file: file, line: 1, column: 1), message, hint: hint)
    }

    mutating func fail(_ message: String, hint: String? = nil) { diagnostics.append(diagnostic(message, hint: hint)) }

    mutating func string(_ value: Any?, _ key: String) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let text = value as? String else {
            fail("'\(key)' must be a string in the legacy config")
            return nil
        }
        return text
    }

    /// A local path: `~` expanded, relative paths taken from `base`.
    func localPath(_ raw: String, base: String) -> String {
        (try? ValueParsers.resolvePath(raw, home: home, base: base).get()) ?? ValueParsers.normalize(base + "/" + raw)
    }

    /// Adds a repo named after `preferred` unless the same path on the same host is already there.
    @discardableResult
    mutating func addRepo(preferred: String, path: String, host: String?) -> String {
        if let existing = repoOrder.first(where: { repos[$0]?.path == path && repos[$0]?.host == host }) {
            return existing
        }
        let base = ValueParsers.sanitizedName(preferred, fallback: "repo")
        var name = base
        var counter = 2
        while repos[name] != nil {
            name = String(base.prefix(60)) + "-\(counter)"
            counter += 1
        }
        repos[name] = RepoSpec(name: name, path: path, host: host)
        repoOrder.append(name)
        return name
    }

    mutating func map(_ json: [String: Any]) throws(ConfigError) -> LegacyConfig {
        let known: Set<String> = [
            "defaultRepo", "worktreeBase", "apiPort", "linearApiKey", "toolApprovalRules", "hosts", "projects",
            "projectsBase",
        ]
        var defaults = Defaults()
        defaults.worktreeBase = localPath(
            string(json["worktreeBase"], "worktreeBase") ?? Defaults.defaultWorktreeBase, base: home)
        if let repo = string(json["defaultRepo"], "defaultRepo") {
            let path = localPath(repo, base: home)
            addRepo(preferred: (path as NSString).lastPathComponent, path: path, host: nil)
        }
        var hosts: [String: HostSpec] = [:]
        if let value = json["hosts"], !(value is NSNull) {
            if let entries = value as? [String: Any] {
                for (rawName, entry) in entries.sorted(by: { $0.key < $1.key }) {
                    let name = ValueParsers.sanitizedName(rawName, fallback: "host")
                    guard let fields = entry as? [String: Any] else {
                        fail("'hosts.\(rawName)' must be an object")
                        continue
                    }
                    guard let ssh = string(fields["host"], "hosts.\(rawName).host"), !ssh.isEmpty else {
                        fail("'hosts.\(rawName).host' is missing", hint: "it holds user@host for ssh")
                        continue
                    }
                    hosts[name] = HostSpec(name: name, ssh: ssh)
                    if let repo = string(fields["defaultRepo"], "hosts.\(rawName).defaultRepo") {
                        let path = ValueParsers.normalize(repo)
                        addRepo(preferred: (path as NSString).lastPathComponent, path: path, host: name)
                    }
                }
            } else {
                fail("'hosts' must be an object")
            }
        }
        let projectsBase = string(json["projectsBase"], "projectsBase").map { localPath($0, base: home) } ?? home
        if let value = json["projects"], !(value is NSNull) {
            if let projects = value as? [Any] {
                for (index, entry) in projects.enumerated() { mapProject(entry, index: index, base: projectsBase) }
            } else {
                fail("'projects' must be an array")
            }
        }
        var server = ServerSettings()
        if let value = json["apiPort"], !(value is NSNull) {
            if let port = value as? Int, !(value is Bool), (1...65535).contains(port) {
                server.listen = "127.0.0.1:\(port)"
            } else {
                fail("'apiPort' must be a port number from 1 to 65535")
            }
        }
        let rules = mapRules(json["toolApprovalRules"])
        var integrations = Integrations()
        integrations.linearAPIKey = string(json["linearApiKey"], "linearApiKey").flatMap { $0.isEmpty ? nil : $0 }
        guard diagnostics.isEmpty else { throw ConfigError(diagnostics) }
        let workspace = Workspace(
            name: LegacyConfig.workspaceName, defaults: defaults, hosts: hosts, repos: repos, rules: rules,
            server: server, integrations: integrations)
        return LegacyConfig(
            workspace: workspace, file: file, repoOrder: repoOrder, unrepresented: unrepresented,
            ignoredKeys: json.keys.filter { !known.contains($0) }.sorted(), homeDirectory: home)
    }

    mutating func mapProject(_ entry: Any, index: Int, base: String) {
        guard let project = entry as? [String: Any] else {
            fail("'projects[\(index)]' must be an object")
            return
        }
        guard let name = string(project["name"], "projects[\(index)].name"),
            let repoPath = string(project["repoPath"], "projects[\(index)].repoPath"), !repoPath.isEmpty
        else {
            fail("'projects[\(index)]' needs 'name' and 'repoPath'")
            return
        }
        let repo = addRepo(preferred: name, path: localPath(repoPath, base: base), host: nil)
        if let setup = string(project["setupScript"], "projects[\(index)].setupScript"), !setup.isEmpty {
            repos[repo]?.setup = [setup]
        }
        if let env = stringMap(project["envVars"], "projects[\(index)].envVars") {
            // A name no shell can export is kept as a comment rather than failing the whole import.
            for key in env.keys.sorted() where !Interpolation.isValidName(key) {
                unrepresented[repo, default: []].append(
                    "not imported (project '\(name)'): envVars.\(key) is not a valid variable name")
            }
            repos[repo]?.env.merge(env.filter { Interpolation.isValidName($0.key) }) { _, new in new }
        }
        if let scripts = runScripts(project["runScripts"], "projects[\(index)].runScripts") {
            for (label, command) in scripts.sorted(by: { $0.key < $1.key }) {
                // Labels were free text in the original tool; csm names scripts like sessions.
                var scriptName = ValueParsers.sanitizedName(label, fallback: "script")
                var counter = 2
                while repos[repo]?.scripts[scriptName] != nil {
                    scriptName = ValueParsers.sanitizedName(label, fallback: "script") + "-\(counter)"
                    counter += 1
                }
                repos[repo]?.scripts[scriptName] = command
            }
        }
    }

    /// `runScripts` as `{label: command}` or as `[{name, command}]` (both shapes were written by the original tool).
    mutating func runScripts(_ value: Any?, _ key: String) -> [String: String]? {
        guard let entries = value as? [Any] else { return stringMap(value, key) }
        var out: [String: String] = [:]
        for (index, entry) in entries.enumerated() {
            guard let fields = entry as? [String: Any], let name = string(fields["name"], "\(key)[\(index)].name"),
                let command = string(fields["command"], "\(key)[\(index)].command")
            else {
                fail("'\(key)[\(index)]' needs 'name' and 'command'")
                continue
            }
            out[name] = command
        }
        return out
    }

    /// A JSON object of strings (null is nil); anything else is an error.
    mutating func stringMap(_ value: Any?, _ key: String) -> [String: String]? {
        guard let value, !(value is NSNull) else { return nil }
        guard let object = value as? [String: Any] else {
            fail("'\(key)' must be an object of strings in the legacy config")
            return nil
        }
        var out: [String: String] = [:]
        for (name, item) in object {
            if let text = string(item, "\(key).\(name)") { out[name] = text }
        }
        return out
    }

    mutating func mapRules(_ value: Any?) -> [ToolRule] {
        guard let value, !(value is NSNull) else { return [] }
        guard let entries = value as? [Any] else {
            fail("'toolApprovalRules' must be an array")
            return []
        }
        var rules: [ToolRule] = []
        for (index, entry) in entries.enumerated() {
            let key = "toolApprovalRules[\(index)]"
            guard let fields = entry as? [String: Any], let tool = string(fields["tool"], "\(key).tool"), !tool.isEmpty
            else {
                fail("'\(key)' needs a 'tool'")
                continue
            }
            let actionText = string(fields["action"], "\(key).action") ?? ""
            guard let action = RuleAction(rawValue: actionText) else {
                fail("'\(key).action' is '\(actionText)'; expected 'allow', 'deny' or 'ask'")
                continue
            }
            rules.append(ToolRule(tool: tool, pattern: string(fields["pattern"], "\(key).pattern"), action: action))
        }
        return rules
    }
}
