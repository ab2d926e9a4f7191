import ArgumentParser
import CSMConfig
import CSMEngine
import CSMIntegrations
import CSMModel
import CSMPlanner
import Foundation

/// `csm create NAME`: declares a session in csm.yaml and applies only it.
struct CreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Add a session to csm.yaml (keeping its comments) and start it.",
        discussion: """
            Without --repo, the repo containing the current folder is used, or the only declared repo. With \
            --linear ENG-123 the issue is read from Linear: NAME defaults to eng-123-<title>, the first prompt to \
            integrations.linear.promptTemplate filled from the issue, and CLAUDE.md gets the issue's details.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The session name (\(CSMName.ruleDescription)); derived from the issue with --linear.")
    var name: String?

    @Option(help: ArgumentHelp("A Linear issue to work on (needs integrations.linear.apiKey).", valueName: "ENG-123"))
    var linear: String?

    @Option(help: ArgumentHelp("A declared repo name, or the path of a git repository (declared if new).", valueName: "path|name"))
    var repo: String?

    @Option(help: ArgumentHelp("The host to run on (default: the repo's host).", valueName: "name"))
    var host: String?

    @Option(help: ArgumentHelp("The branch (default: branchPrefix + name); an existing branch is checked out as it is.", valueName: "branch"))
    var branch: String?

    @Option(help: ArgumentHelp("The first prompt for the agent.", valueName: "text"))
    var prompt: String?

    @Option(help: ArgumentHelp("Claude Code's --effort: low, medium, high, xhigh or max.", valueName: "level"))
    var effort: String?

    @Option(name: .customLong("context"), help: ArgumentHelp("Text for the session's section of CLAUDE.md.", valueName: "text"))
    var contextText: String?

    func run() async throws {
        let context = CommandContext(global)
        try await context.guarded {
            var document = try context.editableDocument()
            let workspace = document.workspace
            var prompt = self.prompt
            var name = self.name ?? ""
            if let linear {
                let issue = try await Self.readIssue(linear, settings: workspace.integrations, environment: context.environment)
                if self.name == nil { name = IssueNaming.sessionName(for: issue) }
                if prompt == nil {
                    prompt = IssueNaming.prompt(for: issue, template: workspace.integrations.linearPromptTemplate)
                }
                context.output.line("Linear \(issue.identifier): \(issue.title)")
            } else if self.name == nil {
                throw CLIError.refused("give the session a NAME, or --linear ISSUE to name it after an issue.")
            }
            guard CSMName.isValid(name) else { throw CLIError.invalidName(name, what: "session") }
            guard workspace.sessions[name] == nil else { throw CLIError.sessionExists(name) }
            if let host, workspace.hosts[host] == nil {
                throw CLIError.refused("no host named '\(host)' is declared; known hosts: \(workspace.hosts.keys.sorted().joined(separator: ", ")).")
            }
            var text = document.text
            let repoName: String
            switch try resolveRepo(in: workspace, context: context) {
            case let .declared(existing):
                repoName = existing
            case let .new(newName, path):
                repoName = newName
                text = try ConfigEditor(text: text, file: document.path).addRepo(name: newName, path: path)
            }
            var fields = [YAMLEntry("repo", .string(repoName))]
            if let host { fields.append(YAMLEntry("host", .string(host))) }
            if let branch { fields.append(YAMLEntry("branch", .string(branch))) }
            if let prompt { fields.append(YAMLEntry("prompt", .string(prompt))) }
            if let linear { fields.append(YAMLEntry("linear", .string(linear.uppercased()))) }
            if let effort {
                guard Effort(rawValue: effort) != nil else {
                    throw CLIError.refused("'\(effort)' is not an effort level; use one of "
                        + Effort.allCases.map(\.rawValue).joined(separator: ", ") + ".")
                }
                fields.append(YAMLEntry("effort", .string(effort)))
            }
            if let contextText { fields.append(YAMLEntry("context", .string(contextText))) }
            text = try ConfigEditor(text: text, file: document.path).setValue(path: ["sessions", name], value: .mapping(fields))
            document = try document.saving(text, loader: context.loader)
            context.output.line("Declared session '\(name)' in \(document.path).")

            let lock = try await context.applyLock(for: document.workspace)
            defer { lock.release() }
            let engine = context.makeEngine()
            let (plan, _) = try await engine.plan(document.workspace, targets: [name])
            do {
                try await ApplyRunner(context: context, autoApprove: true).run(plan, engine: engine)
            } catch {
                context.output.line("The session stays declared in csm.yaml; fix the problem above and run 'csm apply'.")
                throw error
            }
            context.output.line("Attach with: csm attach \(name)")
        }
    }

    /// The issue, or a refusal that says what Linear answered.
    static func readIssue(_ id: String, settings: Integrations, environment: [String: String]) async throws -> LinearIssue {
        do {
            let service = try await IntegrationHub(environment: environment).linear(settings)
            return try await service.issue(id)
        } catch let error as LinearError {
            throw CLIError.refused("cannot use Linear issue '\(id)': \(error)")
        }
    }

    enum RepoChoice { case declared(String), new(name: String, path: String) }

    /// `--repo` as a declared name or a path; without it, the repo holding the current folder or the only repo.
    func resolveRepo(in workspace: Workspace, context: CommandContext) throws -> RepoChoice {
        let repos = workspace.repos.values.sorted { $0.name < $1.name }
        guard let repo else {
            let cwd = context.currentDirectory
            if let containing = repos.first(where: { cwd == $0.path || cwd.hasPrefix($0.path + "/") }) { return .declared(containing.name) }
            if repos.count == 1 { return .declared(repos[0].name) }
            throw CLIError.repoNeeded(known: repos.map(\.name))
        }
        if workspace.repos[repo] != nil { return .declared(repo) }
        let path = context.absolutePath(repo)
        if let existing = repos.first(where: { $0.path == path }) { return .declared(existing.name) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError.refused("'\(repo)' is neither a declared repo (\(repos.map(\.name).joined(separator: ", "))) nor an existing folder.")
        }
        return .new(name: Self.uniqueRepoName(for: path, taken: Set(workspace.repos.keys)), path: path)
    }

    /// The folder's base name made valid, with `-2`, `-3`… when taken.
    static func uniqueRepoName(for path: String, taken: Set<String>) -> String {
        let base = (path as NSString).lastPathComponent
        var cleaned = String(base.map { CSMName.isValid(String($0)) ? $0 : "-" }.prefix(60))
        if !CSMName.isValid(cleaned) { cleaned = "repo" }
        var candidate = cleaned
        var n = 2
        while taken.contains(candidate) {
            candidate = "\(cleaned)-\(n)"
            n += 1
        }
        return candidate
    }
}
