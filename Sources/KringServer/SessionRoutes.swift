import Hummingbird
import KringApp
import KringDomain
import KringWire

/// Series and sessions: add a recurring series, list sessions, move or cancel one. The role rules live in
/// `ScopedKring`.
func addSessionRoutes(to api: RouterGroup<KringRequestContext>, service: Service) {
    api.on(.addSeries) { request, context in
        let body = try await service.decode(RequestBodies.Series.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.addSeries(body.request())
        }
    }
    api.on(.listSessions) { request, context in
        let query = request.uri.queryParameters
        let (group, from, to) = (query.get("group"), query.get("from"), query.get("to"))
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.listSessions(group: group, from: from, to: to)
        }
    }
    api.on(.moveSession) { request, context in
        let session = try context.path("session")
        let body = try await service.decode(RequestBodies.Move.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.moveSession(session, to: try required(body.to, "to"))
        }
    }
    api.on(.cancelSession) { request, context in
        let session = try context.path("session")
        return try await service.call(request, context) { scope throws(KringError) in try scope.cancelSession(session) }
    }
    api.on(.listSeries) { request, context in
        let group = request.uri.queryParameters.get("group")
        return try await service.call(request, context) { scope throws(KringError) in try scope.listSeries(group: group)
        }
    }
    api.on(.updateSeries) { request, context in
        let series = try context.path("series")
        let changes = try await service.decode(SeriesChanges.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.updateSeries(series, changes)
        }
    }
    api.on(.removeSeries) { request, context in
        let series = try context.path("series")
        return try await service.call(request, context) { scope throws(KringError) in try scope.removeSeries(series) }
    }
    api.on(.updateSession) { request, context in
        let session = try context.path("session")
        let changes = try await service.decode(SessionChanges.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.updateSession(session, changes)
        }
    }
    api.on(.restoreSession) { request, context in
        let session = try context.path("session")
        return try await service.call(request, context) { scope throws(KringError) in try scope.restoreSession(session)
        }
    }
}
