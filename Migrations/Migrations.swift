import Foundation

/// The numbered SQL migrations in `Migrations/sql`, in the order they must be applied. Numbers 0002, 0012, 0014 and
/// 0017 were never shipped (reserved by work that landed under another number or needed none); a gap is harmless,
/// since migrations are applied in file order and recorded by name. The next free number is 0022.
public enum KringMigrationFiles {
    /// Each migration's identifier (its file name without `.sql`) and its SQL text, sorted by number.
    public static func all() throws -> [(identifier: String, sql: String)] {
        guard let folder = Bundle.module.url(forResource: "sql", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile)
        }
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map { file in
            (file.deletingPathExtension().lastPathComponent, try String(contentsOf: file, encoding: .utf8))
        }
    }
}
