/// The school holidays of Belgium's Flemish and French communities, computed from the rules that fix them, so a
/// series can pause when many participants have children at home. A school year `Y` runs from September of `Y` to
/// August of `Y + 1`; each holiday is a whole block of days, weekends included.
///
/// Flemish community (besluit van de Vlaamse Regering van 17 april 1991, onderwijs.vlaanderen.be):
/// - herfstvakantie: the week (Monday to Sunday) holding 1 November; from 2 November when 1 November is a Sunday;
/// - kerstvakantie: two weeks from the Monday of the week holding 25 December; from the Monday after when Christmas
///   is a Saturday or Sunday;
/// - krokusvakantie: the week from the seventh Monday before Easter;
/// - paasvakantie: two weeks from the first Monday of April; from the Monday after Easter when Easter is in March;
///   from the second Monday before Easter when Easter is after 15 April, Easter Monday then added;
/// - zomervakantie: 1 July to 31 August.
///
/// French community, the reformed calendar in force from 2022-23 on (the "rythmes scolaires" reform; the yearly
/// calendars on enseignement.be): seven weeks of school, then two weeks off. The rules below are the ones every
/// published calendar from 2022-23 to 2026-27 follows; a later year the government fixes otherwise needs a change here.
/// - congé d'automne: two weeks, the second being the week holding 1 November;
/// - vacances d'hiver: two weeks from the Monday of the week holding 25 December (the Monday after, when Christmas
///   is a Saturday or Sunday);
/// - congé de détente: two weeks from the seventh Monday after the winter holidays, or from carnival Monday
///   (48 days before Easter) when that falls in the week before (so the holidays hold carnival);
/// - vacances de printemps: two weeks from the Monday of the week holding 1 May (Easter Monday stays a day off
///   of its own, a federal holiday);
/// - vacances d'été: from the Saturday after the first Friday of July, seven weeks and a day, to the Sunday before
///   the school year starts.
public enum BelgianSchoolHolidays {
    public enum Community: String, Sendable, CaseIterable {
        case flemish, french
    }

    /// One holiday: its name in the community's language and its first and last day, both included.
    public struct Period: Sendable, Equatable, CustomStringConvertible {
        public let name: String
        public let first: LocalDate
        public let last: LocalDate

        public func contains(_ date: LocalDate) -> Bool { first <= date && date <= last }
        public var description: String { "\(name) \(first.iso)–\(last.iso)" }
    }

    /// The first school year the French community's reformed calendar applies to (2022-23); earlier years are not
    /// computed for it.
    public static let firstReformedFrenchSchoolYear = 2022

    /// The holidays of the school year starting in September of `year`, in date order.
    public static func periods(_ community: Community, schoolYear year: Int) -> [Period] {
        switch community {
        case .flemish: flemish(year)
        case .french: year >= firstReformedFrenchSchoolYear ? french(year) : []
        }
    }

    /// The holiday `date` falls in, if any.
    public static func holiday(on date: LocalDate, _ community: Community) -> Period? {
        // A date in August may still be in the summer of the year before; one in September already in the next.
        let year = date.month >= 9 ? date.year : date.year - 1
        return periods(community, schoolYear: year).first { $0.contains(date) }
    }

    private static func date(_ year: Int, _ month: Int, _ day: Int) -> LocalDate {
        LocalDate(year: year, month: month, day: day)!
    }

    private static func mondayOfWeek(holding date: LocalDate) -> LocalDate {
        date.adding(days: -date.weekday.mondayBasedIndex)
    }

    private static func period(_ name: String, from first: LocalDate, days: Int) -> Period {
        Period(name: name, first: first, last: first.adding(days: days - 1))
    }

    /// The Monday of the week holding 25 December, or the Monday after when Christmas falls on a weekend.
    private static func christmasMonday(_ year: Int) -> LocalDate {
        let christmas = date(year, 12, 25)
        return christmas.weekday.mondayBasedIndex >= 5
            ? mondayOfWeek(holding: christmas).adding(days: 7) : mondayOfWeek(holding: christmas)
    }

    private static func flemish(_ year: Int) -> [Period] {
        let allSaints = date(year, 11, 1)
        let autumn = allSaints.weekday == .sunday ? allSaints.adding(days: 1) : mondayOfWeek(holding: allSaints)
        let easter = BelgianHolidays.easterSunday(year: year + 1)
        let spring: Period
        if easter.month == 3 {
            spring = period("paasvakantie", from: easter.adding(days: 1), days: 14)
        } else if easter > date(year + 1, 4, 15) {
            // From the second Monday before Easter, and Easter Monday with it.
            spring = Period(name: "paasvakantie", first: easter.adding(days: -13), last: easter.adding(days: 1))
        } else {
            let april = date(year + 1, 4, 1)
            spring = period(
                "paasvakantie", from: april.adding(days: (7 - april.weekday.mondayBasedIndex) % 7), days: 14)
        }
        return [
            period("herfstvakantie", from: autumn, days: 7),
            period("kerstvakantie", from: christmasMonday(year), days: 14),
            period("krokusvakantie", from: easter.adding(days: -48), days: 7),
            spring,
            Period(name: "zomervakantie", first: date(year + 1, 7, 1), last: date(year + 1, 8, 31)),
        ]
    }

    private static func french(_ year: Int) -> [Period] {
        let autumn = mondayOfWeek(holding: date(year, 11, 1)).adding(days: -7)
        let winter = christmasMonday(year)
        let seventhMondayAfter = winter.adding(days: 14 + 49)
        let carnivalMonday = BelgianHolidays.easterSunday(year: year + 1).adding(days: -48)
        let detente =
            carnivalMonday >= seventhMondayAfter.adding(days: -7) && carnivalMonday < seventhMondayAfter
            ? carnivalMonday : seventhMondayAfter
        let july = date(year + 1, 7, 1)
        let firstFriday = july.adding(days: (Weekday.friday.mondayBasedIndex - july.weekday.mondayBasedIndex + 7) % 7)
        let summer = firstFriday.adding(days: 1)
        return [
            period("congé d'automne", from: autumn, days: 14),
            period("vacances d'hiver", from: winter, days: 14),
            period("congé de détente", from: detente, days: 14),
            period("vacances de printemps", from: mondayOfWeek(holding: date(year + 1, 5, 1)), days: 14),
            period("vacances d'été", from: summer, days: 51),
        ]
    }
}
