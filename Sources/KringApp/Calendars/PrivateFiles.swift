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

    /// The folder, beside the files, where a file is written before it is renamed into place: 0700, so a temporary
    /// file (which holds the same plain address) is never in a folder others may list, whatever the mode of the
    /// destination; removed again once empty.
    static let partialFolderName = ".kring-partial"

    /// Writes `data` to `path` as 0600: a temporary file in the private folder beside it (`partialFolderName`) is
    /// created 0600, filled, synced and renamed over `path`, so a reader sees the old file or the whole new one.
    /// What a killed run left there is removed first (`removeLeftovers`).
    public static func write(_ data: Data, to path: String) throws(KringError) {
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        removeLeftovers(in: parent)
        let partial = (parent as NSString).appendingPathComponent(partialFolderName)
        guard mkdir(partial, 0o700) == 0 || errno == EEXIST else {
            throw KringError(.environment, field: "out", value: path, reason: "cannot be written")
        }
        var status = stat()
        guard lstat(partial, &status) == 0, status.st_mode & S_IFMT == S_IFDIR, status.st_uid == geteuid(),
            status.st_mode & 0o077 == 0
        else {
            throw KringError(
                .environment, field: "out", value: path,
                reason: "its folder holds '\(partialFolderName)', which is not a private folder of this user; remove it"
            )
        }
        defer { rmdir(partial) }
        let temporary = (partial as NSString).appendingPathComponent("\(getpid()).\(UUID().uuidString).tmp")
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

    /// Removes what a killed run left in `folder`: temporary files in the private folder whose process is gone (a
    /// live one's are its own), and the hidden `.NAME.UUID.tmp` files earlier versions wrote beside the files.
    /// Every export calls it before anything else, so a leftover lives until the next run at most.
    public static func removeLeftovers(in folder: String) {
        let fileManager = FileManager.default
        let partial = (folder as NSString).appendingPathComponent(partialFolderName)
        for name in (try? fileManager.contentsOfDirectory(atPath: partial)) ?? [] where name.hasSuffix(".tmp") {
            if let owner = Int32(name.prefix { $0 != "." }), owner == getpid() || kill(owner, 0) == 0 || errno == EPERM
            {
                continue
            }
            unlink((partial as NSString).appendingPathComponent(name))
        }
        rmdir(partial)
        for name in (try? fileManager.contentsOfDirectory(atPath: folder)) ?? [] where isEarlierTemporary(name) {
            unlink((folder as NSString).appendingPathComponent(name))
        }
    }

    /// `.NAME.UUID.tmp`, as `write` named its temporary files before they moved to the private folder.
    static func isEarlierTemporary(_ name: String) -> Bool {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return false }
        let parts = name.dropLast(".tmp".count).split(separator: ".")
        return parts.count >= 2 && UUID(uuidString: String(parts[parts.count - 1])) != nil
    }
}
