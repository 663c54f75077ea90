import Foundation
import KringDomain
import Testing

@Suite struct RecurrenceRuleTests {
    @Test(arguments: [
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10"),
        ("rrule:freq=weekly;byday=th,tu;count=5;wkst=mo", "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=5"),
        ("RRULE:FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231", "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231"),
        ("FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270630T235959Z", "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270630"),
        ("FREQ=MONTHLY;BYDAY=+2TU,-1TU;COUNT=4", "FREQ=MONTHLY;BYDAY=2TU,-1TU;COUNT=4"),
        ("FREQ=DAILY;INTERVAL=1;COUNT=3", "FREQ=DAILY;COUNT=3"),
        (" FREQ=WEEKLY;UNTIL=20270630T190000; ", "FREQ=WEEKLY;UNTIL=20270630"),
        ("COUNT=500;INTERVAL=52;FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=52;COUNT=500"),
    ])
    func parsesToCanonicalText(input: String, canonical: String) throws {
        let rule = try RecurrenceRule.parse(input)
        #expect(rule.canonicalText == canonical)
        // The canonical text must read back as the same rule.
        #expect(try RecurrenceRule.parse(canonical) == rule)
    }

    @Test func parsedFieldsCarryTheRule() throws {
        let rule = try RecurrenceRule.parse("FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR,2TU;UNTIL=20271231")
        #expect(rule.frequency == .monthly)
        #expect(rule.interval == 3)
        #expect(rule.byDay == [.init(ordinal: 2, weekday: .tuesday), .init(ordinal: -1, weekday: .friday)])
        #expect(rule.end == .until(LocalDate(year: 2027, month: 12, day: 31)!))
        let weekly = try RecurrenceRule.parse("FREQ=WEEKLY;COUNT=26")
        #expect(weekly.interval == 1 && weekly.byDay.isEmpty && weekly.end == .count(26))
    }

    @Test func equalRulesWrittenDifferentlyAreEqual() throws {
        #expect(
            try RecurrenceRule.parse("FREQ=WEEKLY;BYDAY=TH,TU;COUNT=3")
                == RecurrenceRule.parse("freq=weekly;count=3;byday=tu,th;interval=1"))
    }

    @Test func codableAsCanonicalText() throws {
        let rule = try RecurrenceRule.parse("freq=weekly;interval=2;byday=tu;count=26")
        let json = try JSONEncoder().encode([rule])
        #expect(String(decoding: json, as: UTF8.self) == #"["FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=26"]"#)
        #expect(try JSONDecoder().decode([RecurrenceRule].self, from: json) == [rule])
    }

    @Test func initChecksLikeParse() throws {
        let rule = try RecurrenceRule(
            frequency: .monthly, byDay: [.init(ordinal: -1, weekday: .friday)], end: .count(6)
        )
        #expect(rule.canonicalText == "FREQ=MONTHLY;BYDAY=-1FR;COUNT=6")
        #expect {
            _ = try RecurrenceRule(frequency: .weekly, byDay: [.init(ordinal: 2, weekday: .tuesday)], end: .count(3))
        } throws: { error in
            (error as? KringError).map { $0.field == "rrule" && $0.reason.contains("2TU") } ?? false
        }
        #expect(throws: KringError.self) { _ = try RecurrenceRule(frequency: .daily, interval: 0, end: .count(3)) }
        #expect(throws: KringError.self) { _ = try RecurrenceRule(frequency: .daily, end: .count(501)) }
    }

    @Test func unsupportedPartHasTheDocumentedReason() {
        #expect(
            throws: KringError.invalid(
                "rrule", "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3",
                "BYMONTHDAY is outside the supported subset (FREQ, INTERVAL, BYDAY, COUNT, UNTIL)"
            )
        ) {
            _ = try RecurrenceRule.parse("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3")
        }
    }

    /// Every refusal: the rule text, and the part the reason must name.
    static let refusals: [(String, String)] = [
        ("FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3", "BYMONTHDAY is outside the supported subset"),
        ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;COUNT=3", "BYSETPOS is outside the supported subset"),
        ("FREQ=DAILY;BYHOUR=19;COUNT=3", "BYHOUR is outside the supported subset"),
        ("FREQ=WEEKLY;X-TEAM=1;COUNT=3", "X-TEAM is outside the supported subset"),
        ("FREQ=YEARLY;COUNT=3", "FREQ=YEARLY"),
        ("FREQ=HOURLY;COUNT=3", "FREQ=HOURLY"),
        ("FREQ=SOMETIMES;COUNT=3", "FREQ=SOMETIMES"),
        ("INTERVAL=2;COUNT=3", "no FREQ"),
        ("FREQ=WEEKLY;FREQ=DAILY;COUNT=3", "FREQ appears twice"),
        ("FREQ=WEEKLY;COUNT=3;count=4", "COUNT appears twice"),
        ("FREQ=WEEKLY;INTERVAL=0;COUNT=3", "INTERVAL=0"),
        ("FREQ=WEEKLY;INTERVAL=53;COUNT=3", "INTERVAL=53"),
        ("FREQ=WEEKLY;INTERVAL=-1;COUNT=3", "INTERVAL=-1"),
        ("FREQ=WEEKLY;INTERVAL=two;COUNT=3", "INTERVAL=TWO"),
        ("FREQ=WEEKLY;COUNT=0", "COUNT=0"),
        ("FREQ=WEEKLY;COUNT=501", "COUNT=501"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20271231", "COUNT and UNTIL"),
        ("FREQ=WEEKLY;BYDAY=TU", "must end"),
        ("FREQ=WEEKLY;BYDAY=2TU;COUNT=3", "2TU"),
        ("FREQ=DAILY;BYDAY=-1FR;COUNT=3", "-1FR"),
        ("FREQ=MONTHLY;BYDAY=6TU;COUNT=3", "6TU"),
        ("FREQ=MONTHLY;BYDAY=0TU;COUNT=3", "0TU"),
        ("FREQ=MONTHLY;BYDAY=-6FR;COUNT=3", "-6FR"),
        ("FREQ=MONTHLY;BYDAY=XTU;COUNT=3", "XTU"),
        ("FREQ=WEEKLY;BYDAY=;COUNT=3", "BYDAY is empty"),
        ("FREQ=WEEKLY;BYDAY=TU,,TH;COUNT=3", "BYDAY has an empty entry"),
        ("FREQ=WEEKLY;BYDAY=TUE;COUNT=3", "BYDAY=TUE"),
        ("FREQ=WEEKLY;BYDAY=TU,TU;COUNT=3", "TU twice"),
        ("FREQ=WEEKLY;UNTIL=2027-06-30", "UNTIL=2027-06-30"),
        ("FREQ=WEEKLY;UNTIL=20270231", "UNTIL=20270231"),
        ("FREQ=WEEKLY;UNTIL=20270630T1900", "UNTIL=20270630T1900"),
        ("FREQ=WEEKLY;WKST=SU;COUNT=3", "WKST=SU"),
        ("FREQ=WEEKLY;COUNT", "'COUNT'"),
        ("", "empty"),
        ("RRULE:", "empty"),
    ]

    @Test(arguments: refusals)
    func refusesNamingTheOffendingPart(text: String, mention: String) {
        #expect {
            _ = try RecurrenceRule.parse(text)
        } throws: { error in
            guard let error = error as? KringError else { return false }
            return error.field == "rrule" && error.kind == .invalidInput && error.value == text
                && error.reason.contains(mention)
        }
    }
}
