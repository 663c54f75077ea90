import Foundation
import GRDB
import KringDomain

extension StoreTransaction {
    public func insert(_ group: NewSupportGroup) throws(KringError) -> SupportGroup {
        try insert(GroupRecord(group)) { try $0.group() }
    }

    public func update(_ group: SupportGroup) throws(KringError) {
        try update(GroupRecord(group))
    }

    public func group(id: Int64) throws(KringError) -> SupportGroup? {
        try fetchRecord(GroupRecord.self, "SELECT * FROM support_group WHERE id = ?", [id]) { try $0.group() }
    }

    public func group(named name: String) throws(KringError) -> SupportGroup? {
        try fetchRecord(GroupRecord.self, "SELECT * FROM support_group WHERE internal_name = ?", [name]) {
            try $0.group()
        }
    }

    public func allGroups() throws(KringError) -> [SupportGroup] {
        try fetchRecords(GroupRecord.self, "SELECT * FROM support_group ORDER BY id") { try $0.group() }
    }
}
