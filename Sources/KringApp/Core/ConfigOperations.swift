import Foundation
import KringDomain
import KringMail
import KringStorage
import Logging

/// One organisation setting as `kring config get` shows it.
public struct ConfigEntry: Sendable, Codable, Equatable {
    public var key: String
    public var value: String?
}

extension Kring {
    /// The settings `kring config` manages, in display order.
    public static let configKeys =
        [
            "organisation-name", "organizer", "uid-domain", "default-language", "retention-days", closureDatesKey,
            reportThresholdKey,
        ] + mailLibraryKeys + [reminderKey]

    /// The `mail.*` settings KringMail reads (`MailConfiguration(settings:)`).
    static let mailLibraryKeys =
        [
            MailConfiguration.Key.transport, MailConfiguration.Key.from, MailConfiguration.Key.username,
            MailConfiguration.Key.passwordFile, MailConfiguration.Key.passwordEnvironment,
            MailConfiguration.Key.caFile,
        ] + MailLanguage.allCases.map(MailConfiguration.Key.organisationText)

    /// The smallest count about people a report shows (privacy rule 14); 5 unless raised, never lowered.
    public static let reportThresholdKey = "report.threshold"

    /// Days the whole organisation is closed (`2026-12-24,2026-12-31`, or `none`); every series added afterwards
    /// skips them like holidays.
    public static let closureDatesKey = "closure-dates"

    /// The closure dates a stored or typed value lists, in order, each once.
    static func closureDates(_ text: String) throws(KringError) -> [LocalDate] {
        let value = text.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty, value.lowercased() != "none" else { return [] }
        var dates: Set<LocalDate> = []
        for part in value.split(separator: ",", omittingEmptySubsequences: false) {
            dates.insert(try LocalDate.parse(part.trimmingCharacters(in: .whitespaces), field: closureDatesKey))
        }
        return dates.sorted()
    }

    /// How long before each session participants' calendars remind them (a VALARM); off by default.
    public static let reminderKey = "mail.reminder"

    /// `kring config set KEY VALUE`: validated before anything is written; a refusal leaves the database unchanged.
    public func setConfig(_ key: String, _ value: String) throws(KringError) -> ConfigEntry {
        try write { (operation) throws(KringError) in try operation.setConfig(key, value) }
    }

    /// `kring config get [KEY]`: one setting, or all of them (unset ones with no value).
    public func getConfig(_ key: String?) throws(KringError) -> [ConfigEntry] {
        try read { (operation) throws(KringError) in try operation.getConfig(key) }
    }

    static func unknownConfigKey(_ key: String) -> KringError {
        .invalid("key", key, "is not a setting; known: \(configKeys.joined(separator: ", "))")
    }

    static func checkedConfigValue(_ key: String, _ raw: String) throws(KringError) -> String {
        let value = raw.trimmingCharacters(in: .whitespaces)
        switch key {
        case "organisation-name":
            guard !value.isEmpty, value.count <= 200,
                !value.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
            else { throw .invalid(key, raw, "must be 1 to 200 characters on one line") }
            return value
        case "organizer":
            var address = value
            if address.lowercased().hasPrefix("mailto:") { address = String(address.dropFirst("mailto:".count)) }
            guard isEmailAddress(address) else {
                throw .invalid(key, raw, "is not an e-mail address (a role address such as groepen@example.org)")
            }
            return address
        case "uid-domain":
            let host = value.lowercased()
            guard isHostname(host) else { throw .invalid(key, raw, "is not a host name such as kring.example.org") }
            return host
        case "default-language":
            guard ["nl", "fr", "en"].contains(value) else { throw .invalid(key, raw, "must be nl, fr or en") }
            return value
        case "retention-days":
            guard let days = Int(value), (30...3650).contains(days) else {
                throw .invalid(key, raw, "must be a whole number of days from 30 to 3650")
            }
            return String(days)
        case reportThresholdKey:
            guard let threshold = Int(value), ReportSettings.thresholdRange.contains(threshold) else {
                throw .invalid(
                    key, raw,
                    "must be a whole number from \(ReportSettings.thresholdRange.lowerBound) to "
                        + "\(ReportSettings.thresholdRange.upperBound): the threshold can be raised, never lowered")
            }
            return String(threshold)
        case closureDatesKey:
            let dates = try closureDates(value)
            return dates.isEmpty ? "none" : dates.map(\.iso).joined(separator: ",")
        case reminderKey:
            guard let canonical = ReminderSetting.canonical(value) else {
                throw .invalid(
                    key, raw,
                    "must be off or a time before the session from 5 minutes to 7 days: P1D, 1d, PT2H, 2h, 30m")
            }
            return canonical
        case "mail.password":
            throw .invalid(
                key, "…",
                "passwords are never stored in the database; set mail.password-file (a 0600 file) or mail.password-env")
        case _ where mailLibraryKeys.contains(key):
            guard !value.isEmpty, !value.contains(where: \.isNewline) else {
                throw .invalid(key, raw, "must be one line of text")
            }
            return key.hasPrefix("mail.organisation-text.")
                ? raw.trimmingCharacters(in: .whitespacesAndNewlines) : value
        default:
            throw unknownConfigKey(key)
        }
    }

    /// Checks the mail settings as they would be with this change, through KringMail's own parser, and refuses the
    /// value when the complaint is about this key. A complaint about another key (a user name set before its
    /// password source) waits until the settings are complete: `kring invites send` reports it then.
    static func checkMailSettings(_ settings: [String: String], changed key: String, raw: String) throws(KringError) {
        guard mailLibraryKeys.contains(key) else { return }
        var mail = settings.filter { mailLibraryKeys.contains($0.key) }
        if mail[MailConfiguration.Key.from] == nil { mail[MailConfiguration.Key.from] = settings["organizer"] }
        if mail[MailConfiguration.Key.from] == nil { mail[MailConfiguration.Key.from] = "placeholder@kring.invalid" }
        if mail[MailConfiguration.Key.transport] == nil { mail[MailConfiguration.Key.transport] = "smtp://localhost" }
        do { _ = try MailConfiguration(settings: mail) } catch {
            if error.field == key { throw .invalid(key, raw, error.reason) }
        }
    }

    /// UIDs appear in every feed, where no ORGANIZER does, so their domain must not name the organisation
    /// (privacy rule 7): not the organizer address's domain (or one above or below it), nor a word of its name.
    static func checkUIDsRevealNoOrganisation(
        _ settings: [String: String], changed key: String, raw: String
    ) throws(KringError) {
        guard let uidDomain = settings["uid-domain"],
            key == "uid-domain" || key == "organizer" || key == "organisation-name"
        else { return }
        let advice = "UIDs must not name the organisation; keep the default kring.invalid or use a neutral domain"
        if let organizer = settings["organizer"], let at = organizer.lastIndex(of: "@") {
            let mailDomain = organizer[organizer.index(after: at)...].lowercased()
            if uidDomain == mailDomain || uidDomain.hasSuffix("." + mailDomain) || mailDomain.hasSuffix("." + uidDomain)
            {
                throw .invalid(key, raw, "uid-domain \(uidDomain) is the organizer's mail domain; \(advice)")
            }
        }
        if let name = settings["organisation-name"] {
            let words = name.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
                .filter { $0.count >= 4 }
            let labels = Set(uidDomain.split(separator: ".").flatMap { $0.split(separator: "-") }.map(String.init))
            let compact = uidDomain.replacingOccurrences(of: "-", with: "")
            let squashedName = words.joined()
            let found: String? =
                words.first(where: labels.contains)
                ?? (squashedName.count >= 4 && compact.contains(squashedName) ? squashedName : nil)
            if let word = found {
                throw .invalid(
                    key, raw, "uid-domain \(uidDomain) contains '\(word)' from the organisation's name; \(advice)")
            }
        }
    }

    static func isHostname(_ text: String) -> Bool {
        guard text.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy(allowed.contains) && label.first != "-"
                && label.last != "-"
        }
    }

    static func isEmailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, !local.isEmpty, local.count <= 64 else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
        guard local.allSatisfy(allowed.contains), local.first != ".", local.last != ".", !local.contains("..") else {
            return false
        }
        return isHostname(parts[1].lowercased())
    }
}

extension KringTransaction {
    /// `kring config set KEY VALUE`: validated before anything is written; a refusal leaves the database unchanged.
    func setConfig(_ key: String, _ value: String) throws(KringError) -> ConfigEntry {
        let checked = try Kring.checkedConfigValue(key, value)
        var settings: [String: String] = [:]
        for other in Kring.configKeys {
            settings[other] = try transaction.setting(other)
        }
        settings[key] = checked
        try Kring.checkUIDsRevealNoOrganisation(settings, changed: key, raw: value)
        try Kring.checkMailSettings(settings, changed: key, raw: value)
        try transaction.setSetting(key, checked)
        logAfterCommit(.info, "setting changed", ["setting.key": "\(key)"])
        return ConfigEntry(key: key, value: checked)
    }

    /// `kring config get [KEY]`: one setting, or all of them (unset ones with no value).
    func getConfig(_ key: String?) throws(KringError) -> [ConfigEntry] {
        if let key, !Kring.configKeys.contains(key) { throw Kring.unknownConfigKey(key) }
        let keys = key.map { [$0] } ?? Kring.configKeys
        return try keys.map { (key) throws(KringError) in
            ConfigEntry(key: key, value: try transaction.setting(key))
        }
    }
}
