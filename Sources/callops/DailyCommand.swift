import ArgumentParser
import CallOpsCore
import Foundation
import FollowUp
import LeadData
import Nightly

/// `callops daily`: the nightly batch (SPEC section 10), safe to run from cron and to rerun.
struct DailyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daily",
        abstract: "The nightly run: lapse, recycle, allocate, write every agent's queue and cross-sell list, the renewals due and the team reports.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: FormatOption
    @Option(parsing: .unconditional, help: "The day to prepare, YYYY-MM-DD. Default: today.") var date: String?
    @Option(help: "Where to write queues/ and reports/.") var out: String = "daily"
    @Flag(name: .customLong("reveal-phones"), help: "Write whole numbers in the queue files (recorded in the audit log).") var revealPhones = false
    @Option(help: "Also write the day's queues as this dialer's list: vicidial (dialer/vicidial_list.txt, numbers whole, audited).")
    var dialer: Dialer?

    func run() throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), !isFolder.boolValue {
            throw CallOpsError.invalidValue(field: "--out", value: out, expected: "a folder (it is a file); daily writes queues/ and reports/ into it")
        }
        // A damaged database is refused before the night's work writes to it.
        let context = try global.checkedContext()
        var day = context.clock.startOfDay(context.clock.now)
        if let date {
            guard let parsed = context.clock.parseDay(date) else {
                throw CallOpsError.invalidValue(field: "--date", value: date, expected: "a day such as 2026-11-24")
            }
            try InputRange.time(date, field: "--date")
            day = parsed
        }
        let summary = try NightlyBatch(settings: context.settings, timeZone: context.clock.timeZone).run(
            context.db, day: day, folder: URL(fileURLWithPath: out), revealPhones: revealPhones, dialer: dialer, runClock: context.clock,
            progress: ProgressBar("daily", total: 100))
        var table = Table(["step", ">count"])
        table.append(["idle leads reclaimed", String(summary.recycled.idle)])
        table.append(["exhausted leads recycled", String(summary.recycled.exhausted)])
        table.append(["leads retired", String(summary.recycled.retired)])
        table.append(["callbacks moved to a teammate", String(summary.recycled.callbacksMoved)])
        table.append(["leads allocated", String(summary.allocated)])
        table.append(["leads left in the pool", String(summary.unallocated)])
        table.append(["agents with queue files", String(summary.agents)])
        table.append(["queue rows", String(summary.queueRows)])
        table.append(["cross-sell rows", String(summary.crossSellRows)])
        table.append(["policies lapsed", String(summary.lapsed)])
        table.append(["renewal premiums due", String(summary.renewalsDue)])
        table.append(["policies not delivered in time", String(summary.lateDeliveries)])
        table.append(["customers with programme contacts due", String(summary.programmeDue)])
        table.footer = ["\(summary.date): \(summary.files.count) files under \(out)/"]
        try emit(try Render.output(summary, table: table, format: output.format), data: output.format != .table)
        if let stale = try context.db.read({ db in try LeadScoring(settings: context.settings, clock: context.clock).staleModelWarning(db) }) {
            note(stale)
        }
    }
}

extension Dialer: ExpressibleByArgument {}
