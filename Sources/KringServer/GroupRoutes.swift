import Hummingbird
import KringApp
import KringDomain
import KringWire

/// Groups: list, create, show, change, the open/start/close lifecycle, and a group's roster. The role rules live in
/// `ScopedKring`.
func addGroupRoutes(to api: RouterGroup<KringRequestContext>, service: Service) {
    api.on(.listGroups) { request, context in
        try await service.call(request, context) { scope throws(KringError) in try scope.listGroups() }
    }
    api.on(.createGroup) { request, context in
        let body = try await service.decode(RequestBodies.Group.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.createGroup(body.changes)
        }
    }
    api.on(.showGroup) { request, context in
        let group = try context.path("group")
        return try await service.call(request, context) { scope throws(KringError) in try scope.showGroup(group) }
    }
    api.on(.updateGroup) { request, context in
        let group = try context.path("group")
        let body = try await service.decode(RequestBodies.Group.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.updateGroup(group, body.changes)
        }
    }
    for (endpoint, operation) in [
        (.openGroup, ScopedKring.openGroup), (.startGroup, ScopedKring.startGroup),
        (.closeGroup, ScopedKring.closeGroup),
    ] as [(Endpoint, @Sendable (ScopedKring) -> (String) throws(KringError) -> GroupView)] {
        api.on(endpoint) { request, context in
            let group = try context.path("group")
            return try await service.call(request, context) { scope throws(KringError) in try operation(scope)(group) }
        }
    }
    api.on(.roster) { request, context in
        let group = try context.path("group")
        let session = request.uri.queryParameters.get("session")
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.roster(group: group, session: session)
        }
    }
}
