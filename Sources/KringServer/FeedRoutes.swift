import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KringApp
import KringDomain
import NIOCore

/// `/feeds/{token}.ics`: the token holder's calendar for subscribing apps. Outside `/api` and the endpoint table: the
/// token is the path, so these routes authenticate themselves and never log the URI.
func addFeedRoutes(to router: Router<KringRequestContext>, service: Service) {
    router.get("/feeds/{token}.ics") { request, context in try await service.feed(request, context) }
    // Some subscribers ask with HEAD whether a feed changed; they get the same status and headers, no body.
    router.head("/feeds/{token}.ics") { request, context in try await service.feed(request, context).withoutBody() }
}

extension Service {
    /// `GET /feeds/{token}.ics`: the holder's calendar, with an ETag so subscribed clients poll cheaply.
    func feed(_ request: Request, _ context: KringRequestContext) async throws -> Response {
        let client = client(request, context)
        if limiter.isLimited(client) { throw APIError.rateLimited }
        let token = context.parameters.get("token") ?? ""
        let (feeds, cache) = (feeds, feedCache)
        // The token is checked on every request, so a revoked one fails at once; only the rendered body is reused.
        let rendered = try await asFeedHolder(token: token) { (scope) throws(KringError) -> RenderedFeed? in
            let key = FeedCache.Key(token: token, caller: scope.caller)
            if let cached = cache.get(key) { return cached }
            guard let body = try scope.feed(from: feeds) else { return nil }
            let bytes = Data(body.utf8)
            let tag = "\"" + SHA256.hash(data: bytes).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
            let feed = RenderedFeed(bytes: bytes, tag: tag)
            cache.put(key, feed)
            return feed
        }
        guard let rendered else {
            if limiter.recordFailure(client) { throw APIError.rateLimited }
            throw APIError.feedNotFound
        }
        let (bytes, tag) = (rendered.bytes, rendered.tag)
        var headers: HTTPFields = [.eTag: tag]
        if let wanted = request.headers[.ifNoneMatch],
            wanted.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == tag || $0 == "*" }
            )
        {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "text/calendar; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Response {
    /// The answer to HEAD: the status and headers of GET, including the length the body would have, and no body.
    func withoutBody() -> Response {
        var headers = self.headers
        if let length = body.contentLength, headers[.contentLength] == nil { headers[.contentLength] = String(length) }
        return Response(status: status, headers: headers, body: .init())
    }
}
