import Foundation
import KringDomain
import KringReport
import KringStorage

/// Turns the anonymous counters (every cell through the last day) into the report: figures and tables, with every
/// count about people suppressed under the threshold. Reads nothing else than counters and the groups' names.
struct ReportBuilder {
    let from: String
    let to: String
    let language: ReportLanguage
    let threshold: Int
    let counters: [ReportCounterRow]
    let groups: [SupportGroup]

    private var words: ReportVocabulary { ReportVocabulary(language) }
    private var suppression: SmallCountSuppression { SmallCountSuppression(threshold: threshold) }

    func build() -> AnnualReport {
        let inPeriod = counters.filter { $0.key.day >= from && $0.key.day <= to }
        let before = counters.filter { $0.key.day < from }
        func sum(_ rows: [ReportCounterRow], _ measure: ReportMeasure, group: Int64? = nil) -> Int {
            rows.filter { $0.key.measure == measure.rawValue && (group == nil || $0.key.groupId == group) }
                .reduce(0) { $0 + $1.amount }
        }
        // Groups that did anything in the period, in name order.
        let active = Set(inPeriod.map(\.key.groupId))
        let shownGroups = groups.filter { active.contains($0.id) }.sorted { $0.internalName < $1.internalName }
        let groupsRun = shownGroups.filter { sum(inPeriod, .sessionHeld, group: $0.id) > 0 }

        // Groups: sessions, places offered, facilitator hours, staffing gaps, attendance: no count about people.
        var groupRows: [ReportRow] = []
        var totals = [Double](repeating: 0, count: 5)
        var marks = (present: 0, all: 0)
        for group in shownGroups {
            let held = sum(inPeriod, .sessionHeld, group: group.id)
            let values = [
                Double(held), Double(sum(inPeriod, .sessionCancelled, group: group.id)),
                Double(held > 0 ? group.capacity : 0),
                Double(sum(inPeriod, .facilitatorMinutes, group: group.id)) / 60,
                Double(sum(inPeriod, .staffingGap, group: group.id)),
            ]
            for index in values.indices { totals[index] += values[index] }
            let present = sum(inPeriod, .attendancePresent, group: group.id)
            let all =
                present + sum(inPeriod, .attendanceAbsent, group: group.id)
                + sum(inPeriod, .attendanceExcused, group: group.id)
            marks.present += present
            marks.all += all
            groupRows.append(
                ReportRow(
                    label: group.internalName,
                    values: values.map(ReportValue.quantity) + [rate(present, of: all)]))
        }
        groupRows.append(
            ReportRow(
                label: words("total"), values: totals.map(ReportValue.quantity) + [rate(marks.present, of: marks.all)]))
        let groupTable = ReportTable(
            id: "groups", title: words("groups"), rowHeading: words("group"),
            columns: [
                "sessions-held", "sessions-cancelled", "places-offered", "facilitator-hours", "staffing-gaps",
                "attendance-rate",
            ].map(words.callAsFunction), rows: groupRows, totals: true, chart: .bars)

        // Places filled (held at the start plus taken) and the waitlist at the end, per group: people.
        let places = PeopleTable(
            id: "places", title: words("places"), rowHeading: words("group"),
            rowLabels: shownGroups.map(\.internalName), columnLabels: [words("places-filled"), words("waitlist-size")],
            body: shownGroups.map { group in
                let atStart = sum(before, .seatTaken, group: group.id) - sum(before, .seatLeft, group: group.id)
                let waiting =
                    sum(before + inPeriod, .waitlistJoined, group: group.id)
                    - sum(before + inPeriod, .waitlistLeft, group: group.id)
                return [max(0, atStart) + sum(inPeriod, .seatTaken, group: group.id), max(0, waiting)]
            }, rowTotals: false, columnTotals: true, chart: .bars)
        let placesHidden = suppression.suppress(places.grid)

        // Participants who took a seat in the period, new and continuing, three ways.
        let seats = inPeriod.filter { $0.key.measure == ReportMeasure.seatTaken.rawValue }
        func split(_ id: String, _ dimension: KeyPath<ReportCounterKey, String>, _ categories: [String]) -> PeopleTable
        {
            PeopleTable(
                id: "participants-by-\(id)", title: words("participants-by-\(id)"), rowHeading: words(id),
                rowLabels: categories.map { words("\(id).\($0)") }, columnLabels: [words("new"), words("continuing")],
                body: categories.map { category in
                    ["new", "continuing"].map { newcomer in
                        seats.filter { $0.key[keyPath: dimension] == category && $0.key.newcomer == newcomer }
                            .reduce(0) { $0 + $1.amount }
                    }
                }, rowTotals: true, columnTotals: true, chart: .bars)
        }
        let participantTables = [
            split("relation", \.relation, Relation.allCases.map(\.rawValue)),
            split("language", \.language, Language.allCases.map(\.rawValue)),
            split("audience", \.audience, Audience.allCases.map(\.rawValue)),
        ]
        let participantsHidden = suppression.suppressLinked(participantTables.map(\.grid))

        // Withdrawals by reason.
        let withdrawals = inPeriod.filter { $0.key.measure == ReportMeasure.withdrawal.rawValue }
        let reasons = WithdrawalReason.allCases.map(\.rawValue)
        let withdrawalTable = PeopleTable(
            id: "withdrawals-by-reason", title: words("withdrawals-by-reason"), rowHeading: words("reason"),
            rowLabels: reasons.map { words("reason.\($0)") }, columnLabels: [words("count")],
            body: reasons.map { reason in
                [withdrawals.filter { $0.key.reason == reason }.reduce(0) { $0 + $1.amount }]
            }, rowTotals: false, columnTotals: true, chart: .bars)
        let withdrawalsHidden = suppression.suppress(withdrawalTable.grid)

        // Attendance per month: a rate, shown only over enough marks.
        var monthRows: [ReportRow] = []
        for month in months() {
            let rows = inPeriod.filter { $0.key.day.hasPrefix(month.prefix) }
            let present = sum(rows, .attendancePresent)
            let all = present + sum(rows, .attendanceAbsent) + sum(rows, .attendanceExcused)
            monthRows.append(ReportRow(label: month.label, values: [rate(present, of: all)]))
        }
        let monthTable = ReportTable(
            id: "attendance-by-month", title: words("attendance-by-month"), rowHeading: words("month"),
            columns: [words("attendance-rate")], rows: monthRows, totals: false, chart: .columns)

        // Headline figures. Places filled is the places table's total, hidden with it.
        let placesTotal = GridPosition(row: places.grid.rows, column: 0)
        let waitTotal = GridPosition(row: places.grid.rows, column: 1)
        let figures: [ReportFigure] = [
            figure("groups-run", .quantity(Double(groupsRun.count))),
            figure("sessions-held", .quantity(totals[0])),
            figure("sessions-cancelled", .quantity(totals[1])),
            figure("places-offered", .quantity(totals[2])),
            figure(
                "places-filled",
                placesHidden.contains(placesTotal) ? .suppressed : .people(places.grid.value(at: placesTotal))),
            figure("waitlist-joined", people(sum(inPeriod, .waitlistJoined))),
            figure(
                "waitlist-size",
                placesHidden.contains(waitTotal) ? .suppressed : .people(places.grid.value(at: waitTotal))),
            figure("median-wait", medianWait(inPeriod)),
            figure("facilitator-hours", .quantity(totals[3])),
            figure("staffing-gaps", .quantity(totals[4])),
            figure("invites-delivered", people(sum(inPeriod, .inviteDelivered))),
            figure("attendance-rate", rate(marks.present, of: marks.all)),
        ]
        let total = words("total")
        return AnnualReport(
            from: from, to: to, language: language, threshold: threshold, figures: figures,
            tables: [groupTable, places.shown(hiding: placesHidden, totalLabel: total)]
                + zip(participantTables, participantsHidden).map { $0.shown(hiding: $1, totalLabel: total) }
                + [withdrawalTable.shown(hiding: withdrawalsHidden, totalLabel: total), monthTable])
    }

    private func figure(_ id: String, _ value: ReportValue) -> ReportFigure {
        ReportFigure(id: id, label: words(id), value: value)
    }

    /// A lone count about people: hidden under the threshold.
    private func people(_ count: Int) -> ReportValue {
        count < threshold ? .suppressed : .people(count)
    }

    /// Percentage present, only over at least `threshold` marks (a rate over two people tells about each).
    private func rate(_ present: Int, of all: Int) -> ReportValue {
        if all == 0 { return .none }
        if all < threshold { return .suppressed }
        return .quantity((Double(present) * 1000 / Double(all)).rounded() / 10)
    }

    /// The median of the whole days waited by those promoted in the period, from the histogram; hidden when fewer
    /// than `threshold` were promoted.
    private func medianWait(_ rows: [ReportCounterRow]) -> ReportValue {
        var histogram: [Int: Int] = [:]
        for row in rows where row.key.measure == ReportMeasure.promoted.rawValue {
            histogram[row.key.waitedDays, default: 0] += row.amount
        }
        let count = histogram.values.reduce(0, +)
        if count == 0 { return .none }
        if count < threshold { return .suppressed }
        let sorted = histogram.filter { $0.value > 0 }.sorted { $0.key < $1.key }
        func nth(_ index: Int) -> Int {
            var seen = 0
            for (days, amount) in sorted {
                seen += amount
                if index < seen { return days }
            }
            return sorted.last?.key ?? 0
        }
        let median =
            count % 2 == 1 ? Double(nth(count / 2)) : Double(nth(count / 2 - 1) + nth(count / 2)) / 2
        return .quantity(median)
    }

    /// Every month the period touches: its `YYYY-MM` prefix and a label such as "jan 2026".
    private func months() -> [(prefix: String, label: String)] {
        guard var year = Int(from.prefix(4)), var month = Int(from.dropFirst(5).prefix(2)),
            let lastYear = Int(to.prefix(4)), let lastMonth = Int(to.dropFirst(5).prefix(2))
        else { return [] }
        var list: [(String, String)] = []
        while (year, month) <= (lastYear, lastMonth) {
            list.append((String(format: "%04d-%02d", year, month), "\(words.month(month)) \(year)"))
            month += 1
            if month > 12 { (year, month) = (year + 1, 1) }
        }
        return list
    }
}
