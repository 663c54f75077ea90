import Foundation

/// Resolves wall-clock times in a zone, refusing times that don't exist or exist twice (DST switches).
public struct ZonedClock: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// A clock for an IANA zone id such as `Europe/Brussels`; unknown ids are refused rather than read as UTC.
    public init(identifier: String, field: String) throws(KringError) {
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else {
            throw .invalid(field, identifier, "not a known IANA time zone; use a name such as Europe/Brussels")
        }
        self.init(timeZone: zone)
    }

    /// What a wall-clock time means in this zone.
    public enum Resolution: Equatable, Sendable {
        case unique(Date)
        /// Skipped when the clocks go forward.
        case nonexistent
        /// Repeated when the clocks go back: first with the summer offset, then with the winter one.
        case ambiguous(earlier: Date, later: Date)
    }

    public func resolve(_ local: LocalDateTime) -> Resolution {
        let candidates = validCandidates(for: local)
        switch candidates.count {
        case 0: return .nonexistent
        case 1: return .unique(candidates[0].instant)
        default: return .ambiguous(earlier: candidates[0].instant, later: candidates[candidates.count - 1].instant)
        }
    }

    /// The instant of `local`, or an error when the DST switch makes it missing or doubled.
    public func instant(for local: LocalDateTime, field: String) throws(KringError) -> Date {
        let candidates = validCandidates(for: local)
        let zone = timeZone.identifier
        switch candidates.count {
        case 1:
            return candidates[0].instant
        case 0:
            let (before, after) = offsetsAround(local)
            throw .invalid(
                field, local.iso,
                "\(local.time.iso) on \(local.date.iso) does not exist in \(zone): the clocks go forward that night "
                    + "(from \(ZonedClock.offsetText(before)) to \(ZonedClock.offsetText(after))); choose another time"
            )
        default:
            let first = candidates[0].offset
            let last = candidates[candidates.count - 1].offset
            throw .invalid(
                field, local.iso,
                "\(local.time.iso) on \(local.date.iso) exists twice in \(zone): the clocks go back that night "
                    + "(first at \(ZonedClock.offsetText(first)), then at \(ZonedClock.offsetText(last))); "
                    + "choose another time"
            )
        }
    }

    /// The wall-clock time at `instant`, truncated to the minute.
    public func local(_ instant: Date) -> LocalDateTime {
        let seconds = ZonedClock.floorSeconds(instant) + utcOffsetSeconds(at: instant)
        let day = ZonedClock.floorDiv(seconds, 86_400)
        let minuteOfDay = (seconds - day * 86_400) / 60
        return LocalDateTime(
            date: LocalDate(dayNumber: day),
            time: LocalTime(hour: minuteOfDay / 60, minute: minuteOfDay % 60)!
        )
    }

    public func utcOffsetSeconds(at instant: Date) -> Int {
        timeZone.secondsFromGMT(for: instant)
    }

    /// ISO 8601 with the zone's offset at that instant, e.g. `2027-01-12T19:00:00+01:00`.
    public func iso8601(_ instant: Date) -> String {
        let offset = utcOffsetSeconds(at: instant)
        let seconds = ZonedClock.floorSeconds(instant) + offset
        let day = ZonedClock.floorDiv(seconds, 86_400)
        let secondOfDay = seconds - day * 86_400
        let hour = DigitText.twoDigits(secondOfDay / 3600)
        let minute = DigitText.twoDigits(secondOfDay / 60 % 60)
        let second = DigitText.twoDigits(secondOfDay % 60)
        return "\(LocalDate(dayNumber: day).iso)T\(hour):\(minute):\(second)\(ZonedClock.offsetText(offset))"
    }

    // MARK: Resolution by candidate offsets

    /// Every (offset, instant) for which the zone really shows `local`, earliest instant first.
    ///
    /// No zone changes its offset twice within a day, so the offsets in force a day either side cover every candidate.
    private func validCandidates(for local: LocalDateTime) -> [(offset: Int, instant: Date)] {
        let naive = local.naiveSeconds
        var offsets: [Int] = []
        for probe in [naive - 86_400, naive, naive + 86_400] {
            let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(probe)))
            if !offsets.contains(offset) { offsets.append(offset) }
        }
        var valid: [(offset: Int, instant: Date)] = []
        for offset in offsets {
            let instant = Date(timeIntervalSince1970: TimeInterval(naive - offset))
            if timeZone.secondsFromGMT(for: instant) == offset { valid.append((offset, instant)) }
        }
        return valid.sorted { $0.instant < $1.instant }
    }

    private func offsetsAround(_ local: LocalDateTime) -> (before: Int, after: Int) {
        let naive = local.naiveSeconds
        let before = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(naive - 86_400)))
        let after = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(naive + 86_400)))
        return (before, after)
    }

    /// `+01:00`, `-05:00`, `+00:00`; seconds of historical mean-time offsets are dropped.
    static func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return "\(sign)\(DigitText.twoDigits(minutes / 60)):\(DigitText.twoDigits(minutes % 60))"
    }

    private static func floorSeconds(_ instant: Date) -> Int {
        Int(instant.timeIntervalSince1970.rounded(.down))
    }

    private static func floorDiv(_ value: Int, _ divisor: Int) -> Int {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}
