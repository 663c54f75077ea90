import Foundation
import GRDB
import KringDomain

extension StoreTransaction {
    public func insert(_ group: SupportGroup) throws -> SupportGroup {
        try db.execute(
            sql: """
                INSERT INTO support_group (internal_name, public_title, audience, language, capacity, minimum_to_start,
                    facilitators_per_session, venue, online_url, time_zone, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: groupArguments(group))
        var stored = group
        stored.id = db.lastInsertedRowID
        return stored
    }

    public func update(_ group: SupportGroup) throws {
        var arguments = groupArguments(group)
        arguments += [group.id]
        try db.execute(
            sql: """
                UPDATE support_group SET internal_name = ?, public_title = ?, audience = ?, language = ?, capacity = ?,
                    minimum_to_start = ?, facilitators_per_session = ?, venue = ?, online_url = ?, time_zone = ?,
                    state = ?
                WHERE id = ?
                """,
            arguments: arguments)
    }

    public func group(id: Int64) throws -> SupportGroup? {
        try fetchOne("SELECT * FROM support_group WHERE id = ?", [id], map: Self.group)
    }

    public func group(named name: String) throws -> SupportGroup? {
        try fetchOne("SELECT * FROM support_group WHERE internal_name = ?", [name], map: Self.group)
    }

    public func allGroups() throws -> [SupportGroup] {
        try fetchAll("SELECT * FROM support_group ORDER BY id", map: Self.group)
    }

    private func groupArguments(_ group: SupportGroup) -> StatementArguments {
        [
            group.internalName, group.publicTitle, group.audience.rawValue, group.language.rawValue, group.capacity,
            group.minimumToStart, group.facilitatorsPerSession, group.venue, group.onlineURL, group.timeZone,
            group.state.rawValue,
        ]
    }

    static func group(_ row: Row) throws -> SupportGroup {
        SupportGroup(
            id: row["id"],
            internalName: row["internal_name"],
            publicTitle: row["public_title"],
            audience: try storedEnum(row, "audience", table: "support_group"),
            language: try storedEnum(row, "language", table: "support_group"),
            capacity: row["capacity"],
            minimumToStart: row["minimum_to_start"],
            facilitatorsPerSession: row["facilitators_per_session"],
            venue: row["venue"],
            onlineURL: row["online_url"],
            timeZone: row["time_zone"],
            state: try storedEnum(row, "state", table: "support_group")
        )
    }
}
