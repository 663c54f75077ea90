import Foundation
import KringDomain

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Files Kring writes for people (invites holding a plain address, calendars): readable by the owner only. Each is
/// created with its final mode, never widened first and narrowed later, so no other account can open it meanwhile.
public enum PrivateFiles {
    /// Creates `path` and any missing parent as 0700 (mkdir with that mode, no chmod after); an existing folder keeps
    /// its mode.
    public static func makeFolder(_ path: String) throws(KringError) {
        var missing: [String] = []
        var current = URL(fileURLWithPath: path).standardizedFileURL
        while !FileManager.default.fileExists(atPath: current.path), current.path != "/" {
            missing.append(current.path)
            current = current.deletingLastPathComponent()
        }
        for folder in missing.reversed() where mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw KringError(.environment, field: "out", value: path, reason: "cannot be created")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw KringError(.environment, field: "out", value: path, reason: "is not a folder")
        }
    }

    /// Writes `data` to `path` as 0600: a temporary file in the same folder is created 0600, filled, synced and
    /// renamed over `path`, so a reader sees the old file or the whole new one.
    public static func write(_ data: Data, to path: String) throws(KringError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw KringError(.environment, field: "out", value: path, reason: "cannot be written")
        }
        var written = 0
        let complete = data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Bool in
            while written < bytes.count {
                let result = Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += result
            }
            return true
        }
        let synced = fsync(descriptor) == 0
        let closed = close(descriptor) == 0
        guard complete, synced, closed, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw KringError(.environment, field: "out", value: path, reason: "cannot be written")
        }
    }
}
