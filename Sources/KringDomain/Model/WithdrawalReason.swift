import Foundation

/// Why a participant left, as a category only (privacy rule 1: no free text about people); kept for the report.
public enum WithdrawalReason: String, Sendable, Codable, CaseIterable {
    /// The group helped; they need it no longer.
    case helped
    /// They found other help (a therapist, another service).
    case otherHelp = "other-help"
    /// Time, travel, health or money made it impossible.
    case practical
    /// The group did not suit them.
    case notAFit = "not-a-fit"
    /// They left without saying why, or the coordinator gave no reason.
    case unstated

    public static func parse(_ text: String, field: String) throws(KringError) -> WithdrawalReason {
        try parseChoice(text, field: field)
    }
}
