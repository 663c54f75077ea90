import ArgumentParser
import Foundation
import KringApp
import KringBusyParsing
import KringDomain

/// How a command prints what it did.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite database file (default: $KRING_DB, else $XDG_DATA_HOME/kring/kring.sqlite).")
    var db: String?

    @Option(
        name: .long,
        help:
            "Send the command to a running `kring serve` at this URL (default: $KRING_SERVER); the token is $KRING_TOKEN."
    )
    var server: String?

    /// Calendar files are parsed in a child `kring _parse-busy`, so a hostile file cannot crash or hang this one.
    func configuration() throws(KringError) -> KringConfiguration {
        var configuration = try KringConfiguration.resolve(databaseFlag: db)
        configuration.busyCalendarParser = ChildProcessBusyCalendarParser.runningExecutable()
        return configuration
    }

    /// The local configuration for a command that has no remote form: with `--server`/`KRING_SERVER` set it
    /// refuses, saying why, rather than silently using some local file.
    func localConfiguration(because reason: String) throws(KringError) -> KringConfiguration {
        if let text = server ?? ProcessInfo.processInfo.environment["KRING_SERVER"], !text.isEmpty {
            throw .invalid(
                "server", text,
                "this command runs only on the server's machine, because \(reason); run it there without --server "
                    + "or KRING_SERVER")
        }
        return try configuration()
    }

    /// The local database for a command that has no remote form (see `localConfiguration`).
    func local(because reason: String) throws(KringError) -> Kring {
        try Kring.open(configuration: localConfiguration(because: reason))
    }

    /// The local database, or the service when `--server`/`KRING_SERVER` is set: the same command either way.
    func operations() throws(KringError) -> any KringOperations {
        if let remote = try RemoteKring.configured(serverFlag: server) { return remote }
        return try Kring.open(configuration: configuration())
    }
}

struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: "table (default) or json.")
    var format: OutputFormat = .table
}

/// Prints a value as JSON, or as a table through `table`.
func emit<Value: Encodable>(_ value: Value, format: OutputFormat, table: (Value) -> String) {
    switch format {
    case .json:
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        print(String(decoding: data, as: UTF8.self))
    case .table:
        let text = table(value)
        if !text.isEmpty { print(text) }
    }
}
