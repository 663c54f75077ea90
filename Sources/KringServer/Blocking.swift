import Dispatch
import KringDomain

/// Runs the synchronous SQLite-backed operations on their own threads, so a busy write lock never stalls the
/// event loops or the cooperative pool that serve every other request.
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
}
