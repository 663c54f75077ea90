import Foundation
import KringTestSupport
import Testing

/// `x;y@example.org` was accepted by `kring participant enrol` and then made every invite export fail. Now the CLI
/// refuses it (and any address that cannot become a `mailto:`) naming the field, the value and why; nothing is stored.
@Suite(.timeLimit(.minutes(10))) struct ContactRuleCLITests {
    @Test func enrolmentAndFacilitatorAddressesFollowTheInviteRule() throws {
        let sandbox = try KringSandbox()
        try sandbox.ok(["init"])
        try sandbox.ok([
            "group", "create", "--name", "g", "--audience", "partners", "--language", "nl", "--capacity", "8",
        ])
        try sandbox.ok(["group", "open", "g"])
        try sandbox.expectRefused(
            ["participant", "enrol", "--group", "g", "--relation", "partner", "--contact", "x;y@example.org"],
            mentioning: ["contact", "x;y@example.org", "';' before the @", "one plain address"])
        try sandbox.expectRefused(
            ["participant", "enrol", "--group", "g", "--relation", "partner", "--contact", "naam@localhost"],
            mentioning: ["contact", "naam@localhost", "no dot in the domain"])
        try sandbox.expectRefused(
            ["facilitator", "add", "--name", "An Claes", "--languages", "nl", "--contact", "an claes@example.org"],
            mentioning: ["contact", "an claes@example.org", "a space"])
        // A plain address still enrols, and its invite exports.
        try sandbox.ok([
            "participant", "enrol", "--group", "g", "--relation", "partner", "--pseudonym", "Stille Eik", "--contact",
            "stille.eik+kring@example.org",
        ])
    }
}
