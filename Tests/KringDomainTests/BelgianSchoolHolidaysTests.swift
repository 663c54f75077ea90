import KringDomain
import Testing

/// The computed school holidays, checked day by day against the calendars the communities published.
@Suite struct BelgianSchoolHolidaysTests {
    /// The official holidays, first and last day included (weekends of a holiday counted in it).
    ///
    /// Flemish community: onderwijs.vlaanderen.be, "Schoolvakanties" (besluit van de Vlaamse Regering van 17 april
    /// 1991 betreffende de organisatie van het schooljaar), school years 2024-2025 to 2027-2028.
    static let flemish: [Int: [(String, String)]] = [
        2024: [
            ("2024-10-28", "2024-11-03"), ("2024-12-23", "2025-01-05"), ("2025-03-03", "2025-03-09"),
            ("2025-04-07", "2025-04-21"), ("2025-07-01", "2025-08-31"),
        ],
        2025: [
            ("2025-10-27", "2025-11-02"), ("2025-12-22", "2026-01-04"), ("2026-02-16", "2026-02-22"),
            ("2026-04-06", "2026-04-19"), ("2026-07-01", "2026-08-31"),
        ],
        2026: [
            ("2026-11-02", "2026-11-08"), ("2026-12-21", "2027-01-03"), ("2027-02-08", "2027-02-14"),
            ("2027-03-29", "2027-04-11"), ("2027-07-01", "2027-08-31"),
        ],
        2027: [
            ("2027-11-01", "2027-11-07"), ("2027-12-27", "2028-01-09"), ("2028-02-28", "2028-03-05"),
            ("2028-04-03", "2028-04-17"), ("2028-07-01", "2028-08-31"),
        ],
    ]

    /// French community: enseignement.be, "Calendrier scolaire" (the Government's yearly calendars under the
    /// reformed school year, in force since 2022-2023); the summer holidays run to the Sunday before the first school
    /// day. 2022-23 and 2023-24 are here too, since the reform began then. The 2027-28 calendar is not in this table:
    /// it was not available when this test was written (only its summer start, 3 July 2027, ends 2026-27), so that
    /// year is checked against the rules only (`frenchRulesHoldBeyondThePublishedYears`).
    static let french: [Int: [(String, String)]] = [
        2022: [
            ("2022-10-24", "2022-11-06"), ("2022-12-26", "2023-01-08"), ("2023-02-20", "2023-03-05"),
            ("2023-05-01", "2023-05-14"), ("2023-07-08", "2023-08-27"),
        ],
        2023: [
            ("2023-10-23", "2023-11-05"), ("2023-12-25", "2024-01-07"), ("2024-02-26", "2024-03-10"),
            ("2024-04-29", "2024-05-12"), ("2024-07-06", "2024-08-25"),
        ],
        2024: [
            ("2024-10-21", "2024-11-03"), ("2024-12-23", "2025-01-05"), ("2025-02-24", "2025-03-09"),
            ("2025-04-28", "2025-05-11"), ("2025-07-05", "2025-08-24"),
        ],
        2025: [
            ("2025-10-20", "2025-11-02"), ("2025-12-22", "2026-01-04"), ("2026-02-16", "2026-03-01"),
            ("2026-04-27", "2026-05-10"), ("2026-07-04", "2026-08-23"),
        ],
        2026: [
            ("2026-10-19", "2026-11-01"), ("2026-12-21", "2027-01-03"), ("2027-02-22", "2027-03-07"),
            ("2027-04-26", "2027-05-09"),
        ],
    ]

    static func date(_ text: String) -> LocalDate { try! LocalDate.parse(text, field: "test") }

    /// Every day from 1 September to 31 August: a holiday exactly when the official table says so.
    static func checkDayByDay(
        _ community: BelgianSchoolHolidays.Community, year: Int, official: [(String, String)], through last: LocalDate
    ) {
        let ranges = official.map { (date($0.0), date($0.1)) }
        var day = date("\(year)-09-01")
        while day <= last {
            let expected = ranges.contains { $0.0 <= day && day <= $0.1 }
            let computed = BelgianSchoolHolidays.holiday(on: day, community)
            #expect(
                (computed != nil) == expected,
                "\(community) \(day.iso): computed \(computed?.description ?? "school day")")
            day = day.adding(days: 1)
        }
    }

    @Test(arguments: [2024, 2025, 2026, 2027])
    func flemishSchoolYearDayByDay(year: Int) throws {
        let official = try #require(Self.flemish[year])
        Self.checkDayByDay(.flemish, year: year, official: official, through: Self.date("\(year + 1)-08-31"))
        #expect(
            BelgianSchoolHolidays.periods(.flemish, schoolYear: year).map { [$0.first.iso, $0.last.iso] }
                == official.map { [$0.0, $0.1] })
    }

    @Test(arguments: [2022, 2023, 2024, 2025, 2026])
    func frenchSchoolYearDayByDay(year: Int) throws {
        let official = try #require(Self.french[year])
        // 2026-27's summer holidays begin on 3 July 2027; its end is not in the table (see above).
        let through = year == 2026 ? Self.date("2027-07-02") : Self.date("\(year + 1)-08-31")
        Self.checkDayByDay(.french, year: year, official: official, through: through)
        if year == 2026 {
            #expect(BelgianSchoolHolidays.periods(.french, schoolYear: 2026).last?.first.iso == "2027-07-03")
        }
    }

    @Test func theTwoCommunitiesDifferSinceTheReform() {
        // Spring 2025: Flemish schools off 7–21 April, French-speaking ones 28 April – 11 May.
        #expect(BelgianSchoolHolidays.holiday(on: Self.date("2025-04-10"), .flemish)?.name == "paasvakantie")
        #expect(BelgianSchoolHolidays.holiday(on: Self.date("2025-04-10"), .french) == nil)
        #expect(BelgianSchoolHolidays.holiday(on: Self.date("2025-05-06"), .french)?.name == "vacances de printemps")
        #expect(BelgianSchoolHolidays.holiday(on: Self.date("2025-05-06"), .flemish) == nil)
    }

    @Test func frenchRulesHoldBeyondThePublishedYears() {
        for year in 2022...2040 {
            let periods = BelgianSchoolHolidays.periods(.french, schoolYear: year)
            #expect(periods.count == 5)
            #expect(periods.allSatisfy { $0.first.weekday == .monday || $0.name == "vacances d'été" })
            #expect(periods.map(\.first) == periods.map(\.first).sorted())
            // Autumn holds 1 November, winter 25 December, and school starts again on a Monday after summer.
            #expect(periods[0].contains(LocalDate(year: year, month: 11, day: 1)!))
            #expect(periods[1].contains(LocalDate(year: year, month: 12, day: 25)!) || periods[1].first.day <= 27)
            #expect(periods[4].first.weekday == .saturday && periods[4].last.weekday == .sunday)
            #expect(periods[4].last.adding(days: 1) <= LocalDate(year: year + 1, month: 8, day: 31)!)
        }
    }
}
