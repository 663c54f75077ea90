import KringDomain
import Testing

@Suite struct BelgianHolidaysTests {
    @Test(arguments: [
        (2024, "2024-03-31"), (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"),
        (2028, "2028-04-16"), (2038, "2038-04-25"), (2000, "2000-04-23"), (2019, "2019-04-21"),
        (1818, "1818-03-22"), (2285, "2285-03-22"),
    ])
    func easterSunday(year: Int, expected: String) {
        let easter = BelgianHolidays.easterSunday(year: year)
        #expect(easter.iso == expected)
        #expect(easter.weekday == .sunday)
    }

    @Test func theTenHolidaysOf2027() {
        let holidays = BelgianHolidays.holidays(year: 2027)
        #expect(
            holidays.map(\.date.iso) == [
                "2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-17",
                "2027-07-21", "2027-08-15", "2027-11-01", "2027-11-11", "2027-12-25",
            ])
        #expect(
            holidays.map(\.name) == [
                "Nieuwjaar", "Paasmaandag", "Dag van de Arbeid", "O.L.H. Hemelvaart", "Pinkstermaandag",
                "Nationale feestdag", "O.L.V. Hemelvaart", "Allerheiligen", "Wapenstilstand", "Kerstmis",
            ])
    }

    @Test func movableFeastsKeepTheirWeekdays() {
        for year in 1900...2200 {
            let holidays = BelgianHolidays.holidays(year: year)
            #expect(holidays.count == 10)
            let ascensionOnLabourDay = BelgianHolidays.easterSunday(year: year).adding(days: 39).iso.hasSuffix("-05-01")
            #expect(Set(holidays.map(\.date)).count == (ascensionOnLabourDay ? 9 : 10))
            #expect(holidays.map(\.date) == holidays.map(\.date).sorted())
            let byName = Dictionary(uniqueKeysWithValues: holidays.map { ($0.name, $0.date) })
            #expect(byName["Paasmaandag"]?.weekday == .monday)
            #expect(byName["Pinkstermaandag"]?.weekday == .monday)
            #expect(byName["O.L.H. Hemelvaart"]?.weekday == .thursday)
        }
    }

    @Test func ascensionCanFallOnLabourDay() {
        // Easter on 23 March 2008 put Ascension on 1 May: both holidays are kept, on the same date.
        let may1 = BelgianHolidays.holidays(year: 2008).filter { $0.date.iso == "2008-05-01" }.map(\.name)
        #expect(Set(may1) == ["Dag van de Arbeid", "O.L.H. Hemelvaart"])
    }

    @Test func ascensionBeforeLabourDayIsListedFirst() {
        // Easter on 22 March 2285 puts Ascension on 30 April.
        let names = BelgianHolidays.holidays(year: 2285).map(\.name)
        #expect(names.firstIndex(of: "O.L.H. Hemelvaart")! < names.firstIndex(of: "Dag van de Arbeid")!)
    }

    @Test(arguments: [
        ("2027-03-29", true), ("2027-05-17", true), ("2027-07-21", true), ("2026-05-14", true),
        ("2027-03-28", false), ("2027-05-04", false), ("2027-12-26", false), ("2027-11-02", false),
    ])
    func isHoliday(text: String, expected: Bool) throws {
        #expect(BelgianHolidays.isHoliday(try LocalDate.parse(text, field: "date")) == expected)
    }
}
