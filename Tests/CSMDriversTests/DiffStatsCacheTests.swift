import Foundation
import Synchronization
import Testing

@testable import CSMDrivers

/// The stats' text and when the cache recomputes them (pure logic: a scripted reader, a fixed clock).
@Suite("Diff stats formatting and cache")
struct DiffStatsCacheTests {
    /// A reader whose keys and stats the test sets, counting how often stats are computed.
    final class ScriptedReader: DiffStatsReader {
        struct Script {
            var keys: [String: DiffStatsKey] = [:]
            var stats: [String: DiffStats] = [:]
            var computed: [String] = []
        }

        let script = Mutex(Script())

        func diffStatsKey(worktreePath: String, base: String?, repoPath: String) async throws -> DiffStatsKey {
            guard let key = script.withLock({ $0.keys[worktreePath] }) else {
                throw GitError.notARepository(path: worktreePath)
            }
            return key
        }

        func diffStats(worktreePath: String, key: DiffStatsKey) async throws -> DiffStats {
            try script.withLock { script in
                script.computed.append(worktreePath)
                guard let stats = script.stats[worktreePath] else { throw GitError.notARepository(path: worktreePath) }
                return stats
            }
        }

        var computed: [String] { script.withLock { $0.computed } }
    }

    final class Clock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
        var now: Date { time.withLock { $0 } }
    }

    @Test("summary: files, +insertions, −deletions; clean when nothing differs")
    func summary() {
        #expect(DiffStats(files: 3, insertions: 42, deletions: 7).summary == "3 files +42 \u{2212}7")
        #expect(DiffStats(files: 1, insertions: 0, deletions: 12).summary == "1 file +0 \u{2212}12")
        #expect(DiffStats(files: 0, insertions: 0, deletions: 0).summary == "clean")
        #expect(DiffStats(files: 0, insertions: 0, deletions: 0).isEmpty)
    }

    @Test("fresh only with the same key and activity, inside the time-to-live")
    func freshness() {
        let key = DiffStatsKey(head: "h1", base: "b1", index: "10:1.0")
        let start = Date(timeIntervalSince1970: 1000)
        let entry = DiffStatsCache.Entry(
            key: key, activity: "120", computedAt: start, stats: DiffStats(files: 1, insertions: 1, deletions: 0))
        func fresh(_ key: DiffStatsKey, _ activity: String?, after seconds: TimeInterval) -> Bool {
            DiffStatsCache.isFresh(entry, key: key, activity: activity, now: start + seconds, ttl: 15)
        }
        #expect(fresh(key, "120", after: 0) && fresh(key, "120", after: 14.9))
        #expect(!fresh(key, "120", after: 15), "aged out: unstaged edits show within the time-to-live")
        #expect(!fresh(key, "121", after: 1), "the hook log grew: the agent did something")
        #expect(!fresh(key, nil, after: 1))
        #expect(!fresh(DiffStatsKey(head: "h2", base: "b1", index: "10:1.0"), "120", after: 1), "new commit")
        #expect(!fresh(DiffStatsKey(head: "h1", base: "b2", index: "10:1.0"), "120", after: 1), "base moved")
        #expect(!fresh(DiffStatsKey(head: "h1", base: "b1", index: "11:2.0"), "120", after: 1), "index rewritten")
        #expect(!fresh(key, "120", after: -1), "a clock set back does not keep an entry forever")
    }

    @Test("refresh computes what changed, keeps the rest, forgets what is gone or unreadable")
    func refresh() async {
        let reader = ScriptedReader()
        let clock = Clock()
        let cache = DiffStatsCache(reader: reader, ttl: 15, now: { clock.now })
        let a = DiffStatsCache.Request(worktreePath: "/t/a", repoPath: "/r", base: "main", activity: "1")
        let b = DiffStatsCache.Request(worktreePath: "/t/b", repoPath: "/r", base: nil)
        reader.script.withLock {
            $0.keys = [
                "/t/a": DiffStatsKey(head: "h", base: "m", index: "1"),
                "/t/b": DiffStatsKey(head: "x", base: nil, index: ""),
            ]
            $0.stats = [
                "/t/a": DiffStats(files: 2, insertions: 5, deletions: 1),
                "/t/b": DiffStats(files: 0, insertions: 0, deletions: 0),
            ]
        }
        #expect(await cache.refresh([a, b]))
        #expect(await cache.cached()["/t/a"] == DiffStats(files: 2, insertions: 5, deletions: 1))
        #expect(reader.computed == ["/t/a", "/t/b"])

        // Nothing changed: nothing is computed and nothing reported.
        clock.advance(5)
        #expect(await cache.refresh([a, b]) == false)
        #expect(reader.computed.count == 2)

        // The agent ran a tool in a (its hook log grew): a is computed again; b stays.
        var busy = a
        busy.activity = "2"
        reader.script.withLock { $0.stats["/t/a"] = DiffStats(files: 3, insertions: 9, deletions: 1) }
        #expect(await cache.refresh([busy, b]))
        #expect(reader.computed == ["/t/a", "/t/b", "/t/a"])
        #expect(await cache.cached()["/t/a"] == DiffStats(files: 3, insertions: 9, deletions: 1))

        // Recomputed with the same result after the time-to-live: computed, but no change reported.
        clock.advance(20)
        #expect(await cache.refresh([busy, b]) == false)
        #expect(reader.computed.count == 5)

        // Invalidated: computed at the next refresh even though nothing else changed.
        await cache.invalidate(worktreePath: "/t/b")
        #expect(await cache.refresh([busy, b]))
        #expect(reader.computed.last == "/t/b")

        // b is no longer asked for; a cannot be read any more: both entries go.
        reader.script.withLock { $0.keys["/t/a"] = nil }
        #expect(await cache.refresh([busy]))
        #expect(await cache.cached().isEmpty)
    }
}
