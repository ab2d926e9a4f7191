import CSMAgent
import CSMDrivers
import Foundation

/// Reads a transcript on an SSH host through the host's shared connection: one call prints the file's
/// size and inode, then the bytes from the offset on. Calls are spaced at least `minimumInterval`
/// apart (the tailer polls every 250 ms; a remote read costs a round trip).
public actor RemoteTranscriptReader: TranscriptReader {
    let runner: SSHProcessRunner
    let minimumInterval: Duration
    private var lastRead: ContinuousClock.Instant?

    public init(runner: SSHProcessRunner, minimumInterval: Duration = .seconds(1)) {
        self.runner = runner
        self.minimumInterval = minimumInterval
    }

    static let script = #"""
        f=$1; off=$2
        [ -f "$f" ] || exit 3
        size=$(wc -c < "$f" | tr -d ' '); inode=$(ls -di "$f" | awk '{print $1}')
        printf '%s %s\n' "$size" "$inode"
        if [ "$size" -gt "$off" ]; then tail -c +"$((off + 1))" "$f"; fi
        """#

    public func read(path: String, from offset: UInt64) async -> TranscriptChunk? {
        let now = ContinuousClock.now
        if let lastRead, lastRead.duration(to: now) < minimumInterval { return nil }
        lastRead = now
        guard let result = try? await runner.runScript(Self.script, arguments: [path, String(offset)]),
            result.succeeded, let newline = result.stdout.firstIndex(of: "\n")
        else { return nil }
        let head = result.stdout[..<newline].split(separator: " ")
        guard head.count == 2, let size = UInt64(head[0]) else { return nil }
        let data = Data(result.stdout[result.stdout.index(after: newline)...].utf8)
        return TranscriptChunk(size: size, fileNumber: UInt64(head[1]), data: data)
    }
}
