import ArgumentParser
import CallOpsCore
import CallOpsStore
import FollowUp
import Roster

/// `callops renewals` (SPEC section 9, 运营续期岗): delivery, renewal premiums, lapses, persistency.
struct RenewalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renewals", abstract: "Operations: policy delivery, renewal premiums, lapses and 13-month persistency.",
        subcommands: [Deliver.self, Undelivered.self, Due.self, Collect.self, Report.self])

    struct Deliver: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that a policy reached the customer (保单递送).")

        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "The policy id.") var policy: Int64
        @Option(parsing: .unconditional, help: "The day it was delivered, YYYY-MM-DD (default: today).") var date: String?

        func run() throws {
            let context = try global.context()
            let day = try date.map { try parseDay($0, option: "--date") }
            try context.db.transaction { db in try Renewals(settings: context.settings, clock: context.clock).deliver(db, policy: policy, on: day) }
            try emit("policy \(policy) delivered on \(day?.description ?? context.clock.today)\n")
        }
    }

    struct Undelivered: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Policies not delivered within the delivery days (7) of their sale, oldest first.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let context = try global.readingContext()
            let late = try context.db.read { db in try Renewals(settings: context.settings, clock: context.clock).lateDeliveries(db) }
            try emit(try Render.output(late, table: lateTable(late), format: output.format), data: output.format != .table)
        }
    }

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Renewal premiums due within DAYS (default 30), those in their grace period first; lapses what is past grace.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(parsing: .unconditional, help: "Days ahead (default: renewals.due_within_days).") var within: Int?
        @Option(help: "Only this agent's policies.") var agent: String?

        func validate() throws {
            if let within { try InputRange.whole(within, field: "--within", in: 0...InputRange.maximumDays, what: "a number of days") }
        }

        func run() throws {
            let context = try global.readingContext()
            let renewals = Renewals(settings: context.settings, clock: context.clock)
            let (lapsed, due) = try context.db.read { db in
                let agentID = try agent.map { try Roster.agent(db, code: $0).id }
                return (try renewals.lapsedUnwritten(db), try renewals.due(db, within: within ?? context.settings.renewals.dueWithinDays, agent: agentID))
            }
            if lapsed > 0 && output.format == .table {
                try emit("\(lapsed) policies lapsed (a premium unpaid past its \(context.settings.renewals.graceDays)-day grace; the nightly run records it)\n")
            }
            try emit(try Render.output(due, table: dueTable(due), format: output.format), data: output.format != .table)
        }
    }

    struct Collect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a policy's next renewal premium as paid.")

        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "The policy id.") var policy: Int64
        @Option(parsing: .unconditional, help: "The amount paid, yuan: the premium due.") var amount: String
        @Option(parsing: .unconditional, help: "The day it was paid, YYYY-MM-DD (default: today).") var date: String?

        func run() throws {
            let context = try global.context()
            guard DecimalText.fractionDigits(amount) <= 2, let money = Money(parsingYuan: amount), money.fen > 0 else {
                throw CallOpsError.invalidValue(field: "--amount", value: amount, expected: "an amount in yuan above 0 and up to 100,000,000 with at most 2 decimals (fen), such as 150 or 150.50")
            }
            let day = try date.map { try parseDay($0, option: "--date") }
            let done = try context.db.transaction { db in
                try Renewals(settings: context.settings, clock: context.clock).collect(db, policy: policy, amount: money, on: day)
            }
            try emit("policy \(policy): premium \(done.installment) (\(done.amount) yuan, due \(done.dueOn)) paid on \(done.paidOn); next due \(done.nextDueOn)\n")
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Collection rate, lapses and 13-month persistency per agent and team for a month; late deliveries.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: ReportOutputOption
        @Option(parsing: .unconditional, help: "YYYY-MM (default: this month, to date).") var month: String?

        func run() throws {
            let context = try global.readingContext()
            let day = try month.map { try parseMonth($0).firstDay }
            let report = try context.db.read { db in try Renewals(settings: context.settings, clock: context.clock).report(db, month: day) }
            let lines = report.agents + report.teams.map { line in var l = line; l.agentCode = "team"; return l } + [report.center]
            let table = Table(
                ["agent", "team", ">due", ">due ¥", ">paid", ">paid ¥", ">collected", ">lapses", ">lapsed ¥", ">cohort ¥", ">persistency"],
                rows: lines.map { l in
                    [l.agentCode ?? "center", l.team ?? "", String(l.due), l.dueAmount.description, String(l.collected), l.collectedAmount.description,
                     Render.percent(l.collectionRate), String(l.lapses), l.lapsedPremium.description, l.cohortIssued.description, Render.percent(l.persistency)]
                })
            try output.present(global: global, report) {
                var text = "renewals \(report.from) to \(report.to); persistency: policies sold in \(report.cohortMonth), still in force "
                    + "\(context.settings.renewals.persistencyMonths) months on\n\n" + table.rendered()
                if !report.lateDeliveries.isEmpty {
                    text += "\nnot delivered within \(context.settings.renewals.deliveryDays) days of the sale:\n\n" + lateTable(report.lateDeliveries).rendered()
                }
                return text
            }
        }
    }
}

private func dueTable(_ due: [DuePremium]) -> CallOpsCore.Table {
    Table(["policy", "agent", "team", "customer", "product", "mode", ">#", ">amount ¥", "due", "grace until", ">days over"], rows: due.map {
        [String($0.policyID), $0.agentCode, $0.team, $0.customer ?? "", $0.product, $0.mode, String($0.installment), $0.amount.description,
         $0.dueOn, $0.graceUntil, $0.daysOverdue > 0 ? String($0.daysOverdue) : ""]
    })
}

private func lateTable(_ late: [LateDelivery]) -> CallOpsCore.Table {
    Table(["policy", "agent", "customer", "product", "sold", ">days"], rows: late.map {
        [String($0.policyID), $0.agentCode, $0.customer ?? "", $0.product, $0.soldOn, String($0.daysSinceSale)]
    })
}

/// A `YYYY-MM-DD` option, or a message naming it.
func parseDay(_ text: String, option: String, shown: String? = nil, expected: String = "a day, YYYY-MM-DD") throws -> CivilDay {
    guard text.count == 10, let day = CivilDay(text) else {
        throw CallOpsError.invalidValue(field: option, value: shown ?? text, expected: expected)
    }
    return try InputRange.day(day, field: option, written: shown ?? text)
}
