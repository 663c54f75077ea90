/// The ten legal public holidays of Belgium, which a series may skip (sessions rarely run on them).
public enum BelgianHolidays {
    /// Easter Sunday in the Gregorian calendar (the anonymous "Meeus/Jones/Butcher" computus).
    public static func easterSunday(year: Int) -> LocalDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)!
    }

    /// The legal holidays of `year` with their Dutch names, in date order.
    public static func holidays(year: Int) -> [(date: LocalDate, name: String)] {
        let easter = easterSunday(year: year)
        func fixed(_ month: Int, _ day: Int) -> LocalDate { LocalDate(year: year, month: month, day: day)! }
        let all: [(date: LocalDate, name: String)] = [
            (fixed(1, 1), "Nieuwjaar"),
            (easter.adding(days: 1), "Paasmaandag"),
            (fixed(5, 1), "Dag van de Arbeid"),
            (easter.adding(days: 39), "O.L.H. Hemelvaart"),
            (easter.adding(days: 50), "Pinkstermaandag"),
            (fixed(7, 21), "Nationale feestdag"),
            (fixed(8, 15), "O.L.V. Hemelvaart"),
            (fixed(11, 1), "Allerheiligen"),
            (fixed(11, 11), "Wapenstilstand"),
            (fixed(12, 25), "Kerstmis"),
        ]
        // Ascension falls on 30 April after the earliest Easters (22 March), so order by date, not by list position.
        return all.sorted { $0.date < $1.date }
    }

    public static func isHoliday(_ date: LocalDate) -> Bool {
        holidays(year: date.year).contains { $0.date == date }
    }
}
