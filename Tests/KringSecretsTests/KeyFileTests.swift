import Foundation
import KringDomain
import KringSecrets
import Testing

@Suite struct KeyFileTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kring-key-\(UUID().uuidString)")

    func keyFile() -> KeyFile { KeyFile(path: folder.appendingPathComponent("kring/key").path) }

    @Test func createNeverOverwritesAnExistingKey() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = keyFile()
        try key.create()
        let first = try #require(FileManager.default.contents(atPath: key.path))
        try key.create()
        #expect(FileManager.default.contents(atPath: key.path) == first)
    }

    /// An older Kring could leave a 0-byte key on a full disk, which blocked every later `kring init`.
    @Test func anEmptyKeyFileIsReplacedByAWholeKey() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = keyFile()
        try FileManager.default.createDirectory(
            atPath: (key.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: key.path, contents: Data()))
        #expect(throws: KringError.self) { try key.load() }
        try key.create()
        _ = try key.load()
        let mode = try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    /// The key is written under a temporary name and linked into place; nothing else is left in its folder.
    @Test func creationLeavesOnlyTheKeyInItsFolder() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = keyFile()
        try key.create()
        let entries = try FileManager.default.contentsOfDirectory(
            atPath: (key.path as NSString).deletingLastPathComponent)
        #expect(entries == ["key"])
        let folderMode =
            try FileManager.default.attributesOfItem(
                atPath: (key.path as NSString).deletingLastPathComponent)[.posixPermissions] as? NSNumber
        #expect(folderMode?.intValue == 0o700)
    }

    @Test func aKeyOthersCanReadIsRefusedNamingTheMode() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = keyFile()
        try key.create()
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key.path)
        let refusal = #expect(throws: KringError.self) { try key.load() }
        #expect(refusal?.field == "key")
        #expect(refusal?.reason.contains("644") == true)
    }
}
