import ArgumentParser
import CallOpsCore
import CallOpsStore
import Demo
import Foundation
import Roster

/// `callops demo`: a believable center in a new database, then its roster.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Build a believable demo center in a new database and show it.")

    @Option(help: "The database to create. Default: callops-demo.sqlite (replaced if an earlier demo made it).")
    var db: String = "callops-demo.sqlite"
    @Option(name: .long, help: "The config file. Default: Config/callops.toml when present, else built-in defaults.")
    var config: String?
    @Option(name: .long, parsing: .unconditional, help: "Fix the clock, local time; the demo's days end today by this clock.")
    var now: String?
    @Option(parsing: .unconditional, help: "The random seed; the same seed builds the same center.", transform: seedOption) var seed: UInt64 = 7
    @Option(parsing: .unconditional, help: "How many agents.") var agents: Int = 40
    @Option(parsing: .unconditional, help: "How many leads the vendors send over the period.") var leads: Int = 8_000
    @Option(parsing: .unconditional, help: "How many days of work to simulate, ending today.") var days: Int = 30
    @Option(name: .customLong("rank-by"), help: "grade or score: how the floor orders fresh leads once it has a model. Default: the config's (grade).")
    var rankBy: String?

    func validate() throws {
        if agents < 1 || agents > 2_000 { throw ValidationError("--agents must be between 1 and 2000") }
        if leads < 0 || leads > 2_000_000 { throw ValidationError("--leads must be between 0 and 2000000") }
        if days < 1 || days > 366 { throw ValidationError("--days must be between 1 and 366") }
        if let rankBy, !["grade", "score"].contains(rankBy) { throw ValidationError("--rank-by is grade or score") }
    }

    func run() throws {
        let global = try GlobalOptions.parse(["--db", db] + (config.map { ["--config", $0] } ?? []) + (now.map { ["--now", $0] } ?? []))
        let settings = try global.settings()
        let clock = try global.clock(settings)
        try refuseToReplaceOtherData(at: db)
        // Built aside and moved into place at the end: a failed demo leaves nothing behind.
        let building = db + ".building"
        removeDatabase(at: building)
        var options = DemoCenter.Options(seed: seed, agents: agents, leads: leads, days: days)
        options.rankBy = rankBy
        let progress = ProgressBar("demo", total: 100)
        let summary: DemoCenter.Summary
        do {
            let database = try AppDatabase.open(path: building, schema: CallOpsSchema.all)
            summary = try DemoCenter.build(database, options: options, settings: settings, clock: clock) { _, fraction in
                progress.update(Int(fraction * 100))
            }
            try database.writer.close()
            removeDatabase(at: db)
            try FileManager.default.moveItem(atPath: building, toPath: db)
        } catch {
            removeDatabase(at: building)
            throw error
        }
        progress.finish()
        let tiers = Tier.allCases.map { "\($0.rawValue) \(summary.agentsByTier[$0, default: 0])" }.joined(separator: ", ")
        try emit("""
            Demo center built in \(db) (seed \(seed), \(summary.firstDay) to \(clock.nowTimestamp)):
              \(summary.teams) teams, \(summary.seats) seats, \(summary.agents) agents (working: \(tiers))
              \(summary.batches) lead batches from 3 vendors, \(summary.leads) leads accepted
              \(summary.calls) calls, \(summary.sales) sales, \(summary.cancellations) free-look cancellations, \(summary.crossSales) cross-sales
              \(summary.candidates) candidates sourced, \(summary.signed) signed (on probation, in pre-job training)
              pay runs: \(summary.payRuns.joined(separator: ", ")); campaign \(summary.campaign): \(summary.campaignLines) campaign lines, \(summary.campaignPaid) yuan paid;
                \(summary.teamLeads) team leads: \(summary.overrideLines) override lines, \(summary.overridePaid) yuan paid
              customers: \(summary.departure.map { "\($0), \(summary.customersHandedOver) customers handed over; " } ?? "")\(summary.referrals) referrals, \(summary.touches) programme touches, \(summary.customersIn121) customers in their 121 window
              \(scoringLine(summary.scoring))

            Team seat report, this month to date:

            """)
        var arguments = ["--db", db, "--now", clock.nowTimestamp]
        if let config { arguments += ["--config", config] }
        try SeatsCommand.Report.parse(arguments + ["--by", "team"]).run()
        try emit("\n")
        try SeatsCommand.Report.parse(arguments).run()
        let someone = try AppDatabase.open(path: db, schema: CallOpsSchema.all, access: .readOnly).read { db in
            try Roster.agents(db).first { $0.status == .active }?.code
        } ?? "A001"
        try emit("""

            Where to look next (add --db \(db)):
              callops leads stats                      each vendor's batches: cost per sale, data usage
              callops leads stats --by attempt         contact and sale rate of the 1st, 2nd, ... call
              callops leads stats --by score-decile    how the leads of each decile of learned score went
              callops queue next --agent \(someone)      an agent's next calls, and why
              callops queue cross-sell --agent \(someone) customers to offer family cover
              callops customers programme --agent \(someone) customers' 121 / 121N: steps done, due, overdue
              callops seats report --format html --out seats.html
              callops renewals due                     renewal premiums of the next 30 days
              callops renewals undelivered             policies not delivered within a week
              callops recruit report                   the recruiting funnel per channel
              callops training report                  courses, and who is in pre-job training
              callops pay run                          this month's pay so far; pay slip --agent \(someone) --month M

            """)
    }

    /// The lead-scoring model the center trained, and how the leads it called first converted.
    private func scoringLine(_ scoring: DemoScoring) -> String {
        guard let card = scoring.card, let day = scoring.trainedOn else {
            return "lead scoring: fewer sales than leads.scoring.min_sales, no model trained"
        }
        let auc = card.auc.map { String(format: "%.3f", $0) } ?? "-", grades = card.gradeAUC.map { String(format: "%.3f", $0) } ?? "-"
        let conversion = scoring.firstCalledConversion.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
        return "lead scoring: model trained \(day) on \(card.leads) closed leads (\(card.sales) sales), hold-out AUC \(auc) against the grades' \(grades);\n"
            + "    rank_by = \(scoring.rankBy): of each later batch, the half called first converted \(conversion) (\(scoring.firstCalledSales) of \(scoring.firstCalled))"
    }

    /// The demo writes a new file; it replaces only a file an earlier demo made, and opens any
    /// other file only to read it (a file it did not make is never opened for writing).
    private func refuseToReplaceOtherData(at path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let earlier = try AppDatabase.open(path: path, schema: CallOpsSchema.all, access: .readOnly)
        let seed = try earlier.read { db in try AppDatabase.meta(db, "demo_seed") }
        try earlier.writer.close()
        guard seed != nil else {
            throw CallOpsError.refused("\(path) exists and was not made by the demo; choose another --db for the demo")
        }
    }

    private func removeDatabase(at path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
