import Foundation
import Synchronization

/// Counts bad tokens per remote address and overall in a fixed window, in memory only, and says when to answer
/// 429. Memory is bounded: past `maximumAddresses` the per-address table is cleared for the rest of the window,
/// and the overall counter still applies.
final class FailureLimiter: Sendable {
    private struct State {
        var windowStart: ContinuousClock.Instant
        var perAddress: [String: Int] = [:]
        var overall = 0
    }

    private let state: Mutex<State>
    private let perAddressLimit: Int
    private let overallLimit: Int
    private let window: Duration
    private let maximumAddresses = 10_000

    init(perAddress: Int, overall: Int, window: Duration) {
        perAddressLimit = perAddress
        overallLimit = overall
        self.window = window
        state = Mutex(State(windowStart: .now))
    }

    /// Whether this address has used up its failures (or everyone has): it is refused before any lookup, so a
    /// limited guesser learns nothing more, not even whether a token is right.
    func isLimited(_ address: String) -> Bool {
        state.withLock { state in
            roll(&state)
            return state.overall >= overallLimit || (state.perAddress[address] ?? 0) >= perAddressLimit
        }
    }

    func recordFailure(_ address: String) {
        state.withLock { state in
            roll(&state)
            state.overall += 1
            if state.perAddress[address] == nil, state.perAddress.count >= maximumAddresses {
                state.perAddress.removeAll(keepingCapacity: true)
            }
            state.perAddress[address, default: 0] += 1
        }
    }

    private func roll(_ state: inout State) {
        let now = ContinuousClock.now
        if now - state.windowStart >= window {
            state = State(windowStart: now)
        }
    }
}
