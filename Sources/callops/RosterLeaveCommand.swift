import ArgumentParser
import CallOpsCore
import FollowUp
import Foundation
import Roster

extension RosterCommand {
    /// `callops roster leave`: an agent's departure (SPEC sections 4 and 7).
    struct Leave: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a departure: left_on is the first day away; leads back to the pool, callbacks and customers handed over.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(help: "The agent who leaves.") var agent: String
        @Option(parsing: .unconditional, help: "The first day away, YYYY-MM-DD (the last day worked is the day before).") var date: String
        @Option(help: "Hand every customer and callback to this agent (default: customers one at a time to the teammate with the fewest).")
        var to: String?
        @Option(help: "Why the agent leaves, kept in the history.") var reason: String?
        @Option(parsing: .unconditional, help: "Seed that breaks ties between equally loaded teammates (default: drawn from the agent and the day).", transform: seedOption)
        var seed: UInt64?

        func validate() throws {
            if CivilDay(date) == nil { throw ValidationError("--date \"\(date)\" is not a real date; write YYYY-MM-DD, the first day away") }
            try InputRange.day(CivilDay(date)!, field: "--date", written: date)
        }

        func run() throws {
            let context = try global.context()
            let departure = Departure(settings: context.settings, clock: context.clock)
            let result = try context.db.transaction { db in
                try departure.leave(db, agent: agent, leftOn: CivilDay(date)!, to: to, reason: reason, seed: seed)
            }
            var table = Table(["customer", "servicing agent"], rows: result.customersHandedOver.map { [String($0.customer), $0.to] })
            table.footer = [
                "agent \(result.agentCode) left on \(result.leftOn): \(result.leadsReleased) leads back to the pool, "
                    + "\(result.callbacksMoved) callbacks moved" + (result.callbacksToPool > 0 ? ", \(result.callbacksToPool) callbacks to the pool" : "")
                    + ", \(result.customersHandedOver.count) customers handed over (seed \(result.seed))"
            ]
            try emit(try Render.output(result, table: table, format: output.format), data: output.format != .table)
        }
    }
}
