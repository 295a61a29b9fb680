import BackOffice
import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import LeadData
import Roster
import SeatProductivity
import Spreadsheet

/// What the nightly run did.
public struct NightlySummary: Encodable, Equatable, Sendable {
    public var date: String
    public var recycled: RecycleResult
    public var allocated: Int
    public var unallocated: Int
    public var agents: Int
    public var queueRows: Int
    public var crossSellRows: Int
    /// Policies lapsed as of D (a premium unpaid past its grace).
    public var lapsed: Int
    /// Renewal premiums due within `renewals.due_within_days` of D, and policies not yet delivered.
    public var renewalsDue: Int
    public var lateDeliveries: Int
    public var files: [String]
    /// Customers with a programme step (121 / 121N) due within `programmes.queue_days` of D, overdue ones included.
    public var programmeDue = 0

    enum CodingKeys: String, CodingKey {
        case date, recycled, allocated, unallocated, agents, files, lapsed
        case queueRows = "queue_rows"
        case crossSellRows = "cross_sell_rows"
        case renewalsDue = "renewals_due"
        case lateDeliveries = "late_deliveries"
        case programmeDue = "programme_due"
    }
}

/// `callops daily`: the night before day D, in one transaction: lapse policies past their grace,
/// recycle, allocate to capacity (D's quotas), then write each agent's next-call queue and
/// cross-sell list as they stand when D's first calling window opens, the renewals due list, the
/// programme contacts due (`reports/programme-due-D.csv`) and
/// the team reports month to date. The cadence itself moves
/// with each call, so it needs no nightly step. Run twice for one date, the second run changes
/// nothing: recycling finds nothing newly idle and D's quotas are already filled.
public struct NightlyBatch {
    let settings: Settings
    let zone: TimeZone

    public init(settings: Settings, timeZone: TimeZone) {
        self.settings = settings
        self.zone = timeZone
    }

    /// Runs the batch for `day` (local midnight), writing files under `folder`.
    /// - Parameters:
    ///   - dialer: also write the day's queues as this dialer's list under `dialer/` (numbers whole, audited).
    ///   - runClock: the run's own clock (`--now`), for the audit log's time of an export; the
    ///     batch itself acts as of D.
    public func run(_ db: AppDatabase, day: Date, folder: URL, revealPhones: Bool, dialer: Dialer? = nil,
                    runClock: Clock? = nil, progress: ProgressBar? = nil) throws -> NightlySummary {
        let dayClock = Clock(now: day, timeZone: zone)
        let windows = try CallingWindows(settings.cadence.windows)
        // The batch acts as of `daily_batch_at` on D (06:00, before anyone calls); the queues as
        // of D's first window.
        guard let batchMinutes = settings.general.dailyBatchMinutes else {
            throw CallOpsError.invalidValue(field: "general.daily_batch_at", value: settings.general.dailyBatchAt, expected: "a local time of day such as 06:00")
        }
        let early = Clock(now: day.addingTimeInterval(Double(batchMinutes) * 60), timeZone: zone)
        let opening = Clock(now: windows.firstOpen(onDayOf: day, clock: dayClock), timeZone: zone)
        // A folder named as a database's -journal or -wal file makes that database unopenable.
        try OutputFile.checkSideName(folder.path, option: "--out", database: db.path)
        let queues = folder.appendingPathComponent("queues")
        let reports = folder.appendingPathComponent("reports")
        let folders = [queues, reports] + (dialer == nil ? [] : [folder.appendingPathComponent("dialer")])
        // The folders this run makes, taken away again (when still empty) if it fails: a failed run
        // leaves nothing behind but the database (SPEC section 12).
        let made = ([folder] + folders).filter { !FileManager.default.fileExists(atPath: $0.path) }
        var committed = false
        defer { if !committed { for dir in made.reversed() { rmdir(dir.path) } } }
        // The final folders are made only when the files are placed: a run killed before then
        // (no defer runs) leaves at most its staging folder, which the next run sweeps.
        func makeFolders() throws {
            for dir in folders {
                do {
                    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                } catch {
                    throw CallOpsError.badFile(file: dir.path, message: "cannot be created (\(Quoted.describe(error)))")
                }
            }
        }
        // The files are written to a staging folder and moved into place before the database
        // commits; if either fails, both stay as they were.
        let staged = try StagedFiles(folder: folder, database: db.path)
        // The files staged so far, in order. Each is staged as soon as it is made, not held
        // until the end: every agent's queues held at once made the batch's peak grow with the
        // seats (136 MB at 1,000 seats, 398 MB at 5,000, measured 2026-11-29).
        var files: [String] = []
        func stage(_ name: String, _ text: String) throws {
            // Whole numbers (revealed queues, the dialer's list) are for the owner's eyes only.
            let isPrivate = name.hasPrefix("dialer/") || (revealPhones && name.hasPrefix("queues/") && !name.hasSuffix("-cross-sell.csv"))
            // The folder's CSV files are for people: a BOM, so Excel and WPS on Chinese Windows read them as UTF-8.
            try staged.stage(name, name.hasSuffix(".csv") ? OutputFile.utf8BOM + text : text, isPrivate: isPrivate)
            files.append(name)
        }
        defer {
            if !committed { staged.restore() }
            staged.finish()
        }
        let summary = try db.transaction { db -> NightlySummary in
            progress?.update(5)
            let renewals = Renewals(settings: settings, clock: early)
            let lapsed = try renewals.applyLapses(db)
            let recycled = try Recycler(settings: settings, clock: early).recycle(db)
            // D's tiers, kept in the tier history: the ones allocation and the reports use today.
            try Roster.recordTiers(db, on: early.civilToday, rules: settings.roster, sales: Sales.tierSales)
            var options = AllocationOptions()
            // The same date gives the same seed, so a rerun decides the same way.
            options.seed = Allocator(settings: settings, clock: early, sales: Sales.tierSales).seed(AllocationOptions())
            options.trainedProbationers = try Training.passedPreJob(db)
            let allocation = try Allocator(settings: settings, clock: early, sales: Sales.tierSales).allocate(db, options: options)
            progress?.update(30)
            let agents = try Roster.agents(db).filter { $0.status != .left }
            var queueRows = 0, crossRows = 0
            var dialerRows: [[String]] = []
            for (n, agent) in agents.enumerated() {
                let entries = try NextCallQueue(settings: settings, clock: opening).entries(db, agent: agent.code)
                var csv = CSVWriter.row(["rank", "lead_id", "name", "phone", "grade", "reason", "follow_up", "due_at", "purpose"])
                for (i, e) in entries.enumerated() {
                    csv += CSVWriter.row([String(i + 1), String(e.leadID), e.name ?? "", revealPhones ? e.phone : PhoneNumber.mask(e.phone), e.grade,
                                          e.reason.rawValue, e.followUp.map(String.init) ?? "", e.dueAt, e.purpose])
                }
                try stage("queues/\(agent.code).csv", csv)
                queueRows += entries.count
                if dialer == .vicidial { dialerRows += VicidialList.rows(entries, owner: agent.dialerUser, rules: settings.dialer.vicidial) }
                let offers = try Households(settings: settings, clock: opening).queue(db, agent: agent.code)
                var cross = CSVWriter.row(["lead_id", "customer", "rank", "member", "member_age", "line", "product", "reason"])
                for o in offers {
                    cross += CSVWriter.row([String(o.leadID), o.customer ?? "", String(o.rank), o.member, o.memberAge.map(String.init) ?? "",
                                            o.line, o.product, o.reason])
                }
                try stage("queues/\(agent.code)-cross-sell.csv", cross)
                crossRows += offers.count
                progress?.update(30 + 60 * (n + 1) / max(1, agents.count))
            }
            if revealPhones && queueRows > 0 {
                try AuditLog.record(db, command: "daily --reveal-phones", numbers: queueRows, clock: runClock ?? early)
            }
            if dialer == .vicidial {
                try stage("dialer/vicidial_list.txt", VicidialList.text(dialerRows))
                if !dialerRows.isEmpty { try AuditLog.record(db, command: "daily --dialer vicidial", numbers: dialerRows.count, clock: runClock ?? early) }
            }
            let due = try renewals.due(db, within: settings.renewals.dueWithinDays)
            var dueCSV = CSVWriter.row(["policy_id", "agent", "team", "customer", "product", "mode", "installment", "amount", "due_on", "grace_until", "days_overdue"])
            for d in due {
                dueCSV += CSVWriter.row([String(d.policyID), d.agentCode, d.team, d.customer ?? "", d.product, d.mode, String(d.installment),
                                         d.amount.description, d.dueOn, d.graceUntil, String(d.daysOverdue)])
            }
            let late = try renewals.lateDeliveries(db)
            var lateCSV = CSVWriter.row(["policy_id", "agent", "customer", "product", "sold_on", "days_since_sale"])
            for l in late {
                lateCSV += CSVWriter.row([String(l.policyID), l.agentCode, l.customer ?? "", l.product, l.soldOn, String(l.daysSinceSale)])
            }
            // Seed 003's programmes: the customers with a step due by D + queue_days, by servicing agent.
            let programme = try Programmes(settings: settings, clock: opening).rows(db, dueWithin: settings.programmes.queueDays)
                .sorted { ($0.agentCode, $0.customer) < ($1.agentCode, $1.customer) }
            var programmeCSV = CSVWriter.row(["agent", "customer", "name", "programme", "window_start", "window_end", "days_left", "care",
                                              "touches", "attempts", "referrals", "due", "overdue", "next_deadline"])
            for p in programme {
                func step(_ s: ProgrammeStep) -> String { "\(s.done)/\(s.required)" }
                programmeCSV += CSVWriter.row([p.agentCode, String(p.customer), p.name ?? "", p.programme.rawValue, p.windowStart, p.windowEnd,
                                               String(p.daysLeft), step(p.steps.care), step(p.steps.touches), step(p.steps.attempts),
                                               step(p.steps.referrals), p.due.map(\.rawValue).joined(separator: " "),
                                               p.overdue.map(\.rawValue).joined(separator: " "), p.nextDeadline ?? ""])
            }
            // The team reports: the month to the end of D.
            let builder = SeatReportBuilder(settings: settings, clock: dayClock)
            let monthStart = dayClock.calendar.date(from: dayClock.calendar.dateComponents([.year, .month], from: day))!
            let end = dayClock.adding(days: 1, to: day)
            // Beside the same span of the month before, as `seats report` shows the month so far.
            let previous = builder.comparison(.previous, month: nil, from: nil, to: nil, period: (monthStart, end))
            // One read of the month for the center and every team's own report.
            let (report, teamReports) = try builder.teamReports(db, from: monthStart, to: end, previous: previous)
            let stamp = dayClock.day(day)
            try stage("reports/seats-\(stamp).csv", report.table(by: .agent).csv())
            try stage("reports/teams-\(stamp).csv", report.table(by: .team).csv())
            try stage("reports/seats-\(stamp).html", report.html())
            // Each team lead's own page, agents table and workbook for the morning meeting (早会).
            var workbooks: [(String, SeatReport)] = []
            for (team, own) in teamReports {
                let name = "reports/team-\(Self.fileSafe(team))-\(stamp)"
                try stage("\(name).csv", own.table(by: .agent).csv())
                try stage("\(name).html", own.html(title: "\(team) · 坐席产能报表 · Seat report"))
                workbooks.append(("\(name).xlsx", own))
            }
            try stage("reports/renewals-due-\(stamp).csv", dueCSV)
            try stage("reports/undelivered-\(stamp).csv", lateCSV)
            try stage("reports/programme-due-\(stamp).csv", programmeCSV)
            for (name, own) in workbooks {
                // Created "on" D: the same data gives the same bytes on a rerun.
                try staged.stage(name) { path in try ReportWorkbook.write(own.workbookTables(), charts: own.workbookCharts, to: path, created: day) }
            }
            FaultPoint.reach("daily.staged")
            try makeFolders()
            try staged.moveIntoPlace()
            return NightlySummary(date: stamp, recycled: recycled, allocated: allocation.allocated, unallocated: allocation.unallocated,
                                  agents: agents.count, queueRows: queueRows, crossSellRows: crossRows, lapsed: lapsed, renewalsDue: due.count,
                                  lateDeliveries: late.count, files: files + workbooks.map(\.0), programmeDue: programme.count)
        }
        committed = true
        progress?.finish()
        return summary
    }

    /// A team's name as part of a file name: path separators and a leading dot replaced.
    static func fileSafe(_ team: String) -> String {
        let cleaned = String(team.map { "/\\:*?\"<>|".contains($0) || $0.isNewline ? "_" : $0 })
        return cleaned.hasPrefix(".") ? "_" + cleaned.dropFirst() : cleaned
    }
}
