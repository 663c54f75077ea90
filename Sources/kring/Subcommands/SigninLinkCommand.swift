import ArgumentParser
import Foundation
import KringApp
import KringDomain

/// `kring signin-link`: personal links that open a facilitator's or participant's pages without an account.
struct SigninLinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signin-link",
        abstract: "Create a personal sign-in link to the pages of a facilitator or participant.",
        subcommands: [Create.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a single-use link, valid 15 minutes, that signs its holder in to their own pages.",
            discussion: """
                Opening the link once gives the browser a session (a cookie, 12 hours) and then shows a page whose
                address holds no token; a second opening, or one after 15 minutes, is refused. The link is a
                token: list it with `kring token list` (kind signin) and revoke it, with any session opened from
                it, with `kring token revoke ID`. Runs on the server's machine only.

                Examples:
                  kring signin-link create --facilitator "An Claes" --base-url https://kring.example.org
                  kring signin-link create --participant "Stille Eik"
                """
        )
        @Option(help: "The facilitator the link is for (id or name).") var facilitator: String?
        @Option(help: "The participant the link is for (id or pseudonym).") var participant: String?
        @Option(
            name: .customLong("base-url"),
            help: "The service's public address (default: $KRING_PUBLIC_URL, else http://127.0.0.1:8080).")
        var baseURL: String?
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        func validate() throws {
            guard (facilitator != nil) != (participant != nil) else {
                throw ValidationError("give exactly one of --facilitator F or --participant P")
            }
        }

        func run() throws {
            let base = baseURL ?? ProcessInfo.processInfo.environment["KRING_PUBLIC_URL"] ?? "http://127.0.0.1:8080"
            guard let parsed = URL(string: base), parsed.scheme == "https" || parsed.scheme == "http",
                parsed.host != nil
            else {
                throw KringError.invalid("base-url", base, "must be an http or https address such as https://host")
            }
            let kring = try database.local(because: "a sign-in link is made where the database is")
            let issued: IssuedTokenView =
                if let facilitator {
                    try kring.createSigninLink(role: .facilitator, subject: facilitator)
                } else {
                    try kring.createSigninLink(role: .participant, subject: participant ?? "")
                }
            let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
            let link = SigninLinkView(url: trimmed + SigninLink.pathPrefix + issued.token, details: issued.details)
            emit(link, format: output.format) { link in
                """
                \(link.url)
                token \(link.details.id): \(TokenCommand.describe(link.details))
                It works once; revoke it with `kring token revoke \(link.details.id) --yes`.
                """
            }
        }
    }
}

/// What `kring signin-link create` prints: the link, shown once, and the token row behind it.
struct SigninLinkView: Encodable {
    let url: String
    let details: TokenView
}
