import ArgumentParser
import BackOffice
import CallOpsCore
import CallOpsStore
import Foundation
import SeatProductivity

/// `callops seats report` (SPEC section 8).
struct SeatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seats", abstract: "Seat productivity: each seat's and team's output for team leads.",
        subcommands: [Report.self])

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case table, json, csv, html, xlsx }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dials, contacts, talk time, leads, sales, premium, 件均保费, conversion, attainment and flags per agent; 举绩率, 人均件数, 人均产能 per team.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this team.") var team: String?
        @Option(parsing: .unconditional, help: "First day (with --to).") var from: String?
        @Option(parsing: .unconditional, help: "Last day, inclusive (with --from).") var to: String?
        @Option(parsing: .unconditional, help: "A whole month, YYYY-MM. Default: this month up to now.") var month: String?
        @Option(help: "agent, team, day, tier or class (warm, referral, cold).") var by: SeatReport.Grouping = .agent
        @Option(help: "previous (the month before a --month, the same number of days before --from/--to, the same span of last month for this month so far), last-year or none.") var compare: SeatCompare = .previous
        @Option(help: "table, json, csv, html or xlsx (xlsx with --out).") var format: ReportFormat = .table
        @Option(help: "Write to this file instead of stdout (a CSV file starts with a UTF-8 BOM for Excel).") var out: String?

        func validate() throws {
            if month != nil && (from != nil || to != nil) { throw ValidationError("give --month or --from/--to, not both") }
            if format == .xlsx && out == nil { throw ValidationError("--format xlsx writes a workbook: give --out FILE.xlsx") }
        }

        func run() throws {
            // Refused before any work: the page never lands on the database or a SQLite file.
            if let out { try OutputFile.check(out, option: "--out", database: global.databasePath, inputs: global.configPath.map { [$0] } ?? []) }
            let context = try global.readingContext()
            let builder = SeatReportBuilder(settings: context.settings, clock: context.clock)
            let period = try builder.period(month: month, from: from, to: to)
            // Per-day figures cost a second pass over the calls: only the day view and the page show them.
            let withDays = by == .day || format == .html || format == .xlsx
            // Per-class figures cost a pass over the period's calls per lead: the class view and the page.
            let withClasses = by == .leadClass || format == .html || format == .xlsx
            let previous = builder.comparison(compare, month: month, from: from, to: to, period: period)
            let report = try context.db.read { db in
                try builder.build(db, from: period.from, to: period.to, team: team, withDays: withDays, previous: previous, withClasses: withClasses)
            }
            let text: String
            switch format {
            case .table: text = report.table(by: by).rendered()
            case .csv: text = try report.csv(by: by)
            case .json: text = try Render.json(report)
            case .html: text = report.html()
            case .xlsx:
                try ReportOutputOption.writeWorkbook(report.workbookTables(), charts: report.workbookCharts, to: out!, global: global)
                return
            }
            try ReportOutputOption.deliver(text, to: out, csv: format == .csv, data: format != .table, global: global)
        }
    }
}

extension SeatReport.Grouping: ExpressibleByArgument {}
extension SeatCompare: ExpressibleByArgument {}

/// `callops plan` (SPEC section 9, planning and supervision).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Planning: activity targets (seed 001's 3:3:1 rule), incentive campaigns, sizing of seats and leads.",
        subcommands: [Targets.self, Campaign.self, PlanSizing.self])

    struct Targets: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Monthly FYC, premium, sales, proposals and effective calls (weekly, daily) for an annual income; stored per agent and month with --agent.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(name: .customLong("annual-income"), parsing: .unconditional, help: "The annual income goal, yuan.", transform: moneyOption) var annualIncome: Double
        @Option(help: "Store the targets for this agent...") var agent: String?
        @Option(parsing: .unconditional, help: "...and this month, YYYY-MM (default: this month).") var month: String?

        func validate() throws {
            _ = try InputRange.yuan(annualIncome, field: "--annual-income", positive: true)
            if month != nil && agent == nil { throw ValidationError("--month needs --agent: targets are stored per agent and month") }
        }

        func run() throws {
            let context = try global.context(access: agent == nil ? .readOnly : .readWrite)
            let targets = ActivityTargets.from(annualIncome: Money(yuan: annualIncome), rules: context.settings.planning)
            if let agent {
                let month = try month.map { try parseMonth($0).description } ?? context.clock.civilToday.civilMonth.description
                try context.db.transaction { db in try Planning.store(db, agent: agent, month: month, targets: targets) }
                note("stored for \(agent), \(month)")
            }
            let table = Table(["target", ">month", ">week", ">day"], rows: [
                ["first-year commission (FYC)", targets.monthlyFYC.description, "", ""],
                ["premium", targets.monthlyPremium.description, "", ""],
                ["sales", String(targets.monthlySales), "", ""],
                ["proposals", String(targets.monthlyProposals), "", ""],
                ["effective calls", String(targets.monthlyEffectiveCalls), String(targets.weeklyEffectiveCalls), String(targets.dailyEffectiveCalls)],
            ])
            try emit(try Render.output(targets, table: table, format: output.format), data: output.format != .table)
        }
    }
}
