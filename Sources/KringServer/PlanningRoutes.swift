import Foundation
import Hummingbird
import KringApp
import KringDomain

/// Facilitator planning and assignments: a facilitator's own availability, blockouts, calendar import, assignments
/// and declines; the rest of planning for coordinators. The role rules live in `ScopedKring`.
func addPlanningRoutes(to api: RouterGroup<KringRequestContext>, service: Service) {
    api.patch("/facilitators/{facilitator}") { request, context in
        let facilitator = try context.path("facilitator")
        let changes = try await service.decode(FacilitatorPlanningChanges.self, request, context)
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.updatePlanning(facilitator: facilitator, changes)
        }
    }
    api.post("/facilitators/{facilitator}/availability") { request, context in
        let facilitator = try context.path("facilitator")
        let body = try await service.decode(RequestBodies.Availability.self, request, context)
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.setAvailability(
                facilitator: facilitator, weekly: body.weekly ?? [], anyTime: body.anyTime ?? false)
        }
    }
    api.post("/facilitators/{facilitator}/blockouts") { request, context in
        let facilitator = try context.path("facilitator")
        let body = try await service.decode(RequestBodies.Blockout.self, request, context)
        return try await service.call(request, context, status: .created) { scope, _ throws(KringError) in
            try scope.blockout(
                facilitator: facilitator, from: try required(body.from, "from"), to: try required(body.to, "to"),
                remove: false)
        }
    }
    api.delete("/facilitators/{facilitator}/blockouts") { request, context in
        let facilitator = try context.path("facilitator")
        let query = request.uri.queryParameters
        let (from, to) = (query.get("from"), query.get("to"))
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.blockout(
                facilitator: facilitator, from: try required(from, "from"), to: try required(to, "to"), remove: true)
        }
    }
    api.put("/facilitators/{facilitator}/busy") { request, context in
        let facilitator = try context.path("facilitator")
        let query = request.uri.queryParameters
        let (from, to) = (query.get("from"), query.get("to"))
        // Errors name the file the caller read, as a local run does; anything odd becomes a neutral name.
        let source = query.get("source").flatMap { $0.count <= 256 ? $0 : nil } ?? "request body"
        // One byte beyond the importer's cap lets the importer itself refuse an oversized file, with the message a
        // local run prints; anything larger is cut off here with 413.
        let ics = try await service.collect(request, upTo: Kring.maxCalendarInputBytes + 1)
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.importBusyTimes(facilitator: facilitator, icsData: ics, source: source, from: from, to: to)
        }
    }
    api.post("/facilitators/{facilitator}/exclusions") { request, context in
        let facilitator = try context.path("facilitator")
        let body = try await service.decode(RequestBodies.Exclusion.self, request, context)
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.exclude(
                facilitator: facilitator, group: body.group, participant: body.participant,
                remove: body.remove ?? false)
        }
    }
    api.post("/facilitators/{facilitator}/decline") { request, context in
        let facilitator = try context.path("facilitator")
        let body = try await service.decode(RequestBodies.Decline.self, request, context)
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.decline(facilitator: facilitator, session: try required(body.session, "session"))
        }
    }
    api.post("/assign") { request, context in
        let body = try await service.decode(RequestBodies.Assign.self, request, context)
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.assign(body.request)
        }
    }
    api.get("/assignments") { request, context in
        let query = request.uri.queryParameters
        let (facilitator, group) = (query.get("facilitator"), query.get("group"))
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.listAssignments(facilitator: facilitator, group: group)
        }
    }
    api.post("/assignments") { request, context in
        let body = try await service.decode(RequestBodies.Assignment.self, request, context)
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.setAssignment(
                session: try required(body.session, "session"),
                facilitator: try required(body.facilitator, "facilitator"), pin: body.pin ?? false,
                lead: body.lead ?? false)
        }
    }
    api.delete("/assignments") { request, context in
        let query = request.uri.queryParameters
        let (session, facilitator) = (query.get("session"), query.get("facilitator"))
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.removeAssignment(
                session: try required(session, "session"), facilitator: try required(facilitator, "facilitator"))
        }
    }
    api.get("/assignment-settings") { request, context in
        try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.assignmentSettings(AssignmentSettingsChanges())
        }
    }
    api.patch("/assignment-settings") { request, context in
        let changes = try await service.decode(AssignmentSettingsChanges.self, request, context)
        return try await service.call(request, context) { scope, _ throws(KringError) in
            try scope.assignmentSettings(changes)
        }
    }
}
