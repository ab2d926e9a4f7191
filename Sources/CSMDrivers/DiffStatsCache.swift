import Foundation

/// Diff stats per worktree, recomputed only when they may have changed.
///
/// An entry is reused while its `DiffStatsKey` (HEAD, base, index stamp) and the caller's `activity` token
/// (e.g. the size of the session's hook log, which grows with every tool the agent runs) are unchanged and
/// it is younger than `ttl`, the bound on how long an edit that touches none of those stays unseen. Reading
/// a key costs a repository open and two `stat`s; computing stats reads every changed file, so the work
/// scales with what changed, not with the number of polls. `invalidate` drops entries at once (the
/// dashboard's `r`).
public actor DiffStatsCache {
    /// One worktree to refresh.
    public struct Request: Sendable, Equatable {
        public var worktreePath: String
        public var repoPath: String
        public var base: String?
        /// Anything else whose change means the stats may have changed; nil when there is none.
        public var activity: String?

        public init(worktreePath: String, repoPath: String, base: String?, activity: String? = nil) {
            self.worktreePath = worktreePath
            self.repoPath = repoPath
            self.base = base
            self.activity = activity
        }
    }

    struct Entry: Sendable, Equatable {
        var key: DiffStatsKey
        var activity: String?
        var computedAt: Date
        var stats: DiffStats
    }

    private let reader: any DiffStatsReader
    private let ttl: TimeInterval
    private let now: @Sendable () -> Date
    private var entries: [String: Entry] = [:]

    /// `ttl`: seconds after which stats are recomputed even though nothing csm can see changed.
    public init(reader: any DiffStatsReader, ttl: TimeInterval = 60, now: @escaping @Sendable () -> Date = { Date() }) {
        self.reader = reader
        self.ttl = ttl
        self.now = now
    }

    /// The last stats of each worktree (possibly stale), by path; nothing is read.
    public func cached() -> [String: DiffStats] { entries.mapValues(\.stats) }

    /// Drops the entry of `worktreePath` (every entry when nil), so the next `refresh` recomputes it.
    public func invalidate(worktreePath: String? = nil) {
        if let worktreePath { entries[worktreePath] = nil } else { entries = [:] }
    }

    /// Brings the entries of `requests` up to date (one worktree at a time: this runs beside the
    /// dashboard's polling and must not compete with it), forgets worktrees not asked for, and returns
    /// whether any stats changed. A worktree that cannot be read loses its entry.
    @discardableResult
    public func refresh(_ requests: [Request]) async -> Bool {
        var changed = false
        let wanted = Set(requests.map(\.worktreePath))
        for path in entries.keys where !wanted.contains(path) {
            entries[path] = nil
            changed = true
        }
        for request in requests {
            let path = request.worktreePath
            guard
                let key = try? await reader.diffStatsKey(
                    worktreePath: path, base: request.base, repoPath: request.repoPath)
            else {
                if entries.removeValue(forKey: path) != nil { changed = true }
                continue
            }
            let time = now()
            if let entry = entries[path],
                Self.isFresh(entry, key: key, activity: request.activity, now: time, ttl: ttl)
            {
                continue
            }
            guard let stats = try? await reader.diffStats(worktreePath: path, key: key) else {
                if entries.removeValue(forKey: path) != nil { changed = true }
                continue
            }
            if entries[path]?.stats != stats { changed = true }
            entries[path] = Entry(key: key, activity: request.activity, computedAt: time, stats: stats)
        }
        return changed
    }

    /// Whether `entry` still holds for `key` and `activity` at `now` (pure).
    static func isFresh(_ entry: Entry, key: DiffStatsKey, activity: String?, now: Date, ttl: TimeInterval) -> Bool {
        entry.key == key && entry.activity == activity && now.timeIntervalSince(entry.computedAt) < ttl
            && now >= entry.computedAt
    }
}
