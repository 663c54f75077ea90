import Foundation
import KringTestSupport
import Testing

/// The README's tour is run line by line with the real binary, so it never drifts from what works.
@Suite(.timeLimit(.minutes(10))) struct ReadmeTourTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `kring` command lines of the tour block, continuation lines joined and comments dropped.
    static func tourCommands() throws -> [String] {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        guard let heading = readme.range(of: "## A tour of the CLI"),
            let open = readme.range(of: "```sh\n", range: heading.upperBound..<readme.endIndex),
            let close = readme.range(of: "\n```", range: open.upperBound..<readme.endIndex)
        else { throw SandboxError("README.md has no tour block") }
        var commands: [String] = []
        var pending = ""
        for rawLine in readme[open.upperBound..<close.lowerBound].split(
            separator: "\n", omittingEmptySubsequences: false)
        {
            var line = String(rawLine)
            if line.hasSuffix("\\") {
                pending += String(line.dropLast()) + " "
                continue
            }
            line = pending + line
            pending = ""
            let code = stripComment(line).trimmingCharacters(in: .whitespaces)
            if !code.isEmpty { commands.append(code) }
        }
        return commands
    }

    /// Drops a trailing `# comment` that is outside quotes.
    static func stripComment(_ line: String) -> String {
        var quote: Character?
        var out = ""
        for character in line {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                break
            }
            out.append(character)
        }
        return out
    }

    /// Splits a command line into words as a POSIX shell would for plain and quoted words.
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    @Test func everyTourCommandWorksAsWritten() throws {
        let sandbox = try KringSandbox()
        let commands = try Self.tourCommands()
        #expect(commands.count >= 20)
        var environment: [String: String] = [:]
        let tmp = sandbox.folder.path + "/"
        for command in commands {
            let line = command.replacingOccurrences(of: "/tmp/", with: tmp)
            var parts = Self.words(line)
            if parts.first == "export" {
                for assignment in parts.dropFirst() {
                    let pair = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                    environment[pair[0]] = pair[1]
                }
                continue
            }
            #expect(parts.first == "kring", "the tour runs only kring: \(command)")
            parts.removeFirst()
            let process = try sandbox.start(parts, environment: environment, directory: Self.repositoryRoot)
            let result = process.wait()
            #expect(result.status == 0, "`\(command)` failed: \(result.stderr)")
        }
    }
}
