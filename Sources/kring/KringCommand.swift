import ArgumentParser
import Foundation
import KringApp
import KringDomain
import Logging

/// `kring`: plans peer-support groups, their sessions and pseudonymous enrolments.
@main
struct KringCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kring",
        abstract: "Plan closed peer-support groups for relatives: groups, sessions, pseudonymous enrolment.",
        discussion: """
            The database is --db PATH, else $KRING_DB, else $XDG_DATA_HOME/kring/kring.sqlite.
            Contact data is sealed with the key in $KRING_KEY_FILE, else $XDG_CONFIG_HOME/kring/key.

            --db, --server and --format may also come before the subcommand: `kring --server URL group list`.

            Example:
              kring init
              kring group create --name gent-partners --audience partners --language nl --capacity 10
            """,
        subcommands: [
            InitCommand.self, GroupCommand.self, SeriesCommand.self, SessionCommand.self, ParticipantCommand.self,
            FacilitatorCommand.self, RosterCommand.self, AttendanceCommand.self, ImportCommand.self, DemoCommand.self,
            AssignCommand.self, AssignmentCommand.self, ServeCommand.self, TokenCommand.self, SigninLinkCommand.self,
            CalendarCommand.self,
            InvitesCommand.self, ConfigCommand.self, AuditCommand.self, BackupCommand.self, RestoreCommand.self,
            ReportCommand.self, ParseBusyCommand.self,
        ]
    )

    /// Parses, runs, and turns every refusal into one line on stderr with a non-zero exit code.
    static func main() async {
        bootstrapLogging()
        do {
            let arguments = GlobalOptions.movedAfterSubcommand(
                Array(CommandLine.arguments.dropFirst()), root: KringCommand.self)
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as KringError {
            ErrorOutput.print(error)
            Foundation.exit(ErrorOutput.exitCode(for: error))
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            let message = Self.message(for: error)
            if message.isEmpty { exit(withError: error) }
            ErrorOutput.printLine("error: " + ErrorOutput.oneLine(message))
            Foundation.exit(code.rawValue)
        }
    }
}

/// Logs go to stderr, quiet unless `KRING_LOG_LEVEL` (trace … critical) asks for more, so stdout stays the
/// command's output. No log line carries personal data (privacy rule 6).
func bootstrapLogging() {
    let level =
        ProcessInfo.processInfo.environment["KRING_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

enum ErrorOutput {
    static func print(_ error: KringError) {
        printLine("error: \(error.description)")
    }

    static func printLine(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Usage:") && !$0.hasPrefix("See '") }
            .joined(separator: " ")
    }

    /// 65 bad input, 66 unknown object, 67 conflict with the current state, 77 not allowed for this token's role,
    /// 78 configuration (key, database).
    static func exitCode(for error: KringError) -> Int32 {
        switch error.kind {
        case .invalidInput: 65
        case .notFound: 66
        case .conflict: 67
        case .forbidden: 77
        case .environment: 78
        }
    }
}
