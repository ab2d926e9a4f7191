import CSMModel
import Foundation

/// Creating many sessions in few tmux invocations: each costs a client start and a round trip to the
/// server (~15 ms), so `csm apply` of 50 sessions sends their commands together, separated by `;`.
extension TmuxCLI {
    /// tmux passes a client's command line to the server in one message of at most 16 KiB; batches stay
    /// well under that.
    static let maxBatchBytes = 8 * 1024

    public func createSessions(_ requests: [TmuxSessionRequest]) async -> [(any Error)?] {
        var errors = [(any Error)?](repeating: nil, count: requests.count)
        var batches: [[(index: Int, arguments: [String])]] = [[]]
        var batchBytes = 0
        for (index, request) in requests.enumerated() {
            let arguments: [String]
            do {
                arguments = try Self.creationArguments(request)
            } catch {
                errors[index] = error
                continue
            }
            let bytes = arguments.reduce(0) { $0 + $1.utf8.count + 1 }
            if batchBytes + bytes > Self.maxBatchBytes, !(batches.last ?? []).isEmpty {
                batches.append([])
                batchBytes = 0
            }
            batches[batches.count - 1].append((index, arguments))
            batchBytes += bytes
        }
        for batch in batches where !batch.isEmpty {
            for (index, error) in await createBatch(batch, requests: requests) { errors[index] = error }
        }
        return errors
    }

    /// One invocation for the whole batch. tmux stops a command line at its first failing command, so
    /// after a failure the sessions are read back: one that exists whole (its `@csm-spec` and all its
    /// windows) was created; every other is created on its own, which reports its own error. Nothing
    /// is killed: a session of that name may not be csm's.
    private func createBatch(_ batch: [(index: Int, arguments: [String])], requests: [TmuxSessionRequest]) async
        -> [(Int, (any Error)?)]
    {
        if batch.count == 1 {
            let index = batch[0].index
            do {
                try await createSession(requests[index])
                return [(index, nil)]
            } catch {
                return [(index, error)]
            }
        }
        let arguments = batch.map(\.arguments).joined(separator: [";"]).map { $0 }
        if let result = try? await tmux(arguments), result.succeeded {
            logger.debug("created tmux sessions in one invocation", metadata: ["count": "\(batch.count)"])
            return batch.map { ($0.index, nil) }
        }
        let existing = Dictionary(
            ((try? await listSessions()) ?? []).map { ($0.tmuxName, $0) }, uniquingKeysWith: { first, _ in first })
        var outcomes: [(Int, (any Error)?)] = []
        for (index, _) in batch {
            let request = requests[index]
            if let session = existing[request.name], session.specHash == request.options["@csm-spec"],
                session.session == request.options["@csm-session"], session.windowCount == request.windows.count
            {
                outcomes.append((index, nil))
                continue
            }
            do {
                try await createSession(request)
                outcomes.append((index, nil))
            } catch {
                outcomes.append((index, error))
            }
        }
        return outcomes
    }
}
