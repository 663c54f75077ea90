import ArgumentParser
import KringApp
import KringDomain

/// `kring token`: capability tokens for the service, managed on the server's machine only.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue, list and revoke the tokens that give access to the service and its feeds.",
        subcommands: [Issue.self, List.self, Revoke.self]
    )

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a token for a role; it is printed once and only its hash is kept.",
            discussion: """
                A facilitator's token reads the rosters and records attendance of the groups they are assigned to,
                and reads their feed; a participant's token reads their own groups and sessions, their feed, and
                withdraws them. The feed is https://HOST/feeds/TOKEN.ics. Give a calendar app a --feed-only token:
                its URL ends up in the app, its cloud sync and proxy logs, and then opens nothing but the feed.

                Examples:
                  kring token issue --facilitator "An Claes" --expires 2027-06-30
                  kring token issue --participant "Stille Eik" --feed-only
                  kring token issue --coordinator
                """
        )
        @Flag(help: "A coordinator token: may do everything.") var coordinator = false
        @Option(help: "A facilitator's token (id or name).") var facilitator: String?
        @Option(help: "A participant's token (id or pseudonym).") var participant: String?
        @Option(help: "The last day the token works, YYYY-MM-DD (default: until revoked).") var expires: String?
        @Flag(help: "Only for the holder's calendar feed; the API refuses it.") var feedOnly = false
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func validate() throws {
            let chosen = [coordinator, facilitator != nil, participant != nil].filter { $0 }.count
            guard chosen == 1 else {
                throw ValidationError("give exactly one of --coordinator, --facilitator F or --participant P")
            }
        }

        func run() throws {
            let request: TokenRequest =
                if coordinator {
                    TokenRequest(role: .coordinator, expires: expires, feedOnly: feedOnly ? true : nil)
                } else if let facilitator {
                    TokenRequest(
                        role: .facilitator, subject: facilitator, expires: expires, feedOnly: feedOnly ? true : nil)
                } else {
                    TokenRequest(
                        role: .participant, subject: participant, expires: expires, feedOnly: feedOnly ? true : nil)
                }
            let issued = try database.operations().issueToken(request)
            emit(issued, format: output.format) { issued in
                """
                \(issued.token)
                token \(issued.details.id): \(TokenCommand.describe(issued.details))
                This is the only time the token is shown; Kring keeps only its hash.
                """
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tokens: id, role, whose, expiry and state; never the token itself.",
            discussion: "Example:\n  kring token list")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            emit(try database.operations().listTokens(), format: output.format) { tokens in
                var table = TableText("ID", "ROLE", "SUBJECT", "OPENS", "CREATED", "EXPIRES", "STATE")
                for token in tokens {
                    table.add(
                        String(token.id), token.role.rawValue, token.subjectId.map(String.init) ?? "-",
                        token.feedOnly ? "feed" : "api+feed", token.created, token.expires ?? "-", token.state)
                }
                return table.rendered
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token: its API calls get 401 and its feed 404 from now on.",
            discussion: "Asks first; in a script it needs --yes.\n\nExample:\n  kring token revoke 3 --yes")
        @Argument(help: "The token's id (see `kring token list`).") var token: String
        @OptionGroup var confirmation: ConfirmationOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            try Confirmation.run(
                try database.operations(), yes: confirmation.yes, dryRun: confirmation.dryRun, format: output.format,
                action: "revoking token \(token)",
                table: { "token \($0.id): \(TokenCommand.describe($0))" }
            ) { (operations) throws(KringError) in try operations.revokeToken(token) }
        }
    }

    static func describe(_ token: TokenView) -> String {
        var text = token.role.rawValue
        if token.kind != TokenKind.api.rawValue { text = "\(token.kind) " + text }
        if let subject = token.subjectId { text += " \(subject)" }
        if token.feedOnly { text += ", feed only" }
        text += ", " + (token.expires.map { "expires \($0)" } ?? "no expiry") + ", \(token.state)"
        return text
    }
}
