import Foundation
import Hummingbird
import KringApp
import KringDomain
import KringReport
import KringWire
import NIOCore

/// Tokens, settings, invites, scenario import, keep-apart marks and calendar exports: coordinator work, except
/// that a facilitator or participant may export their own calendar. The role rules live in `ScopedKring`.
func addAdministrationRoutes(to api: RouterGroup<KringRequestContext>, service: Service) {
    api.on(.keepApart) { request, context in
        let body = try await service.decode(RequestBodies.KeepApart.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.keepApart(try required(body.first, "first"), try required(body.second, "second"))
        }
    }
    api.on(.listKeepApart) { request, context in
        let participant = request.uri.queryParameters.get("participant")
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.listKeepApart(participant: participant)
        }
    }
    api.on(.removeKeepApart) { request, context in
        let body = try await service.decode(RequestBodies.KeepApart.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.removeKeepApart(try required(body.first, "first"), try required(body.second, "second"))
        }
    }
    api.on(.listAudit) { request, context in
        let parameters = request.uri.queryParameters
        let query = AuditQuery(
            from: parameters.get("from"), to: parameters.get("to"), operation: parameters.get("operation"),
            participant: parameters.get("participant"))
        return try await service.call(request, context) { scope throws(KringError) in try scope.audit(query) }
    }
    api.on(.listTokens) { request, context in
        try await service.call(request, context) { scope throws(KringError) in try scope.listTokens() }
    }
    api.on(.issueToken) { request, context in
        let body = try await service.decode(RequestBodies.Token.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.issueToken(try body.request())
        }
    }
    api.on(.revokeToken) { request, context in
        let id = try context.path("id")
        return try await service.call(request, context) { scope throws(KringError) in try scope.revokeToken(id) }
    }
    api.on(.getConfig) { request, context in
        let key = request.uri.queryParameters.get("key")
        return try await service.call(request, context) { scope throws(KringError) in try scope.getConfig(key) }
    }
    api.on(.setConfig) { request, context in
        let key = try context.path("key")
        let body = try await service.decode(RequestBodies.ConfigValue.self, request, context)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.setConfig(key, try required(body.value, "value"))
        }
    }
    api.on(.listInvites) { request, context in
        try await service.call(request, context) { scope throws(KringError) in try scope.listInvites() }
    }
    api.on(
        .previewInvite,
        respond: { request, context in
            let id = try inviteId(try context.path("id"))
            let text = try await service.call(request, context) { scope throws(KringError) in
                try scope.previewInvite(id)
            }
            // The whole e-mail, address included, for the coordinator: it goes into the body, never into a log.
            return Response(
                status: .ok, headers: [.contentType: "message/rfc822"],
                body: .init(byteBuffer: ByteBuffer(bytes: Data(text.utf8))))
        })
    api.on(.discardInvite) { request, context in
        let id = try inviteId(try context.path("id"))
        return try await service.call(request, context) { scope throws(KringError) in try scope.discardInvite(id) }
    }
    api.on(.sendInvites) { request, context in
        let body = try await service.decode(RequestBodies.InviteSend.self, request, context)
        let maximum = RequestBodies.InviteSend.maximumLimit
        if let limit = body.limit, limit > maximum {
            throw KringError.invalid("limit", String(limit), "must be at most \(maximum) in one request; send again")
        }
        let limit = body.limit ?? maximum
        return try await service.callAsync(request, context) { scope throws(KringError) in
            try await scope.sendInvites(dryRun: false, limit: limit)
        }
    }
    api.on(.importScenario) { request, context in
        let file = request.uri.queryParameters.get("file").flatMap { $0.count <= 256 ? $0 : nil } ?? "request body"
        let data = try await service.collect(request, upTo: Kring.maxCalendarInputBytes)
        return try await service.call(request, context) { scope throws(KringError) in
            try scope.importScenario(fileData: data, file: file)
        }
    }
    api.on(
        .report,
        respond: { request, context in
            let query = request.uri.queryParameters
            let format = query.get("format") ?? "json"
            let (from, to, yearText, language) = (
                query.get("from"), query.get("to"), query.get("year"), query.get("language")
            )
            // The role is checked first (in `scope.report`), so only a coordinator learns what was wrong with a query.
            let report = try await service.call(request, context) { scope throws(KringError) in
                try scope.report(ReportRequest(from: from, to: to, year: nil, language: language), year: yearText)
                    .checkedFormat(format)
            }
            let (text, type): (String, String)
            switch format {
            case "csv": (text, type) = (ReportCSVRenderer().render(report), "text/csv; charset=utf-8")
            case "html": (text, type) = (ReportHTMLRenderer().render(report), "text/html; charset=utf-8")
            default: (text, type) = ((try? report.json()) ?? "{}", "application/json")
            }
            return Response(
                status: .ok, headers: [.contentType: type],
                body: .init(byteBuffer: ByteBuffer(bytes: Data(text.utf8))))
        })
    api.on(
        .exportCalendar,
        respond: { request, context in
            let query = request.uri.queryParameters
            let (group, facilitator, participant) = (
                query.get("group"), query.get("facilitator"), query.get("participant")
            )
            let text = try await service.call(request, context) { scope throws(KringError) in
                try scope.exportCalendar(group: group, facilitator: facilitator, participant: participant)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/calendar; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: Data(text.utf8))))
        })
}

/// An invite is named by its outbox id, a number.
private func inviteId(_ text: String) throws(KringError) -> Int64 {
    guard let id = Int64(text), id > 0 else {
        throw .invalid("invite", text, "an invite is named by its id, a number; see `kring invites list`")
    }
    return id
}
