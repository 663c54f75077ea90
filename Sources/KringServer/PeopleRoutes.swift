import Hummingbird
import KringApp
import KringDomain
import KringWire

/// Participants and facilitators: enrol, list, withdraw, attendance, and adding facilitators. A facilitator's own
/// planning is in `PlanningRoutes`. The role rules live in `ScopedKring`.
func addPeopleRoutes(to api: RouterGroup<KringRequestContext>, service: Service) {
    api.on(.listParticipants) { request, context in
        let group = request.uri.queryParameters.get("group")
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.listParticipants(group: group)
        }
    }
    api.on(.enrol) { request, context in
        let body = try await service.decode(RequestBodies.Enrolment.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in try scope.enrol(body.request()) }
    }
    api.on(.enrolFromList) { request, context in
        let data = try await service.collect(request, upTo: Kring.maxCalendarInputBytes)
        return try await service.call(request, context) { scope throws(KringError) in try scope.enrolFromList(data) }
    }
    api.on(.withdraw) { request, context in
        let participant = try context.path("participant")
        let body = try await service.decode(RequestBodies.Withdrawal.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.withdraw(participant, group: body.group, erase: body.erase ?? false, reason: body.reason)
        }
    }
    api.on(.markAttendance) { request, context in
        let body = try await service.decode(RequestBodies.Attendance.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.markAttendance(
                session: try required(body.session, "session"),
                participant: try required(body.participant, "participant"),
                status: try required(body.status, "status"))
        }
    }
    api.on(.showParticipant) { request, context in
        let participant = try context.path("participant")
        let reveal = request.uri.queryParameters.get("revealContact") == "true"
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.showParticipant(participant, revealContact: reveal)
        }
    }
    api.on(.updateParticipant) { request, context in
        let participant = try context.path("participant")
        let changes = try await service.decode(ParticipantChanges.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.updateParticipant(participant, changes)
        }
    }
    api.on(.retireFacilitator) { request, context in
        let facilitator = try context.path("facilitator")
        let body = try await service.decode(RequestBodies.Retirement.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.retireFacilitator(facilitator, eraseName: body.eraseName ?? false)
        }
    }
    api.on(.listFacilitators) { request, context in
        try await service.call(request, context) { scope throws(KringError) in try scope.listFacilitators() }
    }
    api.on(.addFacilitator) { request, context in
        let body = try await service.decode(RequestBodies.Facilitator.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.addFacilitator(body.request())
        }
    }
}
