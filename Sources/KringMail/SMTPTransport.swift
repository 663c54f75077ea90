import CCurl
import Dispatch
import Logging

/// SMTP submission through libcurl: STARTTLS (required) or implicit TLS, optional AUTH, one connection kept
/// for a whole batch. libcurl blocks, so every call runs on the transport's own serial queue, which is also
/// the one owner of the curl handle.
public final class SMTPTransport: MailTransport, @unchecked Sendable {
    /// The login for AUTH, read from the configured password source.
    public struct Credentials: Sendable {
        public let username: String
        public let password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    private let queue = DispatchQueue(label: "kring.mail.smtp")
    private let session: CurlSMTPSession  // touched only on `queue`
    private let logger: Logger

    /// Fails only for a non-SMTP configuration; everything the server may object to comes back per message.
    public init(configuration: MailConfiguration, credentials: Credentials?, logger: Logger) throws(MailError) {
        guard case .smtp(let url, _, _, let security) = configuration.transport else {
            throw .configuration(MailConfiguration.Key.transport, "'\(configuration.transportURL)' is not an SMTP URL")
        }
        self.logger = logger
        // The URL's path is the EHLO name: the organisation's domain rather than this host's name.
        self.session = CurlSMTPSession(
            url: "\(url)/\(configuration.from.domain)",
            requireTLS: security != .none,
            credentials: credentials,
            caFile: configuration.caFile,
            timeoutSeconds: configuration.timeoutSeconds
        )
    }

    public func send(_ mails: [OutgoingMail]) async -> [DeliveryResult] {
        let results = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.session.send(mails)) }
        }
        Self.log(results, transport: "smtp", logger: logger)
        return results
    }

    static func log(_ results: [DeliveryResult], transport: String, logger: Logger) {
        var counts: [String: Int] = [:]
        for result in results { counts[result.kind, default: 0] += 1 }
        // Counts and kinds only: no address, subject or reply text.
        logger.debug(
            "mail batch delivered",
            metadata: [
                "mail.transport": "\(transport)",
                "mail.count": "\(results.count)",
                "mail.sent": "\(counts["sent"] ?? 0)",
                "mail.temporary": "\(counts["temporary"] ?? 0)",
                "mail.permanent": "\(counts["permanent"] ?? 0)",
                "mail.configuration": "\(counts["configuration"] ?? 0)",
            ]
        )
        if let first = results.first(where: { if case .configurationError = $0 { true } else { false } }),
            case .configurationError(let reason) = first
        {
            // The reason is scrubbed of addresses and names only the server and the setting.
            logger.error("mail transport misconfigured", metadata: ["mail.reason": "\(reason)"])
        }
    }
}

private let curlGlobalInit: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

/// What libcurl's callbacks read and write during one transfer; reached through a raw pointer they are given.
private final class TransferState {
    var body: [UInt8] = []
    var offset = 0
    /// The text of the server's latest reply (all lines of a multi-line reply).
    var reply = ""
    private var replyComplete = false

    func reset(body: [UInt8]) {
        self.body = body
        offset = 0
        reply = ""
        replyComplete = false
    }

    /// One reply line as libcurl read it; "250-…" continues a reply, "250 …" ends it (RFC 5321 4.2.1).
    func serverSaid(_ line: String) {
        if replyComplete {
            reply = ""
            replyComplete = false
        }
        reply += line
        let bytes = Array(line.utf8)
        replyComplete = bytes.count < 4 || bytes[3] != UInt8(ascii: "-")
    }
}

/// One curl easy handle, configured once and reused so consecutive messages share the SMTP connection.
private final class CurlSMTPSession {
    private let handle: UnsafeMutableRawPointer?
    private let state = TransferState()
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    private let requireTLS: Bool
    private let setupError: String?

    init(url: String, requireTLS: Bool, credentials: SMTPTransport.Credentials?, caFile: String?, timeoutSeconds: Int) {
        self.requireTLS = requireTLS
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        guard curlGlobalInit, let handle = curl_easy_init() else {
            self.handle = nil
            self.setupError = "libcurl could not be initialised"
            return
        }
        self.handle = handle
        var failed: [String] = []
        func check(_ code: CURLcode, _ what: String) {
            if code != CURLE_OK { failed.append("\(what): \(String(cString: curl_easy_strerror(code)))") }
        }
        check(kring_curl_setopt_string(handle, CURLOPT_URL, url), "URL")
        check(kring_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        check(kring_curl_setopt_long(handle, CURLOPT_UPLOAD, 1), "UPLOAD")
        check(
            kring_curl_setopt_long(
                handle,
                CURLOPT_USE_SSL,
                Int(requireTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_NONE.rawValue)
            ),
            "USE_SSL"
        )
        check(kring_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, min(timeoutSeconds, 15)), "CONNECTTIMEOUT")
        check(kring_curl_setopt_long(handle, CURLOPT_TIMEOUT, timeoutSeconds), "TIMEOUT")
        check(kring_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "ERRORBUFFER")
        if let credentials {
            check(kring_curl_setopt_string(handle, CURLOPT_USERNAME, credentials.username), "USERNAME")
            check(kring_curl_setopt_string(handle, CURLOPT_PASSWORD, credentials.password), "PASSWORD")
        }
        if let caFile { check(kring_curl_setopt_string(handle, CURLOPT_CAINFO, caFile), "CAINFO") }
        let statePointer = Unmanaged.passUnretained(state).toOpaque()
        check(
            kring_curl_setopt_read_function(handle) { buffer, size, count, userData in
                guard let buffer, let userData else { return 0 }
                let state = Unmanaged<TransferState>.fromOpaque(userData).takeUnretainedValue()
                let length = min(size * count, state.body.count - state.offset)
                state.body.withUnsafeBufferPointer { body in
                    UnsafeMutableRawPointer(buffer).copyMemory(
                        from: body.baseAddress! + state.offset, byteCount: length)
                }
                state.offset += length
                return length
            },
            "READFUNCTION"
        )
        check(kring_curl_setopt_pointer(handle, CURLOPT_READDATA, statePointer), "READDATA")
        // The debug hook is the only way libcurl hands over the server's reply text. It sees our commands too
        // (with the recipient and, base64-encoded, the login), so only incoming lines are kept.
        check(kring_curl_setopt_long(handle, CURLOPT_VERBOSE, 1), "VERBOSE")
        check(
            kring_curl_setopt_debug_function(handle) { _, type, data, size, userData in
                guard let data, let userData else { return 0 }
                let state = Unmanaged<TransferState>.fromOpaque(userData).takeUnretainedValue()
                switch type {
                case CURLINFO_HEADER_IN:
                    let bytes = UnsafeRawBufferPointer(start: data, count: size)
                    state.serverSaid(String(decoding: bytes, as: UTF8.self))
                default:
                    break
                }
                return 0
            },
            "DEBUGFUNCTION"
        )
        check(kring_curl_setopt_pointer(handle, CURLOPT_DEBUGDATA, statePointer), "DEBUGDATA")
        setupError = failed.isEmpty ? nil : "libcurl refused an option (\(failed.joined(separator: "; ")))"
    }

    deinit {
        // Cleanup may still talk to the server (QUIT) and call the debug hook, so `state` must outlive it.
        if let handle { curl_easy_cleanup(handle) }
        errorBuffer.deallocate()
    }

    func send(_ mails: [OutgoingMail]) -> [DeliveryResult] {
        var results: [DeliveryResult] = []
        for mail in mails {
            if case .configurationError(let reason) = results.last {
                results.append(.configurationError(reason: reason))
                continue
            }
            results.append(send(mail))
        }
        return results
    }

    private func send(_ mail: OutgoingMail) -> DeliveryResult {
        guard let handle, setupError == nil else {
            return .configurationError(reason: setupError ?? "libcurl could not be initialised")
        }
        state.reset(body: mail.data)
        errorBuffer[0] = 0
        let recipients = curl_slist_append(nil, "<\(mail.recipient)>")
        defer { curl_slist_free_all(recipients) }
        _ = kring_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(mail.envelopeSender)>")
        _ = kring_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients)
        let code = curl_easy_perform(handle)
        // The list is freed after this call; libcurl must not keep pointing at it.
        _ = kring_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
        var response = 0
        _ = kring_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &response)
        return classify(code: code, response: response)
    }

    private func classify(code: CURLcode, response: Int) -> DeliveryResult {
        let reply = ReplyScrubber.scrub(state.reply)
        let curlError = ReplyScrubber.scrub(
            errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        )
        let detail = reply.isEmpty ? curlError : "\(curlError); server: \(reply)"
        switch code {
        case CURLE_OK:
            return .sent(serverReply: reply)
        case CURLE_USE_SSL_FAILED:
            return .configurationError(
                reason: "the server does not offer STARTTLS, which smtp:// requires; nothing was sent (\(detail))"
            )
        case CURLE_LOGIN_DENIED where !(400..<500).contains(response):
            return .configurationError(reason: "the server refused the login (AUTH): \(detail)")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_ISSUER_ERROR:
            return .configurationError(reason: "the server's TLS certificate is not trusted: \(detail)")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_NOT_BUILT_IN, CURLE_SSL_ENGINE_NOTFOUND:
            return .configurationError(reason: "libcurl cannot use this transport: \(detail)")
        default:
            switch response {
            case 400..<500: return .temporaryFailure(reason: detail)
            case 500..<600: return .permanentFailure(reason: detail)
            default: return .temporaryFailure(reason: detail)
            }
        }
    }
}
