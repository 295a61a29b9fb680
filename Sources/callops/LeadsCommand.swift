import ArgumentParser
import BackOffice
import CallOpsCore
import CallOpsStore
import Foundation
import FollowUp
import LeadData

/// `callops leads`: the data officer's commands (SPEC section 5).
struct LeadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leads",
        abstract: "Lead data: import and clean batches, allocate to seats, recycle, do-not-call, statistics, explain a lead.",
        subcommands: [Import.self, Allocate.self, Recycle.self, DNC.self, Stats.self, Why.self, Score.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a lead file (CSV with a phone column, or a VICIdial list): validate, dedupe, grade, insert.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The lead file.") var file: String
        @Option(help: "Where the leads came from (vendor, partner, referral).") var source: String
        @Option(name: .customLong("cost-per-lead"), parsing: .unconditional, help: "What one lead cost, in yuan.", transform: moneyOption) var costPerLead: Double = 0
        @Option(help: "auto (UTF-8, else GB18030), utf8 or gb18030.") var encoding: ImportOptions.Encoding = .auto
        @Option(help: "auto (a header row) or vicidial (VICIdial's 25 fields, no header).") var layout: ImportOptions.Layout = .auto
        @Option(help: "Write rejected rows here (CSV: line, reason, detail, row).") var rejects: String?
        @Option(help: "The sheet of an xlsx workbook (default its first).") var sheet: String?
        @Option(name: .customLong("class"), help: "The class of rows without a class column value: warm (缘故), referral (转介绍) or cold (陌生, the default).")
        var leadClass: String?
        @Flag(name: .customLong("dry-run"), help: "Show the counts and rejects; write nothing.") var dryRun = false
        @Flag(help: "Import a file that was imported before.") var force = false

        func validate() throws {
            _ = try InputRange.yuan(costPerLead, field: "--cost-per-lead")
            if source.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--source names where the leads came from, e.g. --source 平安合作") }
        }

        func run() throws {
            let context = dryRun ? try global.dryRunContext(rejects: rejects) : try global.checkedContext()
            var options = ImportOptions(source: source)
            options.costPerLead = Money(yuan: costPerLead)
            options.encoding = encoding
            options.layout = layout
            options.rejectsPath = rejects
            options.sheet = sheet
            if let rejects {
                try OutputFile.check(rejects, option: "--rejects", database: global.databasePath, inputs: [file] + (global.configPath.map { [$0] } ?? []))
            }
            if let leadClass {
                guard let given = LeadClass(text: leadClass) else {
                    throw CallOpsError.invalidValue(field: "--class", value: leadClass, expected: "warm (缘故), referral (转介绍) or cold (陌生)")
                }
                options.leadClass = given
            }
            options.dryRun = dryRun
            options.force = force
            let importer = try LeadImporter(settings: context.settings, clock: context.clock)
            let summary = try importer.run(path: file, options: options, db: context.db, progress: ProgressBar("import", total: 100))
            for warning in summary.warnings { note(warning.text(file: summary.fileName)) }
            if summary.unreadableTotal > summary.warnings.count {
                note("\(summary.fileName): \(summary.unreadableTotal - summary.warnings.count) more rows kept without an unreadable income, age or number of children (not listed)")
            }
            var table = Table(["outcome", ">rows"])
            table.append(["accepted", String(summary.accepted)])
            for reason in RejectReason.allCases { table.append([reason.rawValue, String(summary.rejected[reason, default: 0])]) }
            table.append(["total", String(summary.rows)])
            let grades = LeadGrade.allCases.map { "\($0.rawValue) \(summary.grades[$0, default: 0])" }.joined(separator: ", ")
            table.footer = [
                (summary.dryRun ? "dry run: nothing was written. " : "batch \(summary.batchID.map(String.init) ?? "-"): ")
                    + "\(summary.fileName) from \(summary.source) (\(summary.encoding), \(summary.layout)); grades \(grades)"
            ]
            table.footer.append("accepted rows kept without their income (not an amount): \(summary.unreadableIncome)")
            if summary.unreadableAge + summary.unreadableChildren > 0 {
                table.footer.append("accepted rows kept without their age: \(summary.unreadableAge), without their number of children: \(summary.unreadableChildren)")
            }
            if let rejects, summary.rejectedTotal > 0 { table.footer.append("rejected rows written to \(rejects)") }
            try emit(try Render.output(summary, table: table, format: output.format), data: output.format != .table)
        }
    }

    struct Allocate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Distribute pool leads to eligible agents within capacity (A before B before C, newest batch first).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(parsing: .unconditional, help: "Only leads of this batch.") var batch: Int64?
        @Option(help: "Only agents of this team.") var team: String?
        @Option(help: "weighted (tier and smoothed conversion) or even. Default: the config's.") var strategy: AllocationOptions.Strategy?
        @Option(parsing: .unconditional, help: "Random seed for ties. Default: drawn from the day, so ties rotate daily.", transform: seedOption) var seed: UInt64?
        @Flag(name: .customLong("dry-run"), help: "Show the shares; write nothing.") var dryRun = false

        func run() throws {
            let context = dryRun ? try global.dryRunContext(rejects: nil) : try global.checkedContext()
            var options = AllocationOptions()
            options.batch = batch
            options.team = team
            options.strategy = strategy
            options.seed = seed
            options.dryRun = dryRun
            options.trainedProbationers = try context.db.read(Training.passedPreJob)
            let result = try Allocator(settings: context.settings, clock: context.clock, sales: Sales.tierSales).run(context.db, options: options,
                                                                                              progress: ProgressBar("allocate", total: 100))
            var table = Table(["agent", "team", "tier", ">room", ">allocated", ">A", ">B", ">C"])
            for line in result.agents {
                table.append([line.agentCode, line.team, line.tier.rawValue, String(line.capacity), String(line.allocated),
                              String(line.grades["A"] ?? 0), String(line.grades["B"] ?? 0), String(line.grades["C"] ?? 0)])
            }
            let reasons = result.unallocatedReasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            table.footer = [
                "\(result.dryRun ? "dry run, nothing written: would allocate" : "allocated") \(result.allocated); left in the pool \(result.unallocated)"
                    + (reasons.isEmpty ? "" : " (\(reasons))") + "; strategy \(result.strategy), seed \(result.seed)"
            ]
            try emit(try Render.output(result, table: table, format: output.format), data: output.format != .table)
        }
    }

    struct Recycle: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reclaim idle leads, recycle exhausted ones after the cool-down, rescue callbacks of leavers.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(name: .customLong("idle-days"), parsing: .unconditional, help: "Days without a call after assignment. Default: the config's (3).") var idleDays: Int?
        @Flag(name: .customLong("dry-run"), help: "Show what would move; write nothing.") var dryRun = false

        func validate() throws {
            if let idleDays { try InputRange.whole(idleDays, field: "--idle-days", in: 0...InputRange.maximumDays, what: "a number of days") }
        }

        func run() throws {
            let context = dryRun ? try global.dryRunContext(rejects: nil) : try global.checkedContext()
            let result = try Recycler(settings: context.settings, clock: context.clock).run(context.db, idleDays: idleDays, dryRun: dryRun)
            let table = Table(
                [">idle", ">exhausted", ">retired", ">from leavers", ">callbacks moved", ">callbacks stuck"],
                rows: [[result.idle, result.exhausted, result.retired, result.fromLeavers, result.callbacksMoved, result.callbacksStuck].map(String.init)])
            try emit(try Render.output(result, table: table, format: output.format), data: output.format != .table)
            if dryRun { note("dry run: nothing was written") }
        }
    }

    struct DNC: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dnc", abstract: "The do-not-call list: add numbers, list them.", subcommands: [Add.self, List.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add numbers to the do-not-call list; their leads close at once.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption
            @Argument(help: "Phone numbers.") var phones: [String] = []
            @Option(help: "A file of numbers: one a line, or a CSV or xlsx with a phone column.") var file: String?
            @Option(help: "The sheet of an xlsx workbook (default its first).") var sheet: String?
            @Option(help: "Where the request came from.") var source: String = "manual"

            func validate() throws {
                if phones.isEmpty && file == nil { throw ValidationError("give numbers, or --file with one number a line") }
            }

            func run() throws {
                // A file of numbers is a bulk write (every lead of every number closed), refused
                // on a damaged database as the imports are; numbers typed here are a few.
                let context = file != nil ? try global.checkedContext() : try global.context()
                var numbers: [String] = []
                for phone in phones {
                    switch DoNotCall.normalize(phone) {
                    case let .success(digits): numbers.append(digits)
                    case let .failure(error): throw error
                    }
                }
                if let file { numbers += try DoNotCall.read(path: file, sheet: sheet) }
                let result = try context.db.transaction { db in
                    try DoNotCall.add(db, phones: numbers, source: file.map { ($0 as NSString).lastPathComponent } ?? source, clock: context.clock)
                }
                let table = Table([">added", ">already listed", ">leads closed"], rows: [[result.added, result.alreadyListed, result.leadsClosed].map(String.init)])
                try emit(try Render.output(result, table: table, format: output.format), data: output.format != .table)
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the do-not-call numbers (masked unless --reveal-phones).")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption
            @Flag(name: .customLong("reveal-phones"), help: "Show whole numbers (recorded in the audit log).") var revealPhones = false

            func run() throws {
                let context = try global.context(access: revealPhones ? .readWrite : .readOnly)
                var entries = try context.db.read(DoNotCall.entries)
                if !revealPhones {
                    for i in entries.indices { entries[i].phone = PhoneNumber.mask(entries[i].phone) }
                }
                let table = Table(["phone", "added", "source"], rows: entries.map { [$0.phone, $0.addedAt, $0.source] })
                try emit(try Render.output(entries, table: table, format: output.format), data: output.format != .table)
                // Audited once the numbers were written out: a failed write exported nothing.
                if revealPhones {
                    try context.db.transaction { db in
                        try AuditLog.record(db, command: "leads dnc list --reveal-phones", numbers: entries.count, clock: context.clock)
                    }
                }
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Judge each batch and source: rejects, allocation, dialing, sales, cost per sale, data usage.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: ReportOutputOption
        @Option(parsing: .unconditional, help: "Only this batch.") var batch: Int64?
        @Option(help: "Only this source.") var source: String?
        @Option(help: "batch (default); attempt: contact and sale rate of the 1st, 2nd, ... call to a lead; class: warm, referral, cold; score-decile: outcomes per decile of learned score.")
        var by: String = "batch"

        func validate() throws {
            if !["batch", "attempt", "class", "score-decile"].contains(by) { throw ValidationError("--by is batch, attempt, class or score-decile") }
            if by == "score-decile" && source != nil { throw ValidationError("--by score-decile takes --batch, not --source") }
        }

        func run() throws {
            let context = try global.readingContext()
            // A batch that is not there is named, as `leads allocate --batch` names it.
            if let batch, try context.db.read({ db in try !LeadBatchRecord.exists(db, key: batch) }) {
                throw CallOpsError.notFound(kind: "batch", key: String(batch), hint: "see `callops leads stats` for batch ids")
            }
            if by == "score-decile" {
                try scoreDeciles(context)
                return
            }
            if by == "class" {
                let classes = try context.db.read { db in try LeadStats.byClass(db, batch: batch, source: source) }
                let table = Table(["class", ">leads", ">allocated", ">dialed", ">contacted", ">sold", ">premium", ">conversion"], rows: classes.map {
                    [$0.leadClass, String($0.leads), String($0.allocated), String($0.dialed), String($0.contacted), String($0.sold),
                     $0.premium.description, Render.percent($0.conversionRate)]
                })
                try output.present(global: global, classes, text: table.rendered)
                return
            }
            if by == "attempt" {
                let rates = try context.db.read { db in
                    try ActivityFigures.byAttempt(db, leads: LeadStats.leadIDs(db, batch: batch, source: source))
                }
                let table = Table([">attempt", ">calls", ">contacts", ">contact rate", ">sales", ">sale rate"], rows: rates.map {
                    [String($0.attempt), String($0.calls), String($0.contacts), Render.percent($0.contactRate), String($0.sales), Render.percent($0.saleRate)]
                })
                try output.present(global: global, rates, text: table.rendered)
                return
            }
            let stats = try context.db.read { db in try LeadStats.batches(db, batch: batch, source: source) }
            var table = Table(["batch", "source", ">rows", ">accepted", "rejects", ">allocated", ">dialed", ">contacted", ">effective",
                               ">interested", ">sold", ">premium", ">cost", ">cost/sale", ">premium/lead", ">usage"])
            for s in stats {
                table.append([String(s.batchID), s.source, String(s.rows), String(s.accepted), s.rejectsByReason, String(s.allocated),
                              String(s.dialed), String(s.contacted), String(s.effective), String(s.interested), String(s.sold),
                              s.premium.description, s.cost.description, s.costPerSale?.description ?? "-", s.premiumPerLead?.description ?? "-",
                              Render.percent(s.dataUsageRate)])
            }
            try output.present(global: global, stats, text: table.rendered)
        }
    }

    struct Why: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain one lead: its batch, grade, owner, every move with its reason, and why it is or is not queued now.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The lead id.") var lead: Int64

        func run() throws {
            let context = try global.readingContext()
            let story = try context.db.read { db in try LeadStory.tell(db, lead: lead, settings: context.settings, clock: context.clock) }
            let explanation = story.explanation
            if output.format == .json {
                try emit(try Render.json(story), data: true)
                return
            }
            if output.format == .csv {
                try emit(try Render.csv(explanation, main: "history"), data: true)
                return
            }
            var text = """
                lead \(explanation.leadID)\(explanation.name.map { " (\($0))" } ?? ""): \(explanation.status), grade \(explanation.grade) (score \(explanation.score))
                from \(explanation.batch)
                owner: \(explanation.owner ?? "none")

                """
            let table = Table(["at", "event", "agent", "reason"], rows: explanation.history.map { [$0.at, $0.event, $0.agentCode ?? "-", $0.reason] })
            var calls = Table(["at", "agent", "disposition", ">talk s", ">follow-up", "callback at", "note"], rows: story.calls.map {
                [$0.at, $0.agentCode, $0.disposition, String($0.talkSeconds), $0.followUp.map(String.init) ?? "-", $0.callbackAt ?? "-", $0.note ?? ""]
            })
            calls.footer = story.calls.isEmpty ? ["no calls yet"] : []
            let policies = Table(["policy", "agent", "product", ">premium", "mode", "insured", "sold at", "status"], rows: story.policies.map {
                [String($0.policyID), $0.agentCode, $0.product, $0.premium.description, $0.mode, $0.insured, $0.soldAt, $0.status]
            })
            var queues = ["queues:" + (story.queues.isEmpty ? " none" : "")] + story.queues.map { "  " + $0 }
            queues.append("now: \(explanation.queueNow)")
            if let learned = explanation.learnedScore { queues.append(learned.words) }
            text += table.rendered() + "\ncalls\n" + calls.rendered() + (story.policies.isEmpty ? "" : "\npolicies\n" + policies.rendered())
                + "\n" + queues.joined(separator: "\n") + "\n"
            try emit(text)
        }
    }
}

extension ImportOptions.Encoding: ExpressibleByArgument {}
extension ImportOptions.Layout: ExpressibleByArgument {}
extension AllocationOptions.Strategy: ExpressibleByArgument {}
