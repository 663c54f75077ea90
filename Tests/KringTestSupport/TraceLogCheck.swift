import Foundation
import Testing

/// Privacy rule 6 over the whole CLI suite: `KringSandbox.run` logs every command at trace level and hands its log
/// lines here. No line may carry what the command was given about a person: a pseudonym, a name, an address (any
/// argument with a space or an `@`, and the value of every option that names a person), nor an IPv4 address.
public enum TraceLogCheck {
    /// swift-log's `StreamLogHandler` line: `2026-11-29T10:00:00+0000 trace kring : … [Module] message`.
    public nonisolated(unsafe) static let logLine = try! Regex(
        #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4} (trace|debug|info|notice|warning|error|critical) "#)
    public nonisolated(unsafe) static let ipv4 = try! Regex(#"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b"#)
    public static let personOptions: Set<String> = [
        "--pseudonym", "--contact", "--participant", "--facilitator", "--name",
    ]

    /// The log lines of a run's stderr, and everything else (the command's own messages) as it was.
    public static func split(_ stderr: String) -> (logs: [String], messages: String) {
        var logs: [String] = []
        var messages: [Substring] = []
        for line in stderr.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.firstMatch(of: logLine) != nil { logs.append(String(line)) } else { messages.append(line) }
        }
        return (logs, messages.joined(separator: "\n"))
    }

    /// What must not appear in a log line of a run with these arguments.
    public static func secrets(in arguments: [String]) -> Set<String> {
        var secrets: Set<String> = []
        for (index, argument) in arguments.enumerated() {
            if argument.contains(" ") || argument.contains("@") { secrets.insert(argument) }
            if index > 0, personOptions.contains(arguments[index - 1]), Int(argument) == nil, argument.count > 2,
                !(arguments.first == "group" && arguments[index - 1] == "--name")
            {
                secrets.insert(argument)
            }
        }
        return secrets
    }

    /// What is wrong with these log lines, one text per leak; empty when nothing personal was logged.
    public static func leaks(in logs: [String], arguments: [String]) -> [String] {
        let secrets = secrets(in: arguments)
        var found: [String] = []
        for line in logs {
            for secret in secrets where line.contains(secret) {
                found.append("kring \(arguments.first ?? "") logged '\(secret)': \(line)")
            }
            if line.firstMatch(of: ipv4) != nil {
                found.append("kring \(arguments.first ?? "") logged an IPv4 address: \(line)")
            }
        }
        return found
    }

    public static func expectNothingPersonal(
        in logs: [String], arguments: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for leak in leaks(in: logs, arguments: arguments) {
            Issue.record(Comment(rawValue: leak), sourceLocation: sourceLocation)
        }
    }
}
