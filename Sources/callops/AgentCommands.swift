import ArgumentParser
import CallOpsCore
import CallOpsStore
import Foundation
import FollowUp
import LeadData
import Roster

/// `callops calls`: the dialer's records and single calls (SPEC section 6).
struct CallsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls", abstract: "Calls: import the dialer's records, or log one call; each moves the lead's cadence.",
        subcommands: [Import.self, Log.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import call records (call_id,agent_code,phone|lead_id,started_at,talk_seconds,disposition[,callback_at,product,premium,insured,note]); idempotent by call_id.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The call file (CSV or xlsx).") var file: String
        @Option(help: "plain (the header above, English or Chinese names) or vicidial (VICIdial's Export Calls Report, tab-delimited with its header).")
        var layout: CallFileLayout = .plain
        @Option(help: "The sheet of an xlsx workbook (default its first).") var sheet: String?

        func run() throws {
            let context = try global.checkedContext()
            let progress = ProgressBar("calls import", total: 100)
            let summary = try CallImport(settings: context.settings, clock: context.clock).run(in: context.db, path: file, layout: layout,
                                                                                                sheet: sheet, progress: progress)
            progress.finish()
            var table = Table([">rows", ">imported", ">already imported", ">on others' leads", ">sales", ">rejected"])
            table.append([summary.rows, summary.imported, summary.alreadyImported, summary.onOthersLeads, summary.sales, summary.rejected.count].map(String.init))
            table.footer = summary.rejected.prefix(20).map { "\((file as NSString).lastPathComponent):\($0.line): \($0.field): \($0.reason)" }
            if summary.rejected.count > 20 { table.footer.append("... and \(summary.rejected.count - 20) more (see --format json)") }
            try emit(try Render.output(summary, table: table, format: output.format), data: output.format != .table)
            // The first 20 by line, as the rejected rows (a day's file can hold thousands of
            // callbacks past their agents' caps: 59,000 of the bench's 1,000,000 records); all of
            // them are in the JSON.
            let warnings = summary.warnings.sorted { $0.line < $1.line }
            for warning in warnings.prefix(20) { note("\((file as NSString).lastPathComponent):\(warning.line): \(warning.field): \(warning.reason)") }
            if warnings.count > 20 {
                note("\((file as NSString).lastPathComponent): ... and \(warnings.count - 20) more rows recorded with a caveat (all \(warnings.count) in --format json)")
            }
            Self.noteLeaversCustomers(handed: summary.customersHandedOver, unserved: summary.customersUnserved)
        }

        /// The customers of sales by agents who have left since, handed over (or not) after the
        /// calls: said on stderr, as `roster leave` says its hand-overs.
        static func noteLeaversCustomers(handed: [CustomerHandover], unserved: [String]) {
            for line in leaversLines(handed: handed, unserved: unserved) { note(line) }
        }

        static func leaversLines(handed: [CustomerHandover], unserved: [String]) -> [String] {
            handed.map { "customer (lead \($0.customer)) of an agent who has left handed over to \($0.to)" } + unserved
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record one call now (a sale names its policy: --product and --premium).")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The agent's code.") var agent: String
        @Option(parsing: .unconditional, help: "The lead id.") var lead: Int64
        @Option(help: "no_answer, busy, invalid_number, connected, interested, callback, proposal, sale, refused or dnc.") var disposition: Disposition
        @Option(name: .customLong("talk-seconds"), parsing: .unconditional, help: "Seconds of conversation.") var talkSeconds: Int = 0
        @Option(name: .customLong("callback-at"), parsing: .unconditional, help: "The time the customer chose, local (2026-11-24T15:00).") var callbackAt: String?
        @Option(help: "A note.") var note: String?
        @Option(help: "nurture: a nurturing touch of the customer's programme (counts when it reaches the customer).") var purpose: CallPurpose?
        @Option(help: "With --disposition sale: the policy's product code.") var product: String?
        @Option(parsing: .unconditional, help: "With --disposition sale: the annual premium, yuan.", transform: moneyOption) var premium: Double?
        @Option(help: "With --disposition sale: self, spouse, child or parent.") var insured: Insured = .self
        @Option(name: .customLong("insured-age"), parsing: .unconditional, help: "With --disposition sale: the insured's age.") var insuredAge: Int?
        @Option(help: "With --disposition sale: annual or monthly.") var mode: String = "annual"

        func validate() throws {
            // A sale is a policy (as a sale row of a call file): it names its product and premium.
            if disposition == .sale && (product == nil || premium == nil) {
                throw ValidationError("--disposition sale records a policy: give --product P and --premium X (or use `callops sales record`)")
            }
            if disposition != .sale && (product != nil || premium != nil) {
                throw ValidationError("--product and --premium go with --disposition sale, not \(disposition.rawValue)")
            }
            if let premium { _ = try InputRange.yuan(premium, field: "--premium", positive: true) }
            if let insuredAge { try InputRange.whole(insuredAge, field: "--insured-age", in: 0...130, what: "an age in years") }
            if !["annual", "monthly"].contains(mode) { throw ValidationError("--mode is annual or monthly") }
            try InputRange.whole(talkSeconds, field: "--talk-seconds", in: 0...InputRange.maximumTalkSeconds, what: "seconds of conversation")
            if disposition == .callback && callbackAt == nil { throw ValidationError("a callback needs --callback-at, the time the customer chose") }
        }

        func run() throws {
            let context = try global.context()
            var callback: Date?
            if let callbackAt {
                guard let at = context.clock.parse(callbackAt) else {
                    throw CallOpsError.invalidValue(field: "--callback-at", value: callbackAt, expected: "a local time such as 2026-11-24T15:00")
                }
                try InputRange.time(callbackAt, field: "--callback-at")
                callback = at
            }
            let id = "log-\(agent)-\(lead)-\(context.clock.nowTimestamp)"
            let input = CallInput(callID: id, agentCode: agent, leadID: lead, startedAt: context.clock.now, talkSeconds: talkSeconds,
                                  disposition: disposition, callbackAt: callback,
                                  sale: product.map { SaleInput(product: $0, premium: Money(yuan: premium ?? 0), insured: insured, insuredAge: insuredAge,
                                                                monthly: mode == "monthly") },
                                  note: note)
            var notes: [String] = []
            let outcome = try context.db.transaction { db -> (CallOutcome, LeadProgress.Snapshot?, holder: String?) in
                // Who held the lead when the call was made, for the words on a call on a lead not the agent's.
                let holder = try Self.whose(db, lead: lead)
                if purpose == .nurture, try CustomerServicing.servingAgent(db, customer: lead) == nil {
                    throw CallOpsError.invalidValue(field: "--purpose", value: "nurture", expected: "a call to a customer (lead \(lead) has no policy in force)")
                }
                let policiesBefore = try Sales.lastPolicyID(db)
                let outcome = try CallRecorder(settings: context.settings, clock: context.clock).record(db, input, notes: &notes)
                if purpose == .nurture, case .recorded = outcome,
                   !(try Programmes(settings: context.settings, clock: context.clock).recordNurtureCall(db, callID: id)) {
                    notes.append("lead \(lead): the call did not reach the customer, so it is no nurturing touch")
                }
                // A sale logged for a day before the agent left (`--now` earlier): its customer is
                // handed over, as the calls import hands it.
                let leavers = try Departure(settings: context.settings, clock: context.clock).handOverLeaversSales(db, after: policiesBefore)
                notes += Import.leaversLines(handed: leavers.handedOver, unserved: leavers.unserved)
                return (outcome, try LeadProgress.lead(db, id: lead), holder)
            }
            for text in notes { callops.note(text) }
            switch outcome.0 {
            case .duplicate:
                throw CallOpsError.refused("a call by \(agent) on lead \(lead) at \(context.clock.nowTimestamp) is already recorded")
            case let .recorded(othersLead, status):
                var text = "recorded \(disposition.rawValue) on lead \(lead)"
                if othersLead { text += " (\(outcome.holder ?? "not \(agent)'s lead"))" }
                if purpose == .nurture && notes.isEmpty { text += ", a nurturing touch" }
                if status == "open", let next = outcome.1?.callbackAt ?? outcome.1?.nextDueAt { text += "; next call due \(next)" }
                if status != "open" { text += "; the lead is \(status)" }
                try emit(text + "\n")
            }
        }

        /// Whose the lead is before the call, in words for a call on a lead not the agent's:
        /// "a lead held by A002" (open), "a lead in the pool", "a customer of A001" (a policy in
        /// force, its servicing agent), "an exhausted lead, last held by A010" (closed).
        static func whose(_ db: Database, lead: Int64) throws -> String? {
            guard let before = try LeadProgress.lead(db, id: lead) else { return nil }
            let holder = try before.agentID.flatMap { id in try Roster.codes(db, ids: [id])[id] ?? String(id) }
            switch before.status {
            case "open": return holder.map { "a lead held by \($0)" } ?? "an open lead held by no agent"
            case "pool": return "a lead in the pool"
            default:
                if let serving = try CustomerServicing.servingAgent(db, customer: lead) { return "a customer of \(serving)" }
                let article = "aeiou".contains(before.status.first ?? "x") ? "an" : "a"
                return "\(article) \(before.status) lead, " + (holder.map { "last held by \($0)" } ?? "held by no agent")
            }
        }
    }
}

/// `callops queue`: the agent's next calls.
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "An agent's queues: the next calls to make, and customers to offer more cover.",
        subcommands: [Next.self, CrossSellQueue.self])

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Callbacks due, stabilisation calls, follow-ups (hottest first), retries, then fresh leads A/B/C.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(help: "The agent's code.") var agent: String
        @Option(parsing: .unconditional, help: "At most this many rows.") var limit: Int?
        @Flag(name: .customLong("reveal-phones"), help: "Show whole numbers (recorded in the audit log).") var revealPhones = false

        func validate() throws {
            if let limit { try InputRange.whole(limit, field: "--limit", in: 1...InputRange.maximumCount, what: "a number of rows") }
        }

        func run() throws {
            let context = try global.context(access: revealPhones ? .readWrite : .readOnly)
            var entries = try context.db.read { db in
                try NextCallQueue(settings: context.settings, clock: context.clock).entries(db, agent: agent, limit: limit)
            }
            if !revealPhones {
                for i in entries.indices { entries[i].phone = PhoneNumber.mask(entries[i].phone) }
            }
            let windows = try CallingWindows(context.settings.cadence.windows)
            if !windows.contains(context.clock.now, clock: context.clock) {
                note("outside the calling windows (\(context.settings.cadence.windows.joined(separator: ", "))); the queue opens at \(context.clock.timestamp(windows.nextOpen(atOrAfter: context.clock.now, clock: context.clock)))")
            }
            let table = Table(["lead", "name", "phone", "grade", "why", "due", "purpose"], rows: entries.map {
                [String($0.leadID), $0.name ?? "-", $0.phone, $0.grade, $0.why, $0.dueAt, $0.purpose]
            })
            try emit(try Render.output(entries, table: table, format: output.format), data: output.format != .table)
            // Audited once the numbers were written out: a failed write exported nothing.
            if revealPhones {
                try context.db.transaction { db in
                    try AuditLog.record(db, command: "queue next --agent \(agent) --reveal-phones", numbers: entries.count, clock: context.clock)
                }
            }
        }
    }
}

extension QueueCommand {
    struct CrossSellQueue: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cross-sell",
            abstract: "Customers past free-look with cover to offer their family, ranked, each with its reason.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(help: "The agent's code.") var agent: String
        @Option(parsing: .unconditional, help: "At most this many customers.") var limit: Int?

        func validate() throws {
            if let limit { try InputRange.whole(limit, field: "--limit", in: 1...InputRange.maximumCount, what: "a number of customers") }
        }

        func run() throws {
            let context = try global.readingContext()
            let entries = try context.db.read { db in try Households(settings: context.settings, clock: context.clock).queue(db, agent: agent, limit: limit) }
            let table = Table(["lead", "customer", "rank", "member", ">age", "line", "product", "reason"], rows: entries.map {
                [String($0.leadID), $0.customer ?? "-", String($0.rank), $0.member, $0.memberAge.map(String.init) ?? "?", $0.line, $0.product, $0.reason]
            })
            try emit(try Render.output(entries, table: table, format: output.format), data: output.format != .table)
        }
    }
}

/// `callops customers`: what the agent learns of a customer's family.
struct CustomersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customers", abstract: "Customers' households (family members for cross-selling), their referrals and programmes (121 / 121N).",
        subcommands: [Family.self, Referral.self, Touch.self, ProgrammeList.self])

    struct Family: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A customer's family.", subcommands: [Add.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add a family member (spouse, child or parent) to a customer's household.")

            @OptionGroup var global: GlobalOptions
            @Option(parsing: .unconditional, help: "The customer's lead id.") var lead: Int64
            @Option(help: "spouse, child or parent.") var relation: Insured
            @Option(parsing: .unconditional, help: "Age in years.") var age: Int
            @Option(help: "M or F (男/女).") var gender: String?

            func validate() throws {
                try InputRange.whole(age, field: "--age", in: 0...130, what: "an age in years")
            }

            func run() throws {
                let context = try global.context()
                let parsed = gender.flatMap(LeadProfileParsing.gender)
                if let gender, parsed == nil { throw CallOpsError.invalidValue(field: "--gender", value: gender, expected: "M or F (男/女)") }
                try context.db.transaction { db in
                    try Households(settings: context.settings, clock: context.clock).addMember(db, lead: lead, relation: relation, age: age, gender: parsed)
                }
                try emit("added the \(relation.rawValue) (\(age)) to lead \(lead)'s household\n")
            }
        }
    }
}

/// `callops sales`: policies (SPEC section 7).
struct SalesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sales", abstract: "Policies: record a sale, cancel inside the free-look period.",
        subcommands: [Record.self, Cancel.self])

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a sale: a policy from the catalog; the lead is won and a stabilisation call is due in 2 days.")

        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "The lead id.") var lead: Int64
        @Option(help: "The selling agent's code.") var agent: String
        @Option(help: "A product code of the catalog (ACC01, CI01, MED01, LIFE01, PEN01, EDU01).") var product: String
        @Option(parsing: .unconditional, help: "The annual premium, yuan.", transform: moneyOption) var premium: Double
        @Option(help: "self, spouse, child or parent.") var insured: Insured = .self
        @Option(name: .customLong("insured-age"), parsing: .unconditional, help: "The insured's age (default: the lead's for self).") var insuredAge: Int?
        @Option(help: "annual or monthly.") var mode: String = "annual"

        func validate() throws {
            _ = try InputRange.yuan(premium, field: "--premium", positive: true)
            if let insuredAge { try InputRange.whole(insuredAge, field: "--insured-age", in: 0...130, what: "an age in years") }
            if !["annual", "monthly"].contains(mode) { throw ValidationError("--mode is annual or monthly") }
        }

        func run() throws {
            let context = try global.context()
            let (id, leavers) = try context.db.transaction { db -> (Int64, Departure.LeaversSales) in
                guard let snapshot = try LeadProgress.lead(db, id: lead) else {
                    throw CallOpsError.notFound(kind: "lead", key: String(lead), hint: "see `callops queue next --agent \(agent)`")
                }
                let seller = try Roster.agent(db, code: agent)
                let policiesBefore = try Sales.lastPolicyID(db)
                let id = try Sales(settings: context.settings, clock: context.clock).create(
                    db, lead: snapshot, agent: seller,
                    sale: SaleInput(product: product, premium: Money(yuan: premium), insured: insured, insuredAge: insuredAge, monthly: mode == "monthly"),
                    at: context.clock.now)
                // A sale recorded for a day before the agent left (`--now` earlier): its customer
                // is handed over, as the calls import hands it.
                return (id, try Departure(settings: context.settings, clock: context.clock).handOverLeaversSales(db, after: policiesBefore))
            }
            CallsCommand.Import.noteLeaversCustomers(handed: leavers.handedOver, unserved: leavers.unserved)
            let due = context.clock.day(context.clock.adding(days: context.settings.sales.stabilizationDays, to: context.clock.now))
            try emit("policy \(id) recorded; stabilisation call due \(due), inside the \(context.settings.sales.freeLookDays)-day free-look\n")
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a policy inside its free-look period (commission is clawed back).")

        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "The policy id.") var policy: Int64
        @Option(help: "Why the customer cancelled.") var reason: String

        func run() throws {
            let context = try global.context()
            try context.db.transaction { db in try Sales(settings: context.settings, clock: context.clock).cancel(db, policy: policy, reason: reason) }
            try emit("policy \(policy) cancelled in free-look: \(reason)\n")
        }
    }
}

extension Disposition: ExpressibleByArgument {}
extension Insured: ExpressibleByArgument {}
extension CallFileLayout: ExpressibleByArgument {}
