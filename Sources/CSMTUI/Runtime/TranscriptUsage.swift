import CSMAgent
import CSMIntegrations
import CSMModel
import Foundation

/// Turns, model and cost of the local sessions without a server, from their Claude Code transcripts.
///
/// Each session's newest transcript in Claude Code's project folder of its worktree (where `csm usage`
/// looks too) is followed by a `TranscriptTailer`, kept between polls: only the bytes appended since the
/// last poll are read, and when the agent starts another transcript the tailer follows it, counting
/// records copied from the old one once (what the server does with the path its hooks name).
actor TranscriptUsage {
    private struct Followed {
        var tailer: TranscriptTailer
        var prices: PriceTable
    }

    private var sessions: [String: Followed] = [:]
    private let environment: [String: String]

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The agent facts of every local session of `workspace` that has a transcript, by session name.
    func agents(of workspace: Workspace) async -> [String: AgentInfo] {
        let prices = workspace.integrations.priceTable
        var result: [String: AgentInfo] = [:]
        var seen = Set<String>()
        for (session, folder) in UsageSources.folders(workspace: workspace, environment: environment) {
            seen.insert(session)
            guard let path = Self.newestTranscript(in: folder) else { continue }
            var followed = sessions[session]
            if followed == nil || followed?.prices != prices {
                followed = Followed(tailer: TranscriptTailer(prices: prices), prices: prices)
                sessions[session] = followed
            }
            guard let tailer = followed?.tailer else { continue }
            await tailer.follow(path)
            _ = await tailer.poll()
            let usage = await tailer.usage
            result[session] = AgentInfo(
                status: "", model: usage.model, turns: usage.turnCount, costUSD: usage.costUSD)
        }
        for name in sessions.keys where !seen.contains(name) { sessions[name] = nil }
        return result
    }

    /// The most recently written `*.jsonl` of `folder`; nil when it has none.
    static func newestTranscript(in folder: String) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var newest: (path: String, modified: Date)?
        for name in names where name.hasSuffix(".jsonl") {
            let path = folder + "/" + name
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            else { continue }
            if newest == nil || modified > newest!.modified || (modified == newest!.modified && path > newest!.path) {
                newest = (path, modified)
            }
        }
        return newest?.path
    }
}
