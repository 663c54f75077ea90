import Crypto
import Foundation
import KringApp
import Synchronization

/// A rendered feed and its ETag.
struct RenderedFeed: Sendable {
    let bytes: Data
    let tag: String
}

/// Rendered feeds per token for a few seconds, in memory only and bounded; see
/// `ServerConfiguration.feedCacheLifetime`.
///
/// An entry belongs to one token (its SHA-256, never its text) and the person it named, so it can never reach anyone
/// else: a person erased and a new one given the same row id (before ids were never reused) hold different tokens.
/// The token is checked before the cache on every request, so a revoked or erased one gets nothing; and every change
/// made through the service empties the cache, so a withdrawal or a move shows at once. A change made by the CLI on the
/// same file shows within the lifetime.
final class FeedCache: Sendable {
    struct Key: Hashable, Sendable {
        let tokenHash: [UInt8]
        let caller: Caller

        init(token: String, caller: Caller) {
            tokenHash = Array(SHA256.hash(data: Data(token.utf8)))
            self.caller = caller
        }
    }

    private struct Entry {
        let feed: RenderedFeed
        let expires: Duration
    }

    private let entries = Mutex<[Key: Entry]>([:])
    private let lifetime: Duration
    private let time: Elapsed
    private let maximumEntries = 10_000

    init(lifetime: Duration, clock: any Clock<Duration>) {
        self.lifetime = lifetime
        time = Elapsed(on: clock)
    }

    func get(_ key: Key) -> RenderedFeed? {
        guard lifetime > .zero else { return nil }
        let now = time.now
        return entries.withLock { entries in
            guard let entry = entries[key], entry.expires > now else { return nil }
            return entry.feed
        }
    }

    func put(_ key: Key, _ feed: RenderedFeed) {
        guard lifetime > .zero else { return }
        let expires = time.now + lifetime
        entries.withLock { entries in
            if entries.count >= maximumEntries { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(feed: feed, expires: expires)
        }
    }

    /// Forgets every rendered feed: something may have changed what one of them shows.
    func removeAll() {
        entries.withLock { $0.removeAll(keepingCapacity: true) }
    }
}
