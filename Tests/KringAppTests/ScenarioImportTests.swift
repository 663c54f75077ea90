import Foundation
import KringApp
import KringDomain
import Testing

/// Strict import: a misspelled key refuses the whole file, naming the key, where it is, and the nearest known key.
@Suite struct ScenarioImportTests {
    static let valid = """
        groups:
          - name: gent-partners
            audience: partners
            language: nl
            capacity: 8
            venue: Gent
            series:
              - start: 2027-01-12T19:00
                duration: 120
                rrule: FREQ=WEEKLY;COUNT=4
                skip_holidays: be
            participants:
              - pseudonym: Stille Eik
                relation: partner
                contact: stille@example.org
        """

    @Test func aValidFileImports() throws {
        let app = try AppHarness()
        let view = try app.kring.importScenario(fileData: Data(Self.valid.utf8), file: "programme.yaml")
        #expect(view.groups.count == 1)
    }

    @Test(arguments: [
        ("venue: Gent", "venu: Gent", "unknown key 'venu' at groups[0].venu; did you mean 'venue'?"),
        (
            "skip_holidays: be", "skip_holiday: be",
            "unknown key 'skip_holiday' at groups[0].series[0].skip_holiday; did you mean 'skip_holidays'?"
        ),
        (
            "contact: stille", "contakt: stille",
            "unknown key 'contakt' at groups[0].participants[0].contakt; did you mean 'contact'?"
        ),
    ])
    func aMisspelledKeyRefusesTheWholeFileNamingIt(correct: String, typo: String, message: String) throws {
        let app = try AppHarness()
        let before = try app.dump()
        let text = Self.valid.replacingOccurrences(of: correct, with: typo)
        let refusal = #expect(throws: KringError.self) {
            try app.kring.importScenario(fileData: Data(text.utf8), file: "programme.yaml")
        }
        #expect(refusal?.field == "file")
        #expect(refusal?.value == "programme.yaml")
        #expect(refusal?.reason.contains(message) == true, "\(refusal?.reason ?? "")")
        #expect(try app.dump() == before)
    }

    /// An address no invite can carry is refused at import too, with the rule's reason; nothing is stored.
    @Test func anUnusableContactRefusesTheImport() throws {
        let app = try AppHarness()
        let before = try app.dump()
        let text = Self.valid.replacingOccurrences(of: "stille@example.org", with: "\"x;y@example.org\"")
        let refusal = #expect(throws: KringError.self) {
            try app.kring.importScenario(fileData: Data(text.utf8), file: "programme.yaml")
        }
        #expect(refusal?.field.contains("contact") == true, "\(refusal?.field ?? "")")
        #expect(refusal?.value == "x;y@example.org")
        #expect(refusal?.reason.contains("';'") == true)
        #expect(try app.dump() == before)
    }

    @Test func aSeriesMayShiftOverSchoolHolidays() throws {
        let app = try AppHarness()
        let text = Self.valid.replacingOccurrences(
            of: "skip_holidays: be", with: "skip_holidays: be,be-vl-school\n        on_holiday: shift"
        ).replacingOccurrences(of: "start: 2027-01-12T19:00", with: "start: 2027-02-02T19:00")
        let view = try app.kring.importScenario(fileData: Data(text.utf8), file: "programme.yaml")
        // Krokusvakantie (8-14 Feb 2027) falls on the second Tuesday; four sessions still meet.
        #expect(view.sessions == 4)
    }
}
