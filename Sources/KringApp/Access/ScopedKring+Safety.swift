import Foundation
import KringDomain

/// Keep-apart marks, undo and the audit trail as one caller may use them: all of it is the coordinator's.
extension ScopedKring {
    public func listKeepApart(participant: String?) throws(KringError) -> [KeepApartMarkView] {
        try consistently { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.listKeepApart(participant: participant)
        }
    }

    public func removeKeepApart(_ first: String, _ second: String) throws(KringError) -> KeepApartView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.removeKeepApart(first, second)
        }
    }

    public func restoreSession(_ reference: String) throws(KringError) -> SessionView {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.restoreSession(reference)
        }
    }

    public func undoDecline(facilitator reference: String, session sessionReference: String) throws(KringError)
        -> SessionStaffingView
    {
        try atomically { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.undoDecline(facilitator: reference, session: sessionReference)
        }
    }

    /// The trail names tokens and operations across every group: a coordinator's only.
    public func audit(_ query: AuditQuery) throws(KringError) -> [AuditEntryView] {
        try consistently { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.audit(query)
        }
    }
}
