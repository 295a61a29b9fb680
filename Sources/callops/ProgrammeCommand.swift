import ArgumentParser
import CallOpsCore
import FollowUp
import Foundation
import Roster

extension CallPurpose: ExpressibleByArgument {}
extension TouchKind: ExpressibleByArgument {
    /// `call` is stored for nurture calls but never given here (`calls log --purpose nurture`), so
    /// the help does not offer it.
    public static var allValueStrings: [String] { allCases.filter { $0 != .call }.map(\.rawValue) }
}

extension CustomersCommand {
    /// `callops customers touch` (SPEC section 7, customer programmes).
    struct Touch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a programme touch of a customer (养客): an event, a gift, information sent or a personal visit.")

        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "The customer's lead id.") var customer: Int64
        @Option(help: "event, gift, info or visit.") var kind: TouchKind
        @Option(parsing: .unconditional, help: "The day of the touch (default today).") var date: String?
        @Option(help: "A note.") var note: String?

        func validate() throws {
            if kind == .call { throw ValidationError("--kind call is recorded with `callops calls log --purpose nurture`; use event, gift, info or visit") }
        }

        func run() throws {
            let context = try global.context()
            var day: CivilDay?
            if let date {
                guard let parsed = CivilDay(date) else { throw CallOpsError.invalidValue(field: "--date", value: date, expected: "a day such as 2026-11-23") }
                day = try InputRange.day(parsed, field: "--date", written: date)
            }
            let agent = try context.db.transaction { db in
                try Programmes(settings: context.settings, clock: context.clock).touch(db, customer: customer, kind: kind, day: day, note: note)
            }
            try emit("recorded a \(kind.rawValue) touch of customer \(customer) on \(day?.description ?? context.clock.day(context.clock.now)) (serving agent \(agent))\n")
        }
    }

    /// `callops customers programme`: each customer's 121 or 121N progress.
    struct ProgrammeList: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "programme",
            abstract: "Each customer's programme (新客121 / 老客121N): steps done and required, days left, due and overdue steps.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(help: "Only the customers this agent serves.") var agent: String?
        @Option(help: "Only the customers agents of this team serve.") var team: String?
        @Option(name: .customLong("due-within"), parsing: .unconditional, help: "Only customers with a step due within this many days (overdue included).")
        var dueWithin: Int?

        func validate() throws {
            if agent != nil && team != nil { throw ValidationError("give --agent or --team, not both") }
            if let dueWithin { try InputRange.whole(dueWithin, field: "--due-within", in: 0...3_650, what: "a number of days") }
        }

        func run() throws {
            let context = try global.readingContext()
            let rows = try context.db.read { db -> [ProgrammeRow] in
                var scope: Set<Int64>?
                if let agent { scope = [try Roster.agent(db, code: agent).id] }
                if let team {
                    guard try Roster.teamID(db, name: team) != nil else {
                        throw CallOpsError.notFound(kind: "team", key: team, hint: "the teams are \(try Roster.teams(db).joined(separator: ", "))")
                    }
                    scope = Set(try Roster.agents(db, team: team).map(\.id))
                }
                return try Programmes(settings: context.settings, clock: context.clock).rows(db, agents: scope, dueWithin: dueWithin)
            }
            func step(_ s: ProgrammeStep) -> String { "\(s.done)/\(s.required)" }
            let table = Table(["customer", "name", "agent", "programme", "window", "days left", "care", "touches", "attempts", "referrals", "complete", "overdue"],
                              rows: rows.map {
                [String($0.customer), $0.name ?? "-", $0.agentCode, $0.programme.rawValue, "\($0.windowStart)..\($0.windowEnd)", String($0.daysLeft),
                 step($0.steps.care), step($0.steps.touches), step($0.steps.attempts), String($0.steps.referrals.done) + ($0.steps.referrals.required > 0 ? "/\($0.steps.referrals.required)" : ""),
                 $0.complete ? "yes" : "no", $0.overdue.map(\.rawValue).joined(separator: " ")]
            })
            try emit(try Render.output(rows, table: table, format: output.format), data: output.format != .table)
        }
    }
}
