import KringDomain
import Testing

/// A contact must be an address every invite can carry (`mailto:` in the calendar, one recipient in the mail): the
/// rule is KringMail's own `MailAddress`, shared through KringAddress.
@Suite struct ContactRuleTests {
    @Test(arguments: [
        ("x;y@example.org", "';' before the @"),
        ("a,b@example.org", "',' before the @"),
        ("Naam <naam@example.org>", "a space"),
        ("naam@example", "no dot in the domain"),
        ("naam.example.org", "has no @"),
        ("x@y@example.org", "more than one @"),
        ("naam@exa;mple.org", "';' after the @"),
        ("jos\u{E9}@example.org", "only ASCII"),
        (".naam@example.org", "a dot at the start or end"),
        ("naam@-example.org", "starts or ends with a hyphen"),
        ("\"x;y\"@example.org", "'\"' before the @"),
    ])
    func anAddressNoInviteCanCarryIsRefusedSayingWhy(address: String, reasonPart: String) {
        let refusal = #expect(throws: KringError.self) { try Participant.checkedContact(address) }
        #expect(refusal?.field == "contact")
        #expect(refusal?.value == address)
        #expect(refusal?.reason.contains(reasonPart) == true, "\(refusal?.reason ?? "")")
        #expect(refusal?.reason.contains("example.org") == true)
    }

    @Test(arguments: [
        "naam@example.org", "Naam.Achternaam+kring@Example.ORG", "o'brien@example.be", "a_b@x-y.example.org",
    ])
    func plainAddressesAreAccepted(address: String) throws {
        #expect(try Participant.checkedContact(address) == address)
    }

    @Test func theFieldIsTheOneTheCallerNames() {
        let refusal = #expect(throws: KringError.self) {
            try Participant.checkedContact("x;y@example.org", field: "line 3 contact")
        }
        #expect(refusal?.field == "line 3 contact")
    }
}
