import Crypto
import Foundation
import KringDomain

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The master key that seals contact data. It lives in a 0600 file outside the database and its backups.
public struct KeyFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `KRING_KEY_FILE`, else `$XDG_CONFIG_HOME/kring/key` (XDG's default `~/.config` when unset).
    public static func defaultLocation(environment: [String: String]) -> KeyFile {
        if let path = environment["KRING_KEY_FILE"], !path.isEmpty { return KeyFile(path: path) }
        let configHome =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return KeyFile(path: configHome + "/kring/key")
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// Creates a fresh random key readable by its owner only; never overwrites an existing key. The key is written
    /// to a temporary file created 0600 with `O_EXCL` (never wider, whatever the umask), flushed to disk, then linked
    /// into place, so a full disk or a crash leaves either no key file or a whole one. An empty key file (left by an
    /// older Kring on a full disk) holds no key that could have sealed anything, and is replaced.
    public func create() throws(KringError) {
        if exists, (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) != 0 { return }
        let folder = (path as NSString).deletingLastPathComponent
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let text = Data((key.base64EncodedString() + "\n").utf8)
        let temporary = folder + "/.key-\(UUID().uuidString)"
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw KringError(.environment, field: "key", value: path, reason: "cannot create its folder: \(error)")
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("cannot create the key file", errno) }
        defer { unlink(temporary) }
        let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let writeError = errno
        let synced = written == text.count ? fsync(descriptor) : -1
        let syncError = errno
        close(descriptor)
        guard written == text.count else { throw failure("cannot write the key file", writeError) }
        guard synced == 0 else { throw failure("cannot write the key file", syncError) }
        if exists { unlink(path) }  // only an empty one reaches here
        guard link(temporary, path) == 0 else { throw failure("cannot create the key file", errno) }
    }

    private func failure(_ what: String, _ code: Int32) -> KringError {
        let cause =
            switch code {
            case ENOSPC, EDQUOT: "disk full: no space left on its file system"
            case EACCES, EPERM, EROFS: "permission denied"
            case EEXIST: "it was created by another process at the same time; run the command again"
            default: String(cString: strerror(code))
            }
        return KringError(.environment, field: "key", value: path, reason: "\(what): \(cause)")
    }

    /// Reads the key, refusing a file that others can read or that does not hold 32 bytes.
    public func load() throws(KringError) -> ContactSealer {
        guard exists else {
            throw KringError(
                .environment, field: "key", value: path,
                reason: "no key file; run `kring init` or set KRING_KEY_FILE to the key that sealed this database")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw KringError(
                .environment, field: "key", value: path,
                reason: "others can read the key file (mode \(String(mode, radix: 8))); run chmod 600 on it")
        }
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8),
            let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32
        else {
            throw KringError(.environment, field: "key", value: path, reason: "the file does not hold a 256-bit key")
        }
        return ContactSealer(masterKey: SymmetricKey(data: raw))
    }
}
