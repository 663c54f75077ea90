import Crypto
import Foundation

/// Privacy rules 2 and 4 in the bytes of a file: a canary address must leave no trace, neither as written, nor its
/// `canary-` prefix, nor its plain SHA-256 (raw or hex), which would let anyone with a guess confirm it.
public enum CanaryScan {
    /// One text per trace found in `bytes`; `where` names the file in each.
    public static func traces(of canary: String, in bytes: Data, where place: String) -> [String] {
        let digest = Data(SHA256.hash(data: Data(canary.utf8)))
        var found: [String] = []
        if bytes.contains(canary) { found.append("canary in \(place)") }
        if bytes.contains("canary-") { found.append("canary prefix in \(place)") }
        if bytes.range(of: digest) != nil { found.append("raw SHA-256 in \(place)") }
        if bytes.contains(hex(digest)) { found.append("hex SHA-256 in \(place)") }
        return found
    }

    /// The traces of a canary in a database and its `-wal` and `-shm` files.
    public static func traces(of canary: String, inDatabase path: String) -> [String] {
        ["", "-wal", "-shm"].flatMap { suffix in
            traces(
                of: canary, in: FileManager.default.contents(atPath: path + suffix) ?? Data(),
                where: "kring.sqlite\(suffix)")
        }
    }

    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
