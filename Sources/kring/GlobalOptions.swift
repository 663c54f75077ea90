import ArgumentParser

/// Options every command that reaches a database or a server takes (`DatabaseOptions`, `FormatOptions`), accepted
/// before the subcommand too: `kring --server URL group list` means `kring group list --server URL`. The parser
/// only knows them on the command that declares them, so they are moved there before parsing; a command that does
/// not take one still refuses it by name.
enum GlobalOptions {
    /// The options that may come first, each taking a value (`--server URL` or `--server=URL`).
    static let names: Set<String> = ["--server", "--db", "--format"]

    /// `arguments` with every global option found before or between the subcommand names moved right after them.
    static func movedAfterSubcommand(_ arguments: [String], root: any ParsableCommand.Type) -> [String] {
        var leading: [String] = []
        var path: [String] = []
        var rest = arguments[...]
        var command = root
        while let first = rest.first {
            let name = String(first.split(separator: "=", maxSplits: 1).first ?? "")
            if names.contains(name) {
                leading.append(rest.removeFirst())
                if !first.contains("="), let value = rest.first {
                    leading.append(value)
                    rest.removeFirst()
                }
                continue
            }
            guard
                let subcommand = command.configuration.subcommands.first(where: {
                    $0._commandName == first || $0.configuration.aliases.contains(first)
                })
            else { break }
            path.append(rest.removeFirst())
            command = subcommand
        }
        guard !leading.isEmpty else { return arguments }
        return path + leading + Array(rest)
    }
}
