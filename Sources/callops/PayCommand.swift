import ArgumentParser
import BackOffice
import CallOpsCore
import CallOpsStore

/// `callops pay` (SPEC section 9, 人管岗): the monthly pay run, slips, the quarter's review.
struct PayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pay", abstract: "Pay: the monthly run by the pay plan (基本法), slips, promotion and demotion warnings.",
        subcommands: [Run.self, Slip.self, Review.self])

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute each agent's base, commission, bonuses and clawbacks for a month and store them (a draft is replaced).",
            discussion: "--finalize locks the month once it is over; later changes to it are paid as adjustments in the next month's run.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: ReportOutputOption
        @Option(parsing: .unconditional, help: "YYYY-MM (default: this month).") var month: String?
        @Flag(help: "Lock the month.") var finalize = false

        func run() throws {
            let context = try global.checkedContext()
            // An --out that cannot be written is refused before the month is stored or locked.
            try output.check(global: global)
            let day = try month.map { try parseMonth($0).firstDay } ?? context.clock.civilToday
            // The file is written beside its place and renamed into place as the transaction's
            // last step: one that cannot be written rolls the run back (SPEC section 3), and a
            // commit that fails after it takes the file back, so a failed run leaves neither.
            var placed: ReportOutputOption.Staged?
            let (result, staged): (PayRunResult, ReportOutputOption.Staged)
            do {
                (result, staged) = try context.db.transaction { db in
                    let result = try PayRun(settings: context.settings, clock: context.clock).run(db, month: day, finalize: finalize)
                    let table = CallOpsCore.Table(
                        ["agent", "name", "team", "rank", ">base", ">commission", ">tier bonus", ">selling", ">clawback", ">campaign", ">override",
                         ">adjust", ">total", ">variable"],
                        rows: result.statements.map { s in
                            [s.agentCode, s.name, s.team, s.tier.rawValue] + PayStatement.kindColumns.map { s.sum($0).description }
                                + [s.total.description, Render.percent(s.variableShare)]
                        })
                    let staged = try output.stage(global: global, result) {
                        let rules = context.settings.pay
                        let total = result.statements.reduce(Money.zero) { $0 + $1.total }
                        var text = "pay \(result.month) (\(result.status)): \(result.statements.count) agents, \(total) yuan, ranks as of \(PayRun.rankDay(month: day)); "
                            + "variable share \(Render.percent(result.variableShare))"
                        if result.outsideBand {
                            text += String(format: " — outside the %.0f%%–%.0f%% that works best (seed 004)", rules.variableShareMin * 100, rules.variableShareMax * 100)
                        }
                        return text + "\n\n" + table.rendered()
                    }
                    try staged.place()
                    placed = staged
                    return (result, staged)
                }
            } catch {
                placed?.revert()
                throw error
            }
            staged.settle()
            try staged.show()
            // The band warnings go to stderr in every format (stdout stays data in json and csv).
            for warning in result.bandWarnings(rules: context.settings.pay) { note(warning) }
        }
    }

    struct Slip: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An agent's pay slip for a month, line by line.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: ReportOutputOption
        @Option(help: "The agent's code.") var agent: String
        @Option(parsing: .unconditional, help: "YYYY-MM.") var month: String

        func run() throws {
            let context = try global.readingContext()
            let day = try parseMonth(month).firstDay
            let paySlip = try context.db.read { db in try PayRun(settings: context.settings, clock: context.clock).slip(db, agent: agent, month: day) }
            let slip = paySlip.statement
            let table = CallOpsCore.Table(["line", ">yuan", "detail"], rows: slip.lines.map { [$0.kind.rawValue, $0.amount.description, $0.detail] }
                + [["total", slip.total.description, ""]])
            try output.present(global: global, paySlip) {
                "\(slip.agentCode) \(slip.name), \(slip.team): pay for \(month) (\(paySlip.status)), rank \(slip.tier.rawValue) as of \(PayRun.rankDay(month: day))\n\n"
                    + table.rendered()
            }
        }
    }

    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The quarter's review (晋升预警): FYC against each rank's thresholds → promote, keep, warn or demote.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(parsing: .unconditional, help: "YYYY-Qn, such as 2026-Q4.") var quarter: String
        @Flag(help: "Record the promotions and demotions as ranks from the month after the quarter (once its last pay month is finalised).")
        var apply = false

        func run() throws {
            let context = try global.context(access: apply ? .readWrite : .readOnly)
            let parts = quarter.split(separator: "-")
            guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), parts[1].count == 2, parts[1].first == "Q",
                  let q = Int(parts[1].dropFirst()), (1...4).contains(q), let first = CivilDay(year: year, month: 3 * q - 2, day: 1) else {
                throw CallOpsError.invalidValue(field: "--quarter", value: quarter, expected: "a quarter, YYYY-Qn, such as 2026-Q4")
            }
            let payRun = PayRun(settings: context.settings, clock: context.clock)
            let (rows, applied) = apply
                ? try context.db.transaction { db in (try payRun.review(db, quarter: first), try payRun.applyReview(db, quarter: first)) }
                : (try context.db.read { db in try payRun.review(db, quarter: first) }, [])
            for change in applied {
                note("\(change.agentCode): \(change.from.rawValue) → \(change.to.rawValue) from \(change.month)\(change.changed ? "" : " (already applied)")")
            }
            if apply && applied.isEmpty { note("no promotion or demotion to apply for \(quarter)") }
            let table = CallOpsCore.Table(["agent", "name", "team", "rank", ">quarter FYC", ">keep", ">next rank", "verdict"], rows: rows.map {
                [$0.agentCode, $0.name, $0.team, $0.tier.rawValue, $0.quarterFYC.description, $0.keep.description, $0.next?.description ?? "-", $0.verdict.rawValue]
            })
            try emit(try Render.output(rows, table: table, format: output.format), data: output.format != .table)
        }
    }
}
