import Crypto
import Foundation
import KringDomain

/// The master key that seals contact data. It lives in a 0600 file outside the database and its backups.
public struct KeyFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `KRING_KEY_FILE`, else `$XDG_CONFIG_HOME/kring/key` (XDG's default `~/.config` when unset).
    public static func defaultLocation(environment: [String: String]) -> KeyFile {
        if let path = environment["KRING_KEY_FILE"], !path.isEmpty { return KeyFile(path: path) }
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return KeyFile(path: configHome + "/kring/key")
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// Creates a fresh random key readable by its owner only; refuses to overwrite an existing one.
    public func create() throws(KringError) {
        guard !exists else { return }
        let folder = (path as NSString).deletingLastPathComponent
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let text = Data((key.base64EncodedString() + "\n").utf8)
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            else { throw CocoaError(.fileWriteUnknown) }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.write(contentsOf: text)
            try handle.close()
        } catch {
            throw KringError(.environment, field: "key", value: path, reason: "cannot create the key file: \(error)")
        }
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
