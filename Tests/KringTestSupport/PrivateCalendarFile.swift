import Foundation

/// A facilitator's own calendar export, as `kring facilitator busy --ics` reads it: one weekly private event whose
/// title (and location, when given) must never reach Kring's database or output.
public enum PrivateCalendarFile {
    /// `start` and `end` are Brussels local times in the basic form (`20270113T090000`).
    public static func text(start: String, end: String, weeks: Int, location: String? = nil) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", "UID:a@example.org",
            "DTSTAMP:20261201T000000Z", "DTSTART;TZID=Europe/Brussels:\(start)", "DTEND;TZID=Europe/Brussels:\(end)",
            "RRULE:FREQ=WEEKLY;COUNT=\(weeks)", "SUMMARY:Private dentist appointment",
        ]
        if let location { lines.append("LOCATION:\(location)") }
        lines += ["END:VEVENT", "END:VCALENDAR"]
        return lines.map { $0 + "\r\n" }.joined()
    }
}
