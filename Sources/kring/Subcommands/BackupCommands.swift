import ArgumentParser
import Foundation
import KringApp
import KringDomain

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database consistently while the service writes, into a new 0600 file, and check the copy.",
        discussion: """
            The copy is SQLite's online backup from one snapshot; it must open, pass integrity_check and hold as many
            rows in every table as that snapshot. The key file is not in it: back it up apart (docs/operations.md).

            Example:
              kring backup --out /var/backups/kring/kring-$(date +%F).sqlite
            """)
    @Option(help: "The new backup file (must not exist).") var out: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let kring = try database.local(because: "it reads the database file itself")
        let view = try kring.backup(to: out)
        emit(view, format: output.format) { view in
            "backup: \(view.file) (mode 0600, \(view.tables) tables, \(view.rows) rows, integrity ok); "
                + "the key file is not in it: keep a copy of it apart"
        }
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into a new database file, after checking it and that its key is here.",
        discussion: """
            The database (--db, $KRING_DB) must not exist yet. When the backup holds sealed contacts, the key that
            sealed them must already be at $KRING_KEY_FILE (restore it from its own backup first): a new key could
            never open them.

            Example:
              KRING_KEY_FILE=/etc/kring/key kring restore --from kring-2027-03-01.sqlite --db /var/lib/kring/kring.sqlite
            """)
    @Option(help: "The backup file made by `kring backup`.") var from: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let configuration = try database.localConfiguration(because: "it writes the database file itself")
        try Kring.restore(from: from, configuration: configuration)
        emit(["database": configuration.databasePath, "from": from], format: output.format) { _ in
            "restored \(from) into \(configuration.databasePath) (mode 0600); its key opens every sealed contact"
        }
    }
}

struct EraseStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase-status",
        abstract: "Say whether every erasure is final in the database file and its log; finish one still owed.",
        discussion: """
            An erasure is final once the write-ahead log is checkpointed and emptied. If a kill or a reader holding the
            log interrupted that, the next command (or the service's schedule) finishes it; this command does too.
            Exit 0 when clean, 78 when something is still owed.

            Example:
              kring participant erase-status
            """)
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let configuration = try database.localConfiguration(because: "it reads the database files themselves")
        let kring = try Kring.open(configuration: configuration)
        try? kring.finishPendingErasure()
        let status = try kring.erasureStatus()
        emit(status, format: output.format) { status in
            status.clean
                ? "clean: every erasure is final in the database file and its log"
                : "not clean: an erasure still owes its checkpoint (log \(status.logBytes) bytes)"
        }
        if !status.clean {
            throw KringError(
                .environment, field: "db", value: configuration.databasePath,
                reason: "an erasure is not final yet; run this again")
        }
    }
}
