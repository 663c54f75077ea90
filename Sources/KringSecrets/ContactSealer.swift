import Crypto
import Foundation
import KringDomain

/// Seals and opens contact addresses field by field (privacy rules 2 and 4).
///
/// AES-256-GCM with a fresh random nonce per seal and the row id and column bound as associated data, so a
/// ciphertext copied to another row does not open. Lookups use HMAC-SHA256 under a separate derived key, never a
/// plain hash of the address.
public struct ContactSealer: Sendable {
    private let encryptionKey: SymmetricKey
    private let lookupKey: SymmetricKey

    public init(masterKey: SymmetricKey) {
        encryptionKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: masterKey, info: Data("kring contact encryption v1".utf8), outputByteCount: 32)
        lookupKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: masterKey, info: Data("kring contact lookup v1".utf8), outputByteCount: 32)
    }

    /// Where a sealed value lives; bound into the ciphertext.
    public struct Location: Sendable {
        public let table: String
        public let rowId: Int64
        public let column: String

        public init(table: String, rowId: Int64, column: String) {
            self.table = table
            self.rowId = rowId
            self.column = column
        }

        var associatedData: Data { Data("kring:\(table):\(rowId):\(column)".utf8) }
    }

    public func seal(_ plaintext: String, at location: Location) throws(KringError) -> [UInt8] {
        do {
            let box = try AES.GCM.seal(
                Data(plaintext.utf8), using: encryptionKey, authenticating: location.associatedData)
            guard let combined = box.combined else { throw CocoaError(.coderInvalidValue) }
            return [UInt8](combined)
        } catch {
            throw KringError(.environment, field: "contact", value: "", reason: "could not be sealed: \(error)")
        }
    }

    public func open(_ ciphertext: [UInt8], at location: Location) throws(KringError) -> String {
        do {
            let box = try AES.GCM.SealedBox(combined: Data(ciphertext))
            let plain = try AES.GCM.open(box, using: encryptionKey, authenticating: location.associatedData)
            guard let text = String(data: plain, encoding: .utf8) else { throw CocoaError(.coderInvalidValue) }
            return text
        } catch {
            throw KringError(
                .environment, field: "key", value: "",
                reason: "the key does not open the stored contact data (wrong key, or the data was altered)")
        }
    }

    /// A keyed lookup value for an address, case-insensitive; equal addresses give equal values.
    public func lookup(_ address: String) -> [UInt8] {
        let normalised = address.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return [UInt8](HMAC<SHA256>.authenticationCode(for: Data(normalised.utf8), using: lookupKey))
    }
}
