import Foundation

/// The few date formatters a batch of messages needs, made once per process. Making a `DateFormatter` opens ICU
/// data and costs far more than formatting with it: made per message, they were a tenth of the CPU time of
/// `kring invites send`. A batch formats the same handful of (pattern, language, zone) keys a thousand times, so
/// the cache stays small. Foundation does not promise that one formatter may be used from several threads at once,
/// so each is used under the lock.
final class DateFormatters: @unchecked Sendable {
    // Unchecked: `formatters` is read and written only under `lock`.
    static let shared = DateFormatters()

    private let lock = NSLock()
    private var formatters: [String: DateFormatter] = [:]

    /// `date` formatted by the formatter cached under `key`, made by `make` the first time.
    func string(from date: Date, key: String, make: () -> DateFormatter) -> String {
        lock.withLock {
            if let formatter = formatters[key] { return formatter.string(from: date) }
            let formatter = make()
            formatters[key] = formatter
            return formatter.string(from: date)
        }
    }
}
