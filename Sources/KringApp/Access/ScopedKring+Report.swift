import Foundation
import KringDomain
import KringReport

/// The annual report as one caller may see it: a coordinator's only (it spans every group).
extension ScopedKring {
    public func report(_ request: ReportRequest) throws(KringError) -> AnnualReport {
        try consistently { (operation) throws(KringError) in
            try coordinatorOnly()
            return try operation.report(request)
        }
    }

    /// `GET /api/report`: the year arrives as text; it is read only once the caller is known to be a coordinator.
    public func report(_ request: ReportRequest, year: String?) throws(KringError) -> AnnualReport {
        try consistently { (operation) throws(KringError) in
            try coordinatorOnly()
            var request = request
            if let year {
                guard let number = Int(year) else { throw .invalid("year", year, "must be a year such as 2026") }
                request.year = number
            }
            return try operation.report(request)
        }
    }
}

extension AnnualReport {
    /// The report, once `format` is known to be one the API writes (json, csv or html).
    public func checkedFormat(_ format: String) throws(KringError) -> AnnualReport {
        guard ["json", "csv", "html"].contains(format) else {
            throw .invalid("format", format, "must be json, csv or html")
        }
        return self
    }
}
