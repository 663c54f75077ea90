import ArgumentParser
import Foundation
import KringApp
import KringDomain

/// `--yes` and `--dry-run`, for every command that withdraws, erases, cancels, closes, revokes or re-plans.
struct ConfirmationOptions: ParsableArguments {
    @Flag(help: "Make the change without asking; required when stdin is not a terminal (scripts).") var yes = false
    @Flag(help: "Show exactly what would change, and change nothing.") var dryRun = false
}

/// A change that can hurt someone, run only once its effect has been seen. The effect is computed by running the
/// very operation on a rehearsal (`KringOperations.rehearsal()`: the transaction is rolled back, locally or on the
/// server), so what is shown is the matched record and the real consequences, never a guess.
///
/// - `--dry-run`: prints the effect, changes nothing.
/// - `--yes`: makes the change.
/// - on a terminal: prints the effect on stderr and asks; anything but "y"/"yes" changes nothing (exit 1).
/// - otherwise (a script): refused, exit 65, nothing changed.
enum Confirmation {
    static func run<Value: Encodable>(
        _ operations: any KringOperations, yes: Bool, dryRun: Bool, format: OutputFormat, action: String,
        irreversible: Bool = false, table: (Value) -> String,
        _ change: (any KringOperations) throws(KringError) -> Value
    ) throws {
        if dryRun {
            let preview = try change(operations.rehearsal())
            if format == .table { print("dry run, nothing changed: \(action) would do this:") }
            emit(preview, format: format, table: table)
            if irreversible, format == .table { print("it cannot be undone") }
            return
        }
        if !yes {
            let preview = try change(operations.rehearsal())
            let warning = irreversible ? " It cannot be undone." : ""
            guard isatty(STDIN_FILENO) == 1 else {
                throw KringError(
                    .invalidInput, field: "yes", value: "",
                    reason:
                        "\(action) changes stored data and stdin is not a terminal; nothing was changed.\(warning) "
                        + "Add --yes to make the change, or --dry-run to see what it would do")
            }
            ErrorOutput.printLine("\(action) will do this:")
            ErrorOutput.printLine(table(preview))
            if irreversible { ErrorOutput.printLine("It cannot be undone.") }
            FileHandle.standardError.write(Data("Go ahead? [y/N] ".utf8))
            let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            guard answer == "y" || answer == "yes" else {
                ErrorOutput.printLine("nothing changed")
                throw ExitCode(1)
            }
        }
        emit(try change(operations), format: format, table: table)
    }
}
