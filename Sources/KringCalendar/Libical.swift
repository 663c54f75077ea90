import CLibical
import Foundation

/// The one isolation domain for every libical call. libical keeps per-thread error state and ring buffers, moves a
/// component's internal iterator on every read and caches zones in globals, so calls are serialised under one lock.
/// The lock is recursive so that helpers may call each other; `body` runs synchronously on the caller's thread, so
/// `icalerrno` read inside it belongs to the call just made.
enum Libical {
    private static let lock = NSRecursiveLock()
    // Guarded by `lock`: the builtin zones libical owns (never freed), loaded once per name.
    nonisolated(unsafe) private static var zones: [String: OpaquePointer] = [:]
    nonisolated(unsafe) private static var configured = false

    static func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        if !configured {
            kring_ical_errors_not_fatal()
            configured = true
        }
        return try body()
    }

    /// The builtin zone for an IANA name, or nil. Only call inside `run`.
    static func zone(_ identifier: String) -> OpaquePointer? {
        if let zone = zones[identifier] { return zone }
        // libical looks names up in the system tzdata; refuse odd strings before they reach the C lookup.
        guard !identifier.isEmpty, identifier.count < 64,
            identifier.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_-+".contains($0)) })
        else { return nil }
        guard let zone = icaltimezone_get_builtin_timezone(identifier) else { return nil }
        zones[identifier] = zone
        return zone
    }

    static var utc: OpaquePointer { icaltimezone_get_utc_timezone() }

    /// Copies a libical-allocated string out and frees it at once.
    static func take(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { icalmemory_free_buffer(pointer) }
        return String(cString: pointer)
    }
}

/// Sole owner of one libical root component; freed in `deinit`. Not `Sendable`: it lives and dies inside one
/// `Libical.run` closure, so its pointer never crosses threads or leaves this target.
final class ICalRoot {
    let pointer: OpaquePointer

    init(kind: icalcomponent_kind) {
        pointer = icalcomponent_new(kind)
    }

    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        icalcomponent_free(pointer)
    }

    /// The component as libical serialises it, byte for byte (CRLF, folded at 75 octets).
    func serializedOctets() -> [UInt8] {
        guard let buffer = icalcomponent_as_ical_string_r(pointer) else { return [] }
        defer { icalmemory_free_buffer(buffer) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: strlen(buffer)))
    }
}

extension LocalDateTime {
    /// A floating libical time with these fields; the TZID goes on as a parameter, so libical never invents its own.
    var icalFloating: icaltimetype {
        var time = icaltime_null_time()
        time.year = Int32(year)
        time.month = Int32(month)
        time.day = Int32(day)
        time.hour = Int32(hour)
        time.minute = Int32(minute)
        time.second = 0
        time.is_date = 0
        time.zone = nil
        return time
    }

    init(_ time: icaltimetype) {
        self.init(
            year: Int(time.year), month: Int(time.month), day: Int(time.day), hour: Int(time.hour),
            minute: Int(time.minute))
    }
}

/// Resolves wall-clock times with Foundation's copy of the same tzdata; refuses times that a DST switch skips or
/// repeats instead of shifting them silently.
struct ZoneClock {
    let zone: TimeZone

    init(identifier: String) throws(CalendarError) {
        guard let zone = TimeZone(identifier: identifier) else {
            throw CalendarError(.unknownTimeZone, "unknown time zone \(identifier)")
        }
        self.zone = zone
    }

    enum Resolution: Equatable {
        case exact(Date)
        case nonexistent
        case ambiguous(Date, Date)
    }

    func resolve(_ local: LocalDateTime) -> Resolution {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let naiveComponents = DateComponents(
            year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute)
        guard let naive = calendar.date(from: naiveComponents) else { return .nonexistent }
        // Offsets in force a day either side cover every switch that could touch this wall-clock time.
        let offsets = Set([-86_400.0, 0, 86_400].map { zone.secondsFromGMT(for: naive.addingTimeInterval($0)) })
        let candidates = offsets.map { naive.addingTimeInterval(-Double($0)) }
            .filter { zone.secondsFromGMT(for: $0) == Int(naive.timeIntervalSince($0)) }
            .sorted()
        switch candidates.count {
        case 0: return .nonexistent
        case 1: return .exact(candidates[0])
        default: return .ambiguous(candidates[0], candidates[candidates.count - 1])
        }
    }

    func instant(_ local: LocalDateTime) throws(CalendarError) -> Date {
        switch resolve(local) {
        case .exact(let date): return date
        case .nonexistent:
            throw CalendarError(.nonexistentLocalTime, "\(local) does not exist in \(zone.identifier) (DST switch)")
        case .ambiguous:
            throw CalendarError(.ambiguousLocalTime, "\(local) occurs twice in \(zone.identifier) (DST switch)")
        }
    }

    func local(_ date: Date) -> LocalDateTime {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return LocalDateTime(
            year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!)
    }
}
