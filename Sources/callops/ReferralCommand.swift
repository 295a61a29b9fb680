import ArgumentParser
import CallOpsCore
import FollowUp
import Foundation

extension CustomersCommand {
    /// `callops customers referral add` (SPEC section 7).
    struct Referral: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Referrals from customers (转介绍).", subcommands: [Add.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record a referral: a new lead of class referral, assigned straight to the agent who serves the customer.")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: FormatOption
            @Option(parsing: .unconditional, help: "The referring customer's lead id.") var customer: Int64
            @Option(help: "The referred person's name.") var name: String
            @Option(help: "The referred person's mobile number.") var phone: String
            @Option(help: "A note for the agent.") var note: String?

            func run() throws {
                let context = try global.context()
                let result = try context.db.transaction { db in
                    try Referrals(settings: context.settings, clock: context.clock).add(db, customer: customer, name: name, phone: phone, note: note)
                }
                let table = Table(["lead", "agent", "referred by"], rows: [[String(result.leadID), result.agentCode, String(result.referredBy)]])
                try emit(try Render.output(result, table: table, format: output.format), data: output.format != .table)
            }
        }
    }
}
