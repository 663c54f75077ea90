import Crypto
import Foundation
import KringDomain
import KringSecrets
import KringStorage
import Synchronization

/// What the service knows of the request a write runs for, checked inside the write transaction:
///
/// - whether the client is still there: a request whose client disconnected, or whose deadline passed, while it
///   waited for the write lock is not carried out (`admit`, right after `BEGIN IMMEDIATE` got the lock);
/// - its `Idempotency-Key`: the first write under a key stores the key's hashes, the success status and the answer
///   sealed under the installation key in the same transaction (`record`), so a retry of the same request gets that
///   answer (`Kring.storedAnswer`) and never a second change.
public final class RequestGuard: Sendable {
    /// A client's key and the request it came with, as hashes only.
    public struct Key: Sendable {
        /// The key as the client sent it, for messages only; never stored.
        public let text: String
        /// SHA-256 of the caller's token id and the key: what the database holds.
        public let lookup: String
        /// SHA-256 of method, path and body (a JSON body in its canonical form: the same object with its keys in
        /// another order is the same request).
        public let requestHash: String
        /// The status a success answers with (the endpoint's).
        public let status: Int

        public init(text: String, lookup: String, requestHash: String, status: Int) {
            self.text = text
            self.lookup = lookup
            self.requestHash = requestHash
            self.status = status
        }

        /// The key `text` a caller (`tokenId`, nil on the machine itself) sent with a request, as hashes: the lookup
        /// is bound to the caller, so one caller's key never finds another's answer.
        public init(
            text: String, tokenId: Int64?, caller: String, method: String, target: String, body: Data, status: Int
        ) {
            func hex(_ data: Data) -> String {
                SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            }
            let lookup = hex(Data("\(tokenId.map(String.init) ?? "-") \(caller) \(text)".utf8))
            let requestHash = hex(Data("\(method) \(target)\n".utf8) + Self.canonical(body))
            self.init(text: text, lookup: lookup, requestHash: requestHash, status: status)
        }

        /// A JSON body with its object keys sorted, so a client that rebuilds the same object for its retry (most
        /// JSON libraries do not keep key order) is recognised; any other body as it came.
        static func canonical(_ body: Data) -> Data {
            guard !body.isEmpty,
                let object = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]),
                let sorted = try? JSONSerialization.data(
                    withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
            else { return body }
            return sorted
        }

        /// Whether `text` can be a key: 1 to 255 visible ASCII characters (a UUID is the usual choice).
        public static func isValid(_ text: String) -> Bool {
            (1...255).contains(text.utf8.count) && text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
        }
    }

    /// How long a key is remembered; after it the same key is a new request (and the row is purged with retention).
    public static let keyLifetime: TimeInterval = 86_400

    let key: Key?
    /// Why the request should no longer be carried out (the client is gone, its deadline passed), or nil.
    let abandonment: @Sendable () -> String?
    /// The answer as the service sends it, for the stored copy.
    let encode: @Sendable (any Encodable) -> Data?
    private let recordedId = Mutex<Int64?>(nil)

    public init(
        key: Key?, abandonment: @escaping @Sendable () -> String?,
        encode: @escaping @Sendable (any Encodable) -> Data?
    ) {
        self.key = key
        self.abandonment = abandonment
        self.encode = encode
    }

    /// Refuses to begin when the client is gone, or when another request under the same key was carried out since
    /// the service looked (two copies sent at once: the second waits for the lock, then meets the first's row).
    func admit(_ transaction: StoreTransaction, now: Date) throws(KringError) {
        if let reason = abandonment() {
            throw KringError(.conflict, field: "request", value: "", reason: reason + "; nothing was changed")
        }
        guard let key, recordedId.withLock({ $0 }) == nil else { return }
        let notBefore = now.addingTimeInterval(-Self.keyLifetime)
        guard let stored = try transaction.requestKey(lookup: key.lookup, notBefore: notBefore) else { return }
        throw stored.requestHash == key.requestHash
            ? KringError(
                .conflict, field: "Idempotency-Key", value: key.text,
                reason: Self.carriedOutMeanwhile)
            : Self.reused(key)
    }

    /// Why a write under a key already stored meanwhile did not begin: the service answers with the stored answer.
    public static let carriedOutMeanwhile =
        "a request with this key was carried out meanwhile; send it again to get its answer"

    static func reused(_ key: Key) -> KringError {
        KringError(
            .conflict, field: "Idempotency-Key", value: key.text,
            reason: "was already used for a different request; use a new key for a new request")
    }

    /// Stores the key with the answer `result` (sealed), inside the write's transaction; returns the row id to
    /// remember once the transaction has committed. The answer is not kept when the write erased someone it names.
    func record(
        _ result: Any?, changes: [RowChange], at now: Date, sealer: ContactSealer?, in transaction: StoreTransaction
    ) throws(KringError) -> Int64? {
        guard let key else { return nil }
        let participants = try transaction.auditObjects(for: changes).filter { $0.kind == "participant" }.map(\.id)
        let id: Int64
        if let existing = recordedId.withLock({ $0 }) {
            id = existing
            try transaction.linkRequestKey(id: id, participants: participants)
        } else {
            id = try transaction.insertRequestKey(
                lookup: key.lookup, requestHash: key.requestHash, status: key.status, at: now,
                participants: participants)
        }
        var sealed: [UInt8]?
        if let sealer, let encodable = result as? any Encodable, let data = encode(encodable),
            let text = String(data: data, encoding: .utf8), try transaction.allParticipantsExist(participants)
        {
            sealed = try sealer.seal(text, at: Self.answerLocation(id))
        }
        try transaction.setRequestKeyAnswer(id: id, sealedAnswer: sealed)
        return id
    }

    func committed(_ id: Int64?) {
        guard let id else { return }
        recordedId.withLock { $0 = $0 ?? id }
    }

    static func answerLocation(_ id: Int64) -> ContactSealer.Location {
        ContactSealer.Location(table: "request_key", rowId: id, column: "answer")
    }
}

/// A write already carried out under a key: what to answer a retry.
public struct StoredAnswer: Sendable {
    public let status: Int
    /// The first answer's JSON; nil when it was not kept.
    public let body: Data?
}

extension Kring {
    /// The answer stored for `key` within its lifetime: nil when the key is new (or expired); an invalid-input error
    /// naming the header when the key came with a different request.
    public func storedAnswer(for key: RequestGuard.Key) throws(KringError) -> StoredAnswer? {
        let notBefore = now.addingTimeInterval(-RequestGuard.keyLifetime)
        let stored = try store.read { (transaction) throws(KringError) in
            try transaction.requestKey(lookup: key.lookup, notBefore: notBefore)
        }
        guard let stored else { return nil }
        guard stored.requestHash == key.requestHash else { throw RequestGuard.reused(key) }
        let body: Data? =
            if let sealed = stored.sealedAnswer, let sealer {
                Data(try sealer.open(sealed, at: RequestGuard.answerLocation(stored.id)).utf8)
            } else { nil }
        return StoredAnswer(status: stored.status, body: body)
    }
}
