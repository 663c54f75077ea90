import Foundation
import Logging

/// How Kring sends invites: where (an SMTP submission server or the local `sendmail`), as whom, and the
/// organisation's closing text; parsed from settings and checked up front so a bad value fails at start-up with
/// the field and the value named, not at the first invite.
public struct MailConfiguration: Sendable, Hashable {
    /// Where messages go.
    public enum Transport: Sendable, Hashable {
        /// SMTP submission; `url` is what libcurl is given (`smtp://host:587`, `smtps://host:465`).
        case smtp(url: String, host: String, port: Int, security: SMTPSecurity)
        /// The local MTA's `sendmail` interface at `path`.
        case sendmail(path: String)
    }

    /// How an SMTP connection is protected.
    public enum SMTPSecurity: Sendable, Hashable {
        /// `smtp://`: plain connection upgraded with STARTTLS, which the server must offer.
        case startTLS
        /// `smtps://`: TLS from the first byte.
        case implicitTLS
        /// `smtp+plain://`: no TLS, accepted only towards a loopback address (a local relay).
        case none
    }

    /// Where the SMTP password is read when the transport is made; the password itself is never a setting.
    public enum PasswordSource: Sendable, Hashable {
        /// A file readable by its owner only (mode 0600 or stricter); one line.
        case file(path: String)
        /// An environment variable of the service.
        case environment(variable: String)
    }

    /// The setting names `init(settings:)` reads.
    public enum Key {
        public static let transport = "mail.transport"
        public static let from = "mail.from"
        public static let username = "mail.username"
        public static let passwordFile = "mail.password-file"
        public static let passwordEnvironment = "mail.password-env"
        public static let caFile = "mail.ca-file"
        public static func organisationText(_ language: MailLanguage) -> String {
            "mail.organisation-text.\(language.rawValue)"
        }
    }

    public let transport: Transport
    /// The transport URL as given, for messages to the operator.
    public let transportURL: String
    /// The organisation's role address: From, envelope sender and the domain of every Message-ID.
    public let from: MailAddress
    public let username: String?
    public let passwordSource: PasswordSource?
    /// Closing text of every message per language ("how to reach us"); a neutral default where absent.
    public let organisationText: [MailLanguage: String]
    /// Extra CA bundle (PEM) to trust for the SMTP server's certificate, for a private CA.
    public let caFile: String?
    /// Bound on one SMTP exchange or one sendmail run.
    public let timeoutSeconds: Int

    public init(
        transport: String,
        from: String,
        username: String? = nil,
        passwordFile: String? = nil,
        passwordEnvironmentVariable: String? = nil,
        organisationText: [MailLanguage: String] = [:],
        caFile: String? = nil,
        timeoutSeconds: Int = 60
    ) throws(MailError) {
        self.transportURL = transport
        self.transport = try Self.parseTransport(transport)
        guard let address = MailAddress(from) else {
            throw .configuration(Key.from, "'\(from)' is not a plain address like invites@example.org")
        }
        self.from = address

        switch (passwordFile, passwordEnvironmentVariable) {
        case (let path?, nil):
            guard path.hasPrefix("/") else {
                throw .configuration(Key.passwordFile, "'\(path)' is not an absolute path")
            }
            passwordSource = .file(path: path)
        case (nil, let variable?):
            guard !variable.isEmpty, variable.allSatisfy({ $0 == "_" || ($0.isASCII && $0.isLetter || $0.isNumber) })
            else {
                throw .configuration(Key.passwordEnvironment, "'\(variable)' is not an environment variable name")
            }
            passwordSource = .environment(variable: variable)
        case (nil, nil):
            passwordSource = nil
        case (.some, .some):
            throw .configuration(
                Key.passwordFile, "set either \(Key.passwordFile) or \(Key.passwordEnvironment), not both")
        }
        if let username {
            guard !username.isEmpty, !username.contains(where: { $0.isNewline || $0 == "\0" }) else {
                throw .configuration(Key.username, "'\(username)' is empty or holds a line break")
            }
        }
        if passwordSource != nil, username == nil {
            throw .configuration(Key.username, "a password source is set but no user name to log in with")
        }
        if username != nil, passwordSource == nil {
            throw .configuration(
                Key.passwordFile,
                "\(Key.username) is set but no password source: set \(Key.passwordFile) or \(Key.passwordEnvironment)"
            )
        }
        if case .sendmail = self.transport, username != nil {
            throw .configuration(Key.username, "a user name only applies to SMTP, not to '\(transport)'")
        }
        self.username = username

        for (language, text) in organisationText {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, trimmed.count <= 1_000,
                !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" })
            else {
                throw .configuration(
                    Key.organisationText(language),
                    "must be 1 to 1,000 characters of text without control characters other than line breaks"
                )
            }
        }
        self.organisationText = organisationText.mapValues { $0.trimmingCharacters(in: .whitespacesAndNewlines) }

        if let caFile, !caFile.hasPrefix("/") {
            throw .configuration(Key.caFile, "'\(caFile)' is not an absolute path")
        }
        self.caFile = caFile
        guard (1...3_600).contains(timeoutSeconds) else {
            throw .configuration("mail.timeout", "'\(timeoutSeconds)' is not between 1 and 3600 seconds")
        }
        self.timeoutSeconds = timeoutSeconds
    }

    /// Reads the `Key` settings (from a configuration file or the environment); unknown `mail.` keys are refused,
    /// so a misspelt setting is not silently ignored.
    public init(settings: [String: String]) throws(MailError) {
        let known = Set(
            [Key.transport, Key.from, Key.username, Key.passwordFile, Key.passwordEnvironment, Key.caFile]
                + MailLanguage.allCases.map(Key.organisationText)
        )
        if let unknown = settings.keys.sorted().first(where: { $0.hasPrefix("mail.") && !known.contains($0) }) {
            throw .configuration(unknown, "is not a mail setting (known: \(known.sorted().joined(separator: ", ")))")
        }
        guard let transport = settings[Key.transport] else { throw .configuration(Key.transport, "is required") }
        guard let from = settings[Key.from] else { throw .configuration(Key.from, "is required") }
        var texts: [MailLanguage: String] = [:]
        for language in MailLanguage.allCases {
            texts[language] = settings[Key.organisationText(language)]
        }
        try self.init(
            transport: transport,
            from: from,
            username: settings[Key.username],
            passwordFile: settings[Key.passwordFile],
            passwordEnvironmentVariable: settings[Key.passwordEnvironment],
            organisationText: texts,
            caFile: settings[Key.caFile]
        )
    }

    /// Reads the password from its source now; nil when none is configured. The file must be readable by its
    /// owner only: a password that others on the host can read is refused, not used.
    public func readPassword(environment: [String: String]) throws(MailError) -> String? {
        switch passwordSource {
        case nil:
            return nil
        case .environment(let variable):
            guard let value = environment[variable], !value.isEmpty else {
                throw .password(Key.passwordEnvironment, "the environment variable '\(variable)' is not set or empty")
            }
            return value
        case .file(let path):
            var status = stat()
            guard stat(path, &status) == 0 else {
                throw .password(Key.passwordFile, "'\(path)' cannot be read (\(String(cString: strerror(errno))))")
            }
            guard status.st_mode & 0o077 == 0 else {
                throw .password(
                    Key.passwordFile,
                    "'\(path)' is readable by others (mode \(String(status.st_mode & 0o777, radix: 8))): chmod 600 it"
                )
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .password(Key.passwordFile, "'\(path)' cannot be read")
            }
            let text = String(decoding: data, as: UTF8.self)
            let password =
                text.hasSuffix("\r\n")
                ? String(text.dropLast(2)) : text.hasSuffix("\n") ? String(text.dropLast()) : text
            guard !password.isEmpty, !password.contains(where: \.isNewline) else {
                throw .password(Key.passwordFile, "'\(path)' must hold the password on one line")
            }
            return password
        }
    }

    /// The transport this configuration describes, with its password read now.
    public func makeTransport(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger
    ) throws(MailError) -> any MailTransport {
        switch transport {
        case .sendmail(let path):
            return SendmailTransport(
                path: path,
                sender: from,
                timeout: .seconds(timeoutSeconds),
                logger: logger
            )
        case .smtp:
            let credentials = try readPassword(environment: environment).map { password in
                SMTPTransport.Credentials(username: username ?? "", password: password)
            }
            return try SMTPTransport(configuration: self, credentials: credentials, logger: logger)
        }
    }

    static func parseTransport(_ text: String) throws(MailError) -> Transport {
        let field = Key.transport
        if text == "sendmail" { return .sendmail(path: "/usr/sbin/sendmail") }
        if text.hasPrefix("sendmail:") {
            var path = String(text.dropFirst("sendmail:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard path.hasPrefix("/"), !path.contains(where: { $0.isWhitespace || $0 == "?" || $0 == "#" }) else {
                throw .configuration(field, "'\(text)' must name an absolute path, like sendmail:/usr/sbin/sendmail")
            }
            return .sendmail(path: path)
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw .configuration(field, "'\(text)' is not a URL like smtp://mail.example.org:587")
        }
        let security: SMTPSecurity
        let defaultPort: Int
        switch scheme {
        case "smtp": (security, defaultPort) = (.startTLS, 587)
        case "smtps": (security, defaultPort) = (.implicitTLS, 465)
        case "smtp+plain": (security, defaultPort) = (.none, 25)
        default:
            throw .configuration(
                field,
                "'\(text)': the scheme must be smtp (STARTTLS), smtps (TLS), smtp+plain (loopback only) or sendmail"
            )
        }
        if components.user != nil || components.password != nil {
            throw .configuration(
                field,
                "'\(scheme)://…' must not carry a user or password: use \(Key.username) and \(Key.passwordFile)"
            )
        }
        guard components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil
        else {
            throw .configuration(
                field, "'\(text)' must be only scheme, host and port, like \(scheme)://host:\(defaultPort)")
        }
        guard var host = components.host, !host.isEmpty else {
            throw .configuration(field, "'\(text)' names no host")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let isIPv6 = host.contains(":")
        guard isIPv6 ? host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) : isHostName(host) else {
            throw .configuration(field, "'\(text)' has an invalid host name")
        }
        let port = components.port ?? defaultPort
        guard (1...65_535).contains(port) else { throw .configuration(field, "'\(text)' has an invalid port") }
        if security == .none, !isLoopback(host) {
            throw .configuration(
                field,
                "'\(text)' would send mail without TLS to a host that is not loopback; use smtp:// (STARTTLS) or smtps://"
            )
        }
        let curlScheme = security == .implicitTLS ? "smtps" : "smtp"
        let url = "\(curlScheme)://\(isIPv6 ? "[\(host)]" : host):\(port)"
        return .smtp(url: url, host: host, port: port, security: security)
    }

    static func isHostName(_ host: String) -> Bool {
        host.utf8.count <= 253
            && host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
                !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
    }

    static func isLoopback(_ host: String) -> Bool {
        let lower = host.lowercased()
        if lower == "localhost" || lower == "::1" || lower == "0:0:0:0:0:0:0:1" { return true }
        let octets = lower.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
