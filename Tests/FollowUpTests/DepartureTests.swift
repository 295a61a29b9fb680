import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster
import Testing

@testable import FollowUp

@Suite struct DepartureTests {
    @Test func theFewestCustomersWinAndTheSeedBreaksTies() {
        var random = SeededRandom(seed: 1)
        #expect(Departure.pick([("A2", 3), ("A3", 1), ("A4", 2)], random: &random) == "A3")
        // A tie: the same seed always picks the same teammate; across seeds both are picked.
        func tie(_ seed: UInt64) -> String {
            var random = SeededRandom(seed: seed)
            return Departure.pick([("A3", 1), ("A2", 1), ("A4", 5)], random: &random)
        }
        #expect((0..<20).allSatisfy { tie($0) == tie($0) })
        #expect(Set((0..<20).map(tie)) == ["A2", "A3"])
    }

    @Test func checkFindsACustomerWithNoServicingAgent() throws {
        let day = try AgentDay(leads: 2)
        try day.call(1, .sale, talk: 600, at: "2026-11-20T10:05", sale: SaleInput(product: "ACC01", premium: Money(yuan: 300)))
        func violations() throws -> [String] {
            try day.db.read { db in try FollowUpSchema.invariants.flatMap { try $0.violations(db) } }
        }
        #expect(try violations().isEmpty)
        // An agent marked left outside `roster leave` (an older roster) leaves the customer orphaned.
        try day.db.transaction { db in try db.execute(sql: "UPDATE agent SET status = 'left', seat_id = NULL WHERE code = 'A1'") }
        let orphaned = try violations()
        #expect(orphaned.contains("every customer has a servicing agent: customer (lead 1) is served by agent A1, who has left; hand the customer over with `callops roster leave --agent A1 --date FIRST_DAY_AWAY --to AGENT`"), "\(orphaned)")
        // A1 has no leaving day yet, so the departure may still be recorded; A2 is on probation, so
        // the team has no active agent to take the customer unless one is named.
        try day.at("2026-11-25T10:00")
        let departure = Departure(settings: day.settings, clock: day.clock)
        #expect(throws: CallOpsError.self) {
            try day.db.transaction { db in try departure.leave(db, agent: "A1", leftOn: CivilDay("2026-11-24")!, to: nil, reason: nil, seed: 1) }
        }
        let result = try day.db.transaction { db in
            try departure.leave(db, agent: "A1", leftOn: CivilDay("2026-11-24")!, to: "A2", reason: "older roster", seed: 1)
        }
        #expect(result.customersHandedOver == [CustomerHandover(customer: 1, to: "A2")] && result.leadsReleased == 1)
        #expect(try violations().isEmpty)
        // Sales and persistency stay with the seller; the service work is A2's.
        #expect(try day.db.read { db in try String.fetchOne(db, sql: "SELECT agent.code FROM policy JOIN agent ON agent.id = policy.agent_id") } == "A1")
        #expect(try day.queue("A2").map { "\($0.leadID) \($0.reason.rawValue)" } == ["1 stabilize"])
        // A2's stabilisation call is on their own customer, not on another agent's lead.
        let called = try day.call(1, .connected, talk: 120, at: "2026-11-25T10:05", agent: "A2")
        #expect(called == .recorded(othersLead: false, status: "won"))
        #expect(try day.queue("A2").isEmpty)
        // The ledger is append-only.
        #expect(throws: (any Error).self) { try day.db.transaction { db in try db.execute(sql: "DELETE FROM customer_ledger") } }
        // A new policy on the customer is served by its servicing agent, whoever sells it.
        try day.db.transaction { db in
            try db.execute(sql: "UPDATE agent SET status = 'active' WHERE code = 'A2'")
            let lead = try LeadProgress.lead(db, id: 1)!
            try Sales(settings: day.settings, clock: day.clock).create(db, lead: lead, agent: Roster.agent(db, code: "A2"),
                                                                        sale: SaleInput(product: "CI01", premium: Money(yuan: 5_000)), at: day.clock.now)
        }
        #expect(try day.db.read { db in try CustomerServicing.customers(db, servedBy: Roster.agent(db, code: "A2").id) } == [1])
    }
}
