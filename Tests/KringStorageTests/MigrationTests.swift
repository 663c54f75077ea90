import Foundation
import GRDB
import KringMigrations
import KringStorage
import Testing

@Suite struct MigrationTests {
    static func temporaryPath() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kring-storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("kring.sqlite").path
    }

    @Test func migrationsApplyInOrderOnAnEmptyFileAndAgainAsANoOp() throws {
        let path = try Self.temporaryPath()
        let files = try KringMigrationFiles.all().map(\.identifier)
        #expect(files.first == "0001_initial")
        #expect(files == files.sorted())
        let store = try KringStore.open(path: path, create: true)
        #expect(try store.appliedMigrations() == files)
        let schemaBefore = try store.dump()
        let reopened = try KringStore.open(path: path, create: false)
        #expect(try reopened.appliedMigrations() == files)
        #expect(try reopened.dump() == schemaBefore)
        let tables = try reopened.columnNames().map { String($0.split(separator: ".")[0]) }
        for table in [
            "support_group", "series", "session", "participant", "enrolment", "keep_apart", "attendance", "facilitator",
        ] {
            #expect(tables.contains(table))
        }
    }

    @Test func secureDeleteIsOnForEveryConnection() throws {
        let path = try Self.temporaryPath()
        let store = try KringStore.open(path: path, create: true)
        let value = try store.read { try $0.pragma("secure_delete") }
        #expect(value == "1")
        let journal = try store.read { try $0.pragma("journal_mode") }
        #expect(journal == "wal")
    }

    @Test func missingFileIsNotCreatedWithoutInit() throws {
        let path = try Self.temporaryPath()
        #expect(throws: (any Error).self) { try KringStore.open(path: path, create: false) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
