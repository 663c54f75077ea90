import Foundation
import KringBusyParsing
import KringCalendar
import KringDomain
import KringStorage
import Logging

/// What `kring facilitator busy` stored: how many busy intervals, over which window (Brussels dates).
public struct BusyImportView: Sendable, Codable, Equatable {
    public var facilitatorId: Int64
    public var facilitator: String
    public var intervals: Int
    public var from: String
    public var to: String
    /// Their stored assignments of upcoming sessions that break a hard rule now, the new busy times included.
    public var conflicts: [AssignmentConflict]
}

extension Kring {
    /// The largest calendar file `importBusyTimes` accepts; readers need not load more than one byte beyond it.
    public static var maxCalendarInputBytes: Int { BusyTimeImporter.maxInputBytes }

    /// `kring facilitator busy F --ics FILE`: reads the facilitator's own calendar export (untrusted) and replaces
    /// their imported busy times with the intervals in the window; only start and end are kept. A file that cannot
    /// be read stores nothing and fails with an `ics` error naming `source`. The configured `BusyCalendarParser`
    /// does the reading (the `kring` executable: a child process with time and memory limits).
    /// - Parameters:
    ///   - from: first day (inclusive, Europe/Brussels); default today.
    ///   - to: last day (inclusive); default 12 months after `from`.
    public func importBusyTimes(
        facilitator reference: String, icsData: Data, source: String, from: String?, to: String?
    ) throws(KringError) -> BusyImportView {
        let zone = TimeZone(identifier: SupportGroup.defaultTimeZone)!
        let clock = ZonedClock(timeZone: zone)
        let firstDay =
            try from.map { (text) throws(KringError) in try LocalDate.parse(text, field: "from") }
            ?? clock.local(now).date
        let lastDay =
            try to.map { (text) throws(KringError) in try LocalDate.parse(text, field: "to") }
            ?? (firstDay.adding(months: 12) ?? firstDay.adding(days: 365)).adding(days: -1)
        guard lastDay >= firstDay else { throw .invalid("to", lastDay.iso, "is before --from \(firstDay.iso)") }
        let start = try Self.startOfDay(firstDay.iso, field: "from", in: clock)
        let end = try Self.startOfDay(lastDay.adding(days: 1).iso, field: "to", in: clock)
        let facilitator = try read { (operation) throws(KringError) in
            try operation.transaction.resolveFacilitator(reference)
        }
        // Parsed between two transactions: the child process may take seconds and must hold no lock.
        let intervals: [DateInterval]
        do {
            intervals = try busyCalendarParser.busyIntervals(
                icsData: icsData, window: DateInterval(start: start, end: end), defaultZone: zone)
        } catch {
            logger.notice("busy times refused", metadata: ["facilitator.id": "\(facilitator.id)"])
            throw .invalid("ics", source, error.reason)
        }
        let facilitatorId = facilitator.id
        let conflicts = try write { (operation) throws(KringError) -> [AssignmentConflict] in
            try operation.transaction.replaceBusyTimes(
                facilitatorId: facilitatorId,
                intervals.map { StoredBusyTime(facilitatorId: facilitatorId, startsAt: $0.start, endsAt: $0.end) })
            operation.logAfterCommit(
                .info, "busy times imported", ["facilitator.id": "\(facilitatorId)", "count": "\(intervals.count)"])
            return try operation.conflictsOfStoredAssignments(facilitatorIDs: [facilitatorId])
        }
        return BusyImportView(
            facilitatorId: facilitatorId, facilitator: facilitator.displayName, intervals: intervals.count,
            from: firstDay.iso, to: lastDay.iso, conflicts: conflicts)
    }
}
