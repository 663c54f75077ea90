import ArgumentParser
import KringApp

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the database and the key that seals contact data (safe to run again).",
        discussion: """
            Example:
              kring init --db ~/kring/kring.sqlite
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let view = try Kring.initialise(
            configuration: database.localConfiguration(because: "it creates the database and its key on this machine"))
        emit(view, format: output.format) { view in
            [
                "database: \(view.database) (\(view.databaseCreated ? "created" : "already there"))",
                "key file: \(view.keyFile) (\(view.keyCreated ? "created, mode 0600" : "already there")); keep it out of backups of the database",
                "migrations applied: \(view.migrations.joined(separator: ", "))",
            ].joined(separator: "\n")
        }
    }
}
