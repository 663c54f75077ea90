import Foundation
import Hummingbird
import KringApp
import KringDomain
import KringWire

/// Facilitator planning and assignments: a facilitator's own availability, blockouts, calendar import, assignments
/// and declines; the rest of planning for coordinators. The role rules live in `ScopedKring`.
func addPlanningRoutes(to api: RouterGroup<KringRequestContext>, service: Service) {
    api.on(.updateFacilitatorPlanning) { request, context in
        let facilitator = try context.path("facilitator")
        let changes = try await service.decode(FacilitatorPlanningChanges.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.updatePlanning(facilitator: facilitator, changes)
        }
    }
    api.on(.setAvailability) { request, context in
        let facilitator = try context.path("facilitator")
        let body = try await service.decode(RequestBodies.Availability.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.setAvailability(
                facilitator: facilitator, weekly: body.weekly ?? [], anyTime: body.anyTime ?? false)
        }
    }
    api.on(.addBlockout) { request, context in
        let facilitator = try context.path("facilitator")
        let body = try await service.decode(RequestBodies.Blockout.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.blockout(
                facilitator: facilitator, from: try required(body.from, "from"), to: try required(body.to, "to"),
                remove: false)
        }
    }
    api.on(.removeBlockout) { request, context in
        let facilitator = try context.path("facilitator")
        let query = request.uri.queryParameters
        let (from, to) = (query.get("from"), query.get("to"))
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.blockout(
                facilitator: facilitator, from: try required(from, "from"), to: try required(to, "to"), remove: true)
        }
    }
    api.on(.importBusyTimes) { request, context in
        let facilitator = try context.path("facilitator")
        let query = request.uri.queryParameters
        let (from, to) = (query.get("from"), query.get("to"))
        // Errors name the file the caller read, as a local run does; anything odd becomes a neutral name.
        let source = query.get("source").flatMap { $0.count <= 256 ? $0 : nil } ?? "request body"
        // One byte beyond the importer's cap lets the importer itself refuse an oversized file, with the message a
        // local run prints; anything larger is cut off here with 413.
        let ics = try await service.collect(request, upTo: Kring.maxCalendarInputBytes + 1)
        return try await service.callParsing(request, context) { scope throws(KringError) in
            try scope.importBusyTimes(facilitator: facilitator, icsData: ics, source: source, from: from, to: to)
        }
    }
    api.on(.excludeFacilitator) { request, context in
        let facilitator = try context.path("facilitator")
        let body = try await service.decode(RequestBodies.Exclusion.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.exclude(
                facilitator: facilitator, group: body.group, participant: body.participant,
                remove: body.remove ?? false)
        }
    }
    api.on(.declineSession) { request, context in
        let facilitator = try context.path("facilitator")
        let body = try await service.decode(RequestBodies.Decline.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.decline(facilitator: facilitator, session: try required(body.session, "session"))
        }
    }
    api.on(.undoDecline) { request, context in
        let facilitator = try context.path("facilitator")
        let body = try await service.decode(RequestBodies.Decline.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.undoDecline(facilitator: facilitator, session: try required(body.session, "session"))
        }
    }
    api.on(.assign) { request, context in
        let body = try await service.decode(RequestBodies.Assign.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.assign(body.request)
        }
    }
    api.on(.listAssignments) { request, context in
        let query = request.uri.queryParameters
        let (facilitator, group) = (query.get("facilitator"), query.get("group"))
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.listAssignments(facilitator: facilitator, group: group)
        }
    }
    api.on(.setAssignment) { request, context in
        let body = try await service.decode(RequestBodies.Assignment.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.setAssignment(
                session: try required(body.session, "session"),
                facilitator: try required(body.facilitator, "facilitator"), pin: body.pin ?? false,
                lead: body.lead ?? false, overrideDecline: body.overrideDecline ?? false)
        }
    }
    api.on(.removeAssignment) { request, context in
        let query = request.uri.queryParameters
        let (session, facilitator) = (query.get("session"), query.get("facilitator"))
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.removeAssignment(
                session: try required(session, "session"), facilitator: try required(facilitator, "facilitator"))
        }
    }
    api.on(.showAssignmentSettings) { request, context in
        try await service.call(request, context) { scope throws(KringError) in
            try scope.assignmentSettings(AssignmentSettingsChanges())
        }
    }
    api.on(.changeAssignmentSettings) { request, context in
        let changes = try await service.decode(AssignmentSettingsChanges.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.assignmentSettings(changes)
        }
    }
}
