import Foundation
import GRDB
import KringDomain

/// A row of one Kring table as GRDB reads and writes it: properties named after the columns in camelCase, so each
/// table's columns are listed once, here, instead of in an INSERT list, an UPDATE list and a positional argument
/// array. Instants are whole seconds, enums and lists their stored text; the mapping to domain types checks them.
protocol StoredRecord: Codable, FetchableRecord, MutablePersistableRecord {}

extension StoredRecord {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

/// The id of a fetched or inserted row, which SQLite always has.
func storedId(_ id: Int64?, table: String) throws -> Int64 {
    guard let id else { throw CorruptRow(table: table, column: "id") }
    return id
}

struct GroupRecord: StoredRecord {
    static let databaseTableName = "support_group"
    var id: Int64?
    var internalName: String
    var publicTitle: String?
    var audience: String
    var language: String
    var capacity: Int
    var minimumToStart: Int
    var facilitatorsPerSession: Int
    var venue: String?
    var onlineUrl: String?
    var timeZone: String
    var state: String

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    init(_ group: NewSupportGroup) {
        self.init(
            id: nil, internalName: group.internalName, publicTitle: group.publicTitle,
            audience: group.audience.rawValue, language: group.language.rawValue, capacity: group.capacity,
            minimumToStart: group.minimumToStart, facilitatorsPerSession: group.facilitatorsPerSession,
            venue: group.venue, onlineUrl: group.onlineURL, timeZone: group.timeZone, state: group.state.rawValue)
    }

    init(_ group: SupportGroup) {
        self.init(
            id: group.id, internalName: group.internalName, publicTitle: group.publicTitle,
            audience: group.audience.rawValue, language: group.language.rawValue, capacity: group.capacity,
            minimumToStart: group.minimumToStart, facilitatorsPerSession: group.facilitatorsPerSession,
            venue: group.venue, onlineUrl: group.onlineURL, timeZone: group.timeZone, state: group.state.rawValue)
    }

    private init(
        id: Int64?, internalName: String, publicTitle: String?, audience: String, language: String, capacity: Int,
        minimumToStart: Int, facilitatorsPerSession: Int, venue: String?, onlineUrl: String?, timeZone: String,
        state: String
    ) {
        self.id = id
        self.internalName = internalName
        self.publicTitle = publicTitle
        self.audience = audience
        self.language = language
        self.capacity = capacity
        self.minimumToStart = minimumToStart
        self.facilitatorsPerSession = facilitatorsPerSession
        self.venue = venue
        self.onlineUrl = onlineUrl
        self.timeZone = timeZone
        self.state = state
    }

    func group() throws -> SupportGroup {
        let table = Self.databaseTableName
        return SupportGroup(
            id: try storedId(id, table: table), internalName: internalName, publicTitle: publicTitle,
            audience: try storedEnum(audience, table: table, column: "audience"),
            language: try storedEnum(language, table: table, column: "language"), capacity: capacity,
            minimumToStart: minimumToStart, facilitatorsPerSession: facilitatorsPerSession, venue: venue,
            onlineURL: onlineUrl, timeZone: timeZone, state: try storedEnum(state, table: table, column: "state"))
    }
}

struct SeriesRecord: StoredRecord {
    static let databaseTableName = "series"
    var id: Int64?
    var groupId: Int64
    var firstStartLocal: String
    var durationMinutes: Int
    var rrule: String
    var excludedDates: String
    var holidayDates: String
    var holidayCalendars: String
    var calendarUid: String
    var changeCount: Int

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    init(_ series: NewSeries) {
        id = nil
        groupId = series.groupId
        firstStartLocal = series.firstStart.iso
        durationMinutes = series.durationMinutes
        rrule = series.rule.canonicalText
        excludedDates = series.excludedDates.map(\.iso).joined(separator: ",")
        holidayDates = series.holidayDates.map(\.iso).joined(separator: ",")
        holidayCalendars = series.skipsHolidays.map(\.rawValue).joined(separator: ",")
        calendarUid = series.calendarUID
        changeCount = series.changeCount
    }

    func series() throws -> Series {
        let table = Self.databaseTableName
        let firstStart: LocalDateTime
        let rule: RecurrenceRule
        do {
            firstStart = try LocalDateTime.parse(firstStartLocal, field: "start")
            rule = try RecurrenceRule.parse(rrule)
        } catch {
            throw CorruptRow(table: table, column: "first_start_local/rrule")
        }
        return Series(
            id: try storedId(id, table: table), groupId: groupId, firstStart: firstStart,
            durationMinutes: durationMinutes, rule: rule,
            excludedDates: try storedList(excludedDates, table: table, column: "excluded_dates") {
                try LocalDate.parse($0, field: "excluded_dates")
            },
            holidayDates: try storedList(holidayDates, table: table, column: "holiday_dates") {
                try LocalDate.parse($0, field: "holiday_dates")
            },
            skipsHolidays: try storedList(holidayCalendars, table: table, column: "holiday_calendars") {
                Series.HolidayCalendar(rawValue: $0)
            },
            calendarUID: calendarUid,
            changeCount: changeCount)
    }
}

struct SessionRecord: StoredRecord {
    static let databaseTableName = "session"
    var id: Int64?
    var seriesId: Int64
    var groupId: Int64
    var startsAt: Int64
    var endsAt: Int64
    var occurrenceStart: Int64
    var status: String
    var changeCount: Int
    var venue: String?
    var onlineUrl: String?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    init(_ session: NewSession) {
        id = nil
        seriesId = session.seriesId
        groupId = session.groupId
        startsAt = session.startsAt.storedSeconds
        endsAt = session.endsAt.storedSeconds
        occurrenceStart = session.occurrenceStart.storedSeconds
        status = session.status.rawValue
        changeCount = session.changeCount
        venue = nil
        onlineUrl = nil
    }

    init(_ session: Session) {
        id = session.id
        seriesId = session.seriesId
        groupId = session.groupId
        startsAt = session.startsAt.storedSeconds
        endsAt = session.endsAt.storedSeconds
        occurrenceStart = session.occurrenceStart.storedSeconds
        status = session.status.rawValue
        changeCount = session.changeCount
        venue = session.venue
        onlineUrl = session.onlineURL
    }

    func session() throws -> Session {
        Session(
            id: try storedId(id, table: Self.databaseTableName), seriesId: seriesId, groupId: groupId,
            startsAt: Date(storedSeconds: startsAt), endsAt: Date(storedSeconds: endsAt),
            occurrenceStart: Date(storedSeconds: occurrenceStart),
            status: try storedEnum(status, table: Self.databaseTableName, column: "status"), changeCount: changeCount,
            venue: venue, onlineURL: onlineUrl)
    }
}

struct ParticipantRecord: StoredRecord {
    static let databaseTableName = "participant"
    var id: Int64?
    var pseudonym: String
    var relation: String
    var language: String
    var contactCiphertext: Data?
    var contactLookup: Data?
    var createdAt: Int64

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    init(_ participant: NewParticipant) {
        id = nil
        pseudonym = participant.pseudonym
        relation = participant.relation.rawValue
        language = participant.language.rawValue
        contactCiphertext = nil
        contactLookup = nil
        createdAt = participant.createdAt.storedSeconds
    }

    func participant() throws -> Participant {
        let table = Self.databaseTableName
        return Participant(
            id: try storedId(id, table: table), pseudonym: pseudonym,
            relation: try storedEnum(relation, table: table, column: "relation"),
            language: try storedEnum(language, table: table, column: "language"),
            contactCiphertext: contactCiphertext.map { [UInt8]($0) }, contactLookup: contactLookup.map { [UInt8]($0) },
            createdAt: Date(storedSeconds: createdAt))
    }
}

/// The facilitator columns the foundation's `Facilitator` carries; the planning ones (`max_per_week`, `time_zone`,
/// `preferred_weekdays`) keep their defaults on insert and are read and written by `planningLimits`.
struct FacilitatorRecord: StoredRecord {
    static let databaseTableName = "facilitator"
    var id: Int64?
    var displayName: String
    var languages: String
    var canLead: Bool
    var audiences: String
    var maxPerMonth: Int?
    var contactCiphertext: Data?
    var contactLookup: Data?
    var retiredAt: Int64?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    init(_ facilitator: NewFacilitator) {
        id = nil
        displayName = facilitator.displayName
        languages = facilitator.languages.map(\.rawValue).joined(separator: ",")
        canLead = facilitator.canLead
        audiences = facilitator.audiences.map(\.rawValue).joined(separator: ",")
        maxPerMonth = facilitator.maxPerMonth
        contactCiphertext = nil
        contactLookup = nil
        retiredAt = nil
    }

    func facilitator() throws -> Facilitator {
        let table = Self.databaseTableName
        return Facilitator(
            id: try storedId(id, table: table), displayName: displayName,
            languages: try storedList(languages, table: table, column: "languages", parse: Language.init(rawValue:)),
            canLead: canLead,
            audiences: try storedList(audiences, table: table, column: "audiences", parse: Audience.init(rawValue:)),
            maxPerMonth: maxPerMonth, contactCiphertext: contactCiphertext.map { [UInt8]($0) },
            contactLookup: contactLookup.map { [UInt8]($0) }, retiredAt: retiredAt.map(Date.init(storedSeconds:)))
    }
}

struct EnrolmentRecord: StoredRecord {
    static let databaseTableName = "enrolment"
    var id: Int64?
    var groupId: Int64
    var participantId: Int64
    var state: String
    var queueTicket: Int64
    var requestedAt: Int64
    var changedAt: Int64

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    init(id: Int64?, _ enrolment: NewEnrolment) {
        self.id = id
        groupId = enrolment.groupId
        participantId = enrolment.participantId
        state = enrolment.state.rawValue
        queueTicket = enrolment.queueTicket
        requestedAt = enrolment.requestedAt.storedSeconds
        changedAt = enrolment.changedAt.storedSeconds
    }

    init(_ enrolment: Enrolment) {
        self.init(
            id: enrolment.id,
            NewEnrolment(
                groupId: enrolment.groupId, participantId: enrolment.participantId, state: enrolment.state,
                queueTicket: enrolment.queueTicket, requestedAt: enrolment.requestedAt, changedAt: enrolment.changedAt))
    }

    func enrolment() throws -> Enrolment {
        Enrolment(
            id: try storedId(id, table: Self.databaseTableName), groupId: groupId, participantId: participantId,
            state: try storedEnum(state, table: Self.databaseTableName, column: "state"), queueTicket: queueTicket,
            requestedAt: Date(storedSeconds: requestedAt), changedAt: Date(storedSeconds: changedAt))
    }
}

struct AttendanceRecord: StoredRecord, PersistableRecord {
    static let databaseTableName = "attendance"
    var sessionId: Int64
    var participantId: Int64
    var status: String
    var markedAt: Int64

    init(_ attendance: Attendance) {
        sessionId = attendance.sessionId
        participantId = attendance.participantId
        status = attendance.status.rawValue
        markedAt = attendance.markedAt.storedSeconds
    }

    func attendance() throws -> Attendance {
        Attendance(
            sessionId: sessionId, participantId: participantId,
            status: try storedEnum(status, table: Self.databaseTableName, column: "status"),
            markedAt: Date(storedSeconds: markedAt))
    }
}

struct KeepApartRecord: StoredRecord, PersistableRecord {
    static let databaseTableName = "keep_apart"
    var firstParticipantId: Int64
    var secondParticipantId: Int64
}

struct SettingRecord: StoredRecord, PersistableRecord {
    static let databaseTableName = "setting"
    var key: String
    var value: String
}
