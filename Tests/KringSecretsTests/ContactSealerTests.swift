import Crypto
import Foundation
import KringSecrets
import Testing

@Suite struct ContactSealerTests {
    let sealer = ContactSealer(masterKey: SymmetricKey(size: .bits256))
    let here = ContactSealer.Location(table: "participant", rowId: 7, column: "contact")

    @Test func sealedAddressOpensOnlyWhereItWasSealed() throws {
        let sealed = try sealer.seal("canary@example.org", at: here)
        #expect(try sealer.open(sealed, at: here) == "canary@example.org")
        let elsewhere = ContactSealer.Location(table: "participant", rowId: 8, column: "contact")
        #expect(throws: (any Error).self) { try sealer.open(sealed, at: elsewhere) }
    }

    @Test func everySealUsesAFreshNonce() throws {
        let first = try sealer.seal("canary@example.org", at: here)
        let second = try sealer.seal("canary@example.org", at: here)
        #expect(first != second)
        #expect(Array(first.prefix(12)) != Array(second.prefix(12)))
    }

    @Test(arguments: [0, 5, 12, 20, 30])
    func aFlippedByteFailsToOpen(_ index: Int) throws {
        var sealed = try sealer.seal("canary@example.org", at: here)
        sealed[index % sealed.count] ^= 0x01
        #expect(throws: (any Error).self) { try sealer.open(sealed, at: here) }
    }

    @Test func lookupIsKeyedNotAPlainHash() {
        let address = "Canary@Example.org"
        let lookup = sealer.lookup(address)
        #expect(lookup == sealer.lookup("canary@example.org "))
        #expect(lookup != Array(SHA256.hash(data: Data("canary@example.org".utf8))))
        let otherKey = ContactSealer(masterKey: SymmetricKey(size: .bits256))
        #expect(lookup != otherKey.lookup(address))
    }

    @Test func keyFileIsCreatedPrivateAndLoads() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kring-key-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyFile = KeyFile(path: folder.appendingPathComponent("kring/key").path)
        try keyFile.create()
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let sealer = try keyFile.load()
        let sealed = try sealer.seal("x@example.org", at: here)
        #expect(try keyFile.load().open(sealed, at: here) == "x@example.org")
    }
}
