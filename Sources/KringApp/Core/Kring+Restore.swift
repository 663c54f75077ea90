import Foundation
import KringDomain
import KringSecrets
import KringStorage

extension Kring {
    /// `kring restore --from FILE`: the backup is checked and copied into the configured database path, which must
    /// not exist; then the key must open every sealed contact, else the copy is removed again: a database whose key
    /// is missing is useless, and `kring init` would only hide that with a new key.
    public static func restore(from backup: String, configuration: KringConfiguration) throws(KringError) {
        try KringStore.restore(from: backup, to: configuration.databasePath)
        do {
            _ = try Kring.open(configuration: configuration)
        } catch {
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: configuration.databasePath + suffix)
            }
            throw KringError(
                .environment, field: "key", value: configuration.keyFile.path,
                reason: "\(error.reason); nothing was restored: restore the key file that sealed this backup first")
        }
    }
}
