import Foundation
import KringBusyParsing
import KringDomain
import KringSecrets

/// Where the database and key are, what time it is and where untrusted calendars are parsed: resolved once from
/// flags and the environment.
public struct KringConfiguration: Sendable {
    public var databasePath: String
    public var keyFile: KeyFile
    public var clock: @Sendable () -> Date
    /// Reads facilitators' calendar files for `importBusyTimes`. In-process by default (tests, the server inside
    /// tests); the `kring` executable sets a `ChildProcessBusyCalendarParser` so a hostile file cannot take it down.
    public var busyCalendarParser: any BusyCalendarParser
    /// How long a write waits for another writer's lock before it fails saying the database is busy
    /// (`KRING_BUSY_TIMEOUT`, seconds; 30 by default).
    public var busyTimeoutSeconds: Double = 30

    public init(
        databasePath: String, keyFile: KeyFile, clock: @escaping @Sendable () -> Date = { Date() },
        busyCalendarParser: any BusyCalendarParser = InProcessBusyCalendarParser()
    ) {
        self.databasePath = databasePath
        self.keyFile = keyFile
        self.clock = clock
        self.busyCalendarParser = busyCalendarParser
    }

    /// `--db PATH`, else `$KRING_DB`, else `$XDG_DATA_HOME/kring/kring.sqlite` (XDG default `~/.local/share`).
    /// `KRING_NOW` (an ISO 8601 instant) fixes the clock, for tests and reproducible demos.
    public static func resolve(
        databaseFlag: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KringError) -> KringConfiguration {
        let path: String
        if let databaseFlag, !databaseFlag.isEmpty {
            path = databaseFlag
        } else if let fromEnvironment = environment["KRING_DB"], !fromEnvironment.isEmpty {
            path = fromEnvironment
        } else {
            let dataHome =
                environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/share")
            path = dataHome + "/kring/kring.sqlite"
        }
        var clock: @Sendable () -> Date = { Date() }
        if let fixed = environment["KRING_NOW"], !fixed.isEmpty {
            guard let instant = ISO8601DateFormatter().date(from: fixed) else {
                throw .invalid("KRING_NOW", fixed, "must be an ISO 8601 instant such as 2027-01-01T09:00:00Z")
            }
            clock = { instant }
        }
        var configuration = KringConfiguration(
            databasePath: path, keyFile: KeyFile.defaultLocation(environment: environment), clock: clock)
        if let text = environment["KRING_BUSY_TIMEOUT"], !text.isEmpty {
            guard let seconds = Double(text), seconds > 0, seconds <= 600 else {
                throw .invalid("KRING_BUSY_TIMEOUT", text, "must be a number of seconds from 0.1 to 600")
            }
            configuration.busyTimeoutSeconds = seconds
        }
        return configuration
    }
}

extension KringConfiguration {
    /// Whether the configured key file exists yet.
    public var keyFileExists: Bool { keyFile.exists }

    /// Points the key at another file (the demo keeps its throwaway key beside its throwaway database).
    public mutating func useKeyFile(at path: String) {
        keyFile = KeyFile(path: path)
    }
}
