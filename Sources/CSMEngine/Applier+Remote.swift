import CSMDrivers
import CSMModel
import Foundation

/// Actions on SSH hosts: the applier performs them with that host's drivers (tmux and git over the
/// shared ssh connection), writes launch files on the host, and prepares worktrees there.
extension Applier {
    /// A copy of this applier that acts on the action's SSH host, or nil for a local action.
    func routed(for action: PlannedAction) async -> Applier? {
        guard remoteHost == nil, let remote, await remote.isRemote(action.host) else { return nil }
        var copy = self
        copy.tmux = remote.tmux(action.host)
        copy.git = remote.git(action.host)
        copy.remoteHost = action.host
        return copy
    }

    /// The tmux request of a start, with its files written where the session runs.
    func launchRequest(_ session: DesiredSession, mode: LaunchMode) async throws -> TmuxSessionRequest {
        guard let host = remoteHost, let remote else { return try launch.prepare(session, mode: mode) }
        let facts = try await remote.facts(host)
        return try await launch.prepareRemote(session, mode: mode, facts: facts, runner: remote.runner(host))
    }

    /// Removes the session's generated files on its host (after a destroy); a failure only leaves files.
    func removeRemoteFiles(workspace: String, session: String) async {
        guard let host = remoteHost, let remote, let facts = try? await remote.facts(host) else { return }
        let layout = StateLayout(root: AgentLaunch.remoteRoot(home: facts.home))
        _ = try? await remote.runner(host).runScript(
            "rm -rf \"$1\"", arguments: [layout.sessionDirectory(workspace: workspace, session: session)])
    }

    /// The remote counterpart of `WorktreePreparation.prepare`: copies the declared files (new worktrees),
    /// writes CLAUDE.md's context section, runs the setup unless it already succeeded for the same text.
    func prepareRemoteWorktree(_ session: DesiredSession, isNew: Bool) async throws {
        guard let host = remoteHost, let remote else { return }
        let runner = remote.runner(host)
        if isNew, !session.copy.isEmpty {
            let result = try await runner.runScript(
                Self.copyScript, arguments: [session.repoPath, session.worktreePath] + session.copy)
            guard result.succeeded else {
                throw SSHError.remoteCommandFailed(
                    host: host, what: "copying files into \(session.worktreePath)",
                    status: result.status, stderr: result.stderrTail)
            }
        }
        try await writeRemoteContext(session, runner: runner)
        try await runRemoteSetup(session, runner: remote.runner(host, timeout: .seconds(3600)), remote: remote)
    }

    static let copyScript =
        RemoteGitCLI.prelude + #"""
            src=$(expand "$1"); dst=$(expand "$2"); shift 2
            cd "$src" || exit 1
            IFS=
            for pattern in "$@"; do
              for f in $pattern; do
                [ -e "$f" ] || continue
                [ -e "$dst/$f" ] && continue
                mkdir -p "$dst/$(dirname "$f")" && cp -R "$f" "$dst/$f" || exit 1
              done
            done
            """#

    private func writeRemoteContext(_ session: DesiredSession, runner: SSHProcessRunner) async throws {
        let file = session.worktreePath + "/" + ContextFile.fileName
        let read = try await runner.runScript(
            RemoteGitCLI.prelude + "f=$(expand \"$1\"); [ -f \"$f\" ] && cat \"$f\"; exit 0",
            arguments: [file])
        let existing = read.stdout.isEmpty ? nil : read.stdout
        var issue: IssueContext?
        if let linear = session.linear, !linear.isEmpty, let lookup = launch.issueLookup { issue = await lookup(linear) }
        let section = ContextFile.section(for: session, issue: issue)
        guard section != nil || existing?.contains(ContextFile.startMarker) == true else { return }
        let updated = ContextFile.merged(existing ?? "", section: section)
        guard updated != existing else { return }
        _ = try await git.keepOutOfStatus(worktreePath: session.worktreePath, file: ContextFile.fileName)
        let write = try await runner.runScript(
            RemoteGitCLI.prelude + "f=$(expand \"$1\"); printf '%s' \"$2\" > \"$f\"", arguments: [file, updated])
        guard write.succeeded else {
            throw SSHError.remoteCommandFailed(
                host: runner.host, what: "writing \(file)", status: write.status,
                stderr: write.stderrTail)
        }
    }

    static let setupScript =
        RemoteGitCLI.prelude + #"""
            wt=$(expand "$1"); hash=$2; log=$3; script=$4
            gd=$(git -C "$wt" rev-parse --absolute-git-dir) || exit 90
            st="$gd/csm-setup.json"
            if [ -f "$st" ] && grep -q "\"hash\" : \"$hash\"" "$st" && grep -q '"exitStatus" : 0,' "$st"; then
              echo csm-setup-skip; exit 0
            fi
            mkdir -p "$(dirname "$log")" && printf '%s' "$script" > "$log.sh" || exit 91
            /bin/sh "$log.sh"
            printf 'csm-setup-status\t%s\n' "$?"
            printf 'csm-setup-gitdir\t%s\n' "$gd"
            tail -n 16 "$log" 2>/dev/null
            """#

    private func runRemoteSetup(_ session: DesiredSession, runner: SSHProcessRunner, remote: RemoteHosts) async throws {
        guard let hash = session.setupHash else { return }
        let facts = try await remote.facts(runner.host)
        var expanded = session
        expanded.worktreePath = AgentLaunch.expand(session.worktreePath, home: facts.home)
        let layout = StateLayout(root: AgentLaunch.remoteRoot(home: facts.home))
        let log = layout.setupLog(workspace: session.workspace, session: session.name)
        await setupProgress?(.started(session: session.name, logPath: "\(runner.host):\(log)"))
        let result = try await runner.runScript(
            Self.setupScript,
            arguments: [session.worktreePath, hash, log, WorktreePreparation.setupScript(for: expanded, log: log)])
        if result.stdout.hasPrefix("csm-setup-skip") { return }
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let statusLine = lines.firstIndex(where: { $0.hasPrefix("csm-setup-status\t") }),
            let status = Int32(lines[statusLine].dropFirst("csm-setup-status\t".count)),
            statusLine + 1 < lines.count, lines[statusLine + 1].hasPrefix("csm-setup-gitdir\t")
        else {
            throw SSHError.remoteCommandFailed(
                host: runner.host, what: "the setup of \(session.name)", status: result.status,
                stderr: result.stderrTail)
        }
        let gitDirectory = String(lines[statusLine + 1].dropFirst("csm-setup-gitdir\t".count))
        lines = Array(lines[(statusLine + 2)...])
        let tail = lines.suffix(SetupStamp.tailLines + 1).joined(separator: "\n").trimmingCharacters(
            in: CharacterSet.newlines)
        let stamp = SetupStamp(
            hash: hash, exitStatus: status, finishedAt: now(), logTail: tail,
            logPath: "\(runner.host):\(log)")
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let json = String(decoding: try encoder.encode(stamp), as: UTF8.self)
        try await AgentLaunch.writeRemoteFiles(
            [(Paths.join(gitDirectory, "csm-setup.json"), "644", json)], runner: runner)
        await setupProgress?(.finished(session: session.name, exitStatus: status, tail: tail))
        guard stamp.succeeded else {
            throw PreparationError.setupFailed(
                session: session.name, status: status, logPath: stamp.logPath, tail: tail)
        }
    }
}
