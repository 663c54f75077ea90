import KringApp
import KringDomain
import Logging
import ServiceLifecycle

/// Runs the retention purge (privacy rule 10) inside a running `kring serve`, every `interval`, so a server-only
/// deployment does not keep people past the retention period until its next restart (security review 2026-11, F8).
/// It stops at once on graceful shutdown; a purge already running finishes its transaction first.
struct RetentionService: ServiceLifecycle.Service {
    let kring: Kring
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                await tick()
            }
        }
    }

    /// One purge, off the cooperative pool, after finishing any erasure a crash left without its checkpoint; a
    /// failure is logged and the next tick tries again.
    func tick() async {
        let kring = kring
        do {
            let purged = try await Blocking.run { () throws(KringError) -> Int in
                try kring.finishPendingErasure()
                return try kring.purgeExpired()
            }
            logger.debug("retention check", metadata: ["purged.count": "\(purged)"])
        } catch {
            logger.error("retention purge failed", metadata: ["error.field": "\(error.field)"])
        }
    }
}
