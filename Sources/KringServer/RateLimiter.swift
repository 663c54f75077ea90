import Foundation
import Synchronization

/// Counts bad tokens per client address and overall in a fixed window, in memory only, and says when to answer
/// 429 (privacy rule 12). Memory is bounded: past `maximumAddresses` the per-address table is cleared for the rest
/// of the window, and the overall counter still applies.
///
/// The two limits guard different things. An address over its own limit is refused before any lookup, so a guesser
/// learns nothing more, not even whether a token is right. The overall limit catches guessing spread over many
/// addresses, but it only ever turns a *wrong* token's 404 or 401 into 429: a right token is still served, so one
/// sender with many bad tokens cannot lock every participant's calendar and every coordinator out of the service.
final class FailureLimiter: Sendable {
    private struct State {
        var windowStart: Duration
        var perAddress: [String: Int] = [:]
        var overall = 0
    }

    private let state: Mutex<State>
    private let perAddressLimit: Int
    private let overallLimit: Int
    private let window: Duration
    private let time: Elapsed
    private let maximumAddresses = 10_000

    /// `clock` is the server's (`ServerConfiguration.clock`): the window ends when that clock says so.
    init(perAddress: Int, overall: Int, window: Duration, clock: any Clock<Duration>) {
        perAddressLimit = perAddress
        overallLimit = overall
        self.window = window
        time = Elapsed(on: clock)
        state = Mutex(State(windowStart: time.now))
    }

    /// Whether this address has used up its failures; it is then refused before any lookup.
    func isLimited(_ address: String) -> Bool {
        state.withLock { state in
            roll(&state)
            return (state.perAddress[address] ?? 0) >= perAddressLimit
        }
    }

    /// Counts one bad token and says whether the answer should be 429 rather than "unknown": the address or all
    /// addresses together are over their limit.
    func recordFailure(_ address: String) -> Bool {
        state.withLock { state in
            roll(&state)
            state.overall += 1
            if state.perAddress[address] == nil, state.perAddress.count >= maximumAddresses {
                state.perAddress.removeAll(keepingCapacity: true)
            }
            state.perAddress[address, default: 0] += 1
            return state.overall > overallLimit || state.perAddress[address]! > perAddressLimit
        }
    }

    private func roll(_ state: inout State) {
        let now = time.now
        if now - state.windowStart >= window {
            state = State(windowStart: now)
        }
    }
}
