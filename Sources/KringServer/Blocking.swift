import Dispatch
import Foundation
import KringApp
import KringDomain
import Synchronization

/// Runs the synchronous SQLite-backed operations on their own threads, so a busy write lock never stalls the
/// event loops or the cooperative pool that serve every other request.
///
/// Database work (token checks, feeds, every short operation) shares one queue. Work that waits for a child process
/// (a busy-time import) never runs there: it runs on a thread of its own, and `ParserSlots` bounds how many such
/// threads exist, so uploads cannot take the threads token checks and feeds need (security review 2026-11, F4).
enum Blocking {
    private static let queue = DispatchQueue(label: "kring.server.blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws(KringError) -> T) async throws(KringError) -> T {
        let result: Result<T, KringError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(KringError) -> T in try body() })
            }
        }
        return try result.get()
    }

    /// Runs `body` on a new thread that nothing else shares; only for work a `ParserSlots` slot admitted.
    static func runOnOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws(KringError) -> T)
        async throws(KringError) -> T
    {
        let result: Result<T, KringError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Result { () throws(KringError) -> T in try body() })
            }
            thread.name = "kring.server.parser"
            thread.start()
        }
        return try result.get()
    }
}

/// Where the service's changes run: one at a time, on the one thread of a serial queue (SQLite has one writer, so
/// nothing is lost), with at most `capacity` waiting. A change waiting for the write lock (held by `kring assign`,
/// say) thus holds one thread, never the shared ones reads, feeds and token checks run on; beyond the bound a change
/// is refused at once with 503 and Retry-After instead of queueing without end.
final class WriteGate: Sendable {
    private let queue = DispatchQueue(label: "kring.server.writes")
    private let waiting = Mutex(0)
    let capacity: Int
    private let observer: (@Sendable (Int) -> Void)?

    init(capacity: Int, observer: (@Sendable (Int) -> Void)? = nil) {
        self.capacity = max(1, capacity)
        self.observer = observer
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws(KringError) -> T) async throws -> T {
        let admitted: Int? = waiting.withLock { count in
            guard count < capacity else { return nil }
            count += 1
            return count
        }
        guard let admitted else { throw APIError.writesBusy }
        observer?(admitted)
        defer {
            // Counted down first: `observer?(…)` would skip evaluating its argument when there is no observer.
            let left = waiting.withLock { count in
                count -= 1
                return count
            }
            observer?(left)
        }
        let result: Result<T, KringError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(KringError) -> T in try body() })
            }
        }
        return try result.get()
    }
}

/// How many calendar files are parsed at once: a few overall and one per caller. A request beyond either waits for
/// nothing: it is answered 503 with Retry-After at once, so no upload queues behind another and none holds a thread
/// that others need (security review 2026-11, F4).
final class ParserSlots: Sendable {
    private struct State {
        var inUse = 0
        var callers: Set<Caller> = []
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Takes a slot for `caller`, or returns false when all are taken or the caller holds one already.
    func acquire(for caller: Caller) -> Bool {
        state.withLock { state in
            guard state.inUse < capacity, !state.callers.contains(caller) else { return false }
            state.inUse += 1
            state.callers.insert(caller)
            return true
        }
    }

    func release(for caller: Caller) {
        state.withLock { state in
            state.inUse -= 1
            state.callers.remove(caller)
        }
    }
}
