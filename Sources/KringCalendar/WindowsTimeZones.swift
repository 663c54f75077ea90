import Foundation

/// Outlook and Exchange name zones by Windows names (`W. Europe Standard Time`) or by display strings; imported
/// calendars are mapped to IANA names from the CLDR windowsZones table (territory 001) for the common ones.
enum WindowsTimeZones {
    static let ianaByWindowsName: [String: String] = [
        "w. europe standard time": "Europe/Berlin",
        "romance standard time": "Europe/Paris",
        "central europe standard time": "Europe/Budapest",
        "central european standard time": "Europe/Warsaw",
        "gmt standard time": "Europe/London",
        "greenwich standard time": "Atlantic/Reykjavik",
        "e. europe standard time": "Europe/Chisinau",
        "fle standard time": "Europe/Kiev",
        "gtb standard time": "Europe/Bucharest",
        "russian standard time": "Europe/Moscow",
        "turkey standard time": "Europe/Istanbul",
        "belarus standard time": "Europe/Minsk",
        "kaliningrad standard time": "Europe/Kaliningrad",
        "morocco standard time": "Africa/Casablanca",
        "w. central africa standard time": "Africa/Lagos",
        "south africa standard time": "Africa/Johannesburg",
        "egypt standard time": "Africa/Cairo",
        "israel standard time": "Asia/Jerusalem",
        "jordan standard time": "Asia/Amman",
        "middle east standard time": "Asia/Beirut",
        "arab standard time": "Asia/Riyadh",
        "arabian standard time": "Asia/Dubai",
        "iran standard time": "Asia/Tehran",
        "afghanistan standard time": "Asia/Kabul",
        "pakistan standard time": "Asia/Karachi",
        "india standard time": "Asia/Calcutta",
        "sri lanka standard time": "Asia/Colombo",
        "nepal standard time": "Asia/Katmandu",
        "se asia standard time": "Asia/Bangkok",
        "china standard time": "Asia/Shanghai",
        "singapore standard time": "Asia/Singapore",
        "taipei standard time": "Asia/Taipei",
        "tokyo standard time": "Asia/Tokyo",
        "korea standard time": "Asia/Seoul",
        "w. australia standard time": "Australia/Perth",
        "cen. australia standard time": "Australia/Adelaide",
        "e. australia standard time": "Australia/Brisbane",
        "aus eastern standard time": "Australia/Sydney",
        "new zealand standard time": "Pacific/Auckland",
        "azores standard time": "Atlantic/Azores",
        "cape verde standard time": "Atlantic/Cape_Verde",
        "utc": "UTC",
        "coordinated universal time": "UTC",
        "newfoundland standard time": "America/St_Johns",
        "atlantic standard time": "America/Halifax",
        "eastern standard time": "America/New_York",
        "us eastern standard time": "America/Indianapolis",
        "central standard time": "America/Chicago",
        "central standard time (mexico)": "America/Mexico_City",
        "canada central standard time": "America/Regina",
        "mountain standard time": "America/Denver",
        "us mountain standard time": "America/Phoenix",
        "pacific standard time": "America/Los_Angeles",
        "alaskan standard time": "America/Anchorage",
        "hawaiian standard time": "Pacific/Honolulu",
        "sa pacific standard time": "America/Bogota",
        "venezuela standard time": "America/Caracas",
        "pacific sa standard time": "America/Santiago",
        "e. south america standard time": "America/Sao_Paulo",
        "argentina standard time": "America/Buenos_Aires",
    ]

    /// Outlook's display names, e.g. `(UTC+01:00) Brussels, Copenhagen, Madrid, Paris`; matched on a city.
    static let ianaByDisplayCity: [(String, String)] = [
        ("brussels", "Europe/Brussels"),
        ("amsterdam", "Europe/Amsterdam"),
        ("berlin", "Europe/Berlin"),
        ("paris", "Europe/Paris"),
        ("london", "Europe/London"),
        ("sarajevo", "Europe/Warsaw"),
        ("prague", "Europe/Prague"),
        ("athens", "Europe/Athens"),
        ("helsinki", "Europe/Helsinki"),
        ("eastern time", "America/New_York"),
        ("central time", "America/Chicago"),
        ("mountain time", "America/Denver"),
        ("pacific time", "America/Los_Angeles"),
    ]

    static func iana(for name: String) -> String? {
        let key = name.lowercased().trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\"")))
        if let iana = ianaByWindowsName[key] { return iana }
        return ianaByDisplayCity.first { key.contains($0.0) }?.1
    }
}
