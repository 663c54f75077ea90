import Foundation
import KringApp
import Synchronization

/// A rendered feed and its ETag.
struct RenderedFeed: Sendable {
    let bytes: Data
    let tag: String
}

/// Rendered feeds per person for a few seconds, in memory only and bounded; see
/// `ServerConfiguration.feedCacheLifetime`. Keyed by the caller, never by token text.
final class FeedCache: Sendable {
    private struct Entry {
        let feed: RenderedFeed
        let expires: Duration
    }

    private let entries = Mutex<[Caller: Entry]>([:])
    private let lifetime: Duration
    private let time: Elapsed
    private let maximumEntries = 10_000

    init(lifetime: Duration, clock: any Clock<Duration>) {
        self.lifetime = lifetime
        time = Elapsed(on: clock)
    }

    func get(_ caller: Caller) -> RenderedFeed? {
        guard lifetime > .zero else { return nil }
        let now = time.now
        return entries.withLock { entries in
            guard let entry = entries[caller], entry.expires > now else { return nil }
            return entry.feed
        }
    }

    func put(_ caller: Caller, _ feed: RenderedFeed) {
        guard lifetime > .zero else { return }
        let expires = time.now + lifetime
        entries.withLock { entries in
            if entries.count >= maximumEntries { entries.removeAll(keepingCapacity: true) }
            entries[caller] = Entry(feed: feed, expires: expires)
        }
    }
}
