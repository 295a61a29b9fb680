import CallOpsCore
import CallOpsStore
import Foundation
import Roster
import Testing

@testable import LeadData

/// Issue 17, items 6, 8 and 10: A-grade routing up to the room of core and top agents, recycled
/// leads to agents who never held them, and why leads stay in the pool.
@Suite struct Issue17AllocationTests {
    func agent(_ code: String, tier: Tier, daily: Int = 50, open: Int = 100) -> RosterRow {
        RosterRow(line: 0, code: code, name: code, team: "一组", hireDate: "2025-01-01", tier: tier, status: .active,
                  dailyNewLeads: daily, maxOpenLeads: open)
    }

    func allocate(_ f: LeadFixture, seed: UInt64 = 42) throws -> AllocationResult {
        var options = AllocationOptions()
        options.seed = seed
        return try Allocator(settings: f.settings, clock: f.clock, sales: Roster.noSales).run(f.db, options: options)
    }

    /// `count` grade-A leads (target age, income, teacher, married).
    func gradeALeads(_ f: LeadFixture, _ count: Int, from start: Int = 0) throws {
        let rows = (start..<start + count).map { "\(LeadFixture.phone($0)),35,120000,教师,已婚" }
        _ = try f.importLeads(f.write("a\(start).csv", "phone,age,income,occupation,marital\n" + rows.joined(separator: "\n") + "\n"))
    }

    @Test func aGradeLeadsFillTheRoomOfCoreAgentsFirst() throws {
        for seed in [1, 2, 3] as [UInt64] {
            let f = try LeadFixture()
            try f.roster([agent("C1", tier: .core, daily: 10), agent("G1", tier: .general), agent("G2", tier: .general)])
            try gradeALeads(f, 10)
            let result = try allocate(f, seed: seed)
            #expect(result.agents.first { $0.agentCode == "C1" }?.grades["A"] == 10, "seed \(seed): \(result.agents)")
            #expect(result.allocated == 10)
        }
        // More A-grade leads than the core agent's room: the rest go to anyone with capacity.
        let f = try LeadFixture()
        try f.roster([agent("C1", tier: .core, daily: 10), agent("G1", tier: .general), agent("G2", tier: .general)])
        try gradeALeads(f, 16)
        let result = try allocate(f)
        #expect(result.agents.first { $0.agentCode == "C1" }?.allocated == 10 && result.allocated == 16)
    }

    @Test func fullAgentsLeaveLeadsForLackOfCapacity() throws {
        let f = try LeadFixture()
        try f.roster((1...4).map { agent("A\($0)", tier: .general, daily: 2) })
        try gradeALeads(f, 35)
        let first = try allocate(f)
        #expect(first.allocated == 8 && first.unallocatedReasons == ["no_capacity": 27])
        let second = try allocate(f)
        #expect(second.allocated == 0 && second.unallocated == 27 && second.unallocatedReasons == ["no_capacity": 27], "\(second.unallocatedReasons)")
        // Nobody eligible at all is another reason.
        let g = try LeadFixture()
        try g.roster([RosterRow(line: 0, code: "L1", name: "L1", team: "一组", hireDate: "2025-01-01", tier: .general, status: .left)])
        try gradeALeads(g, 3)
        #expect(try allocate(g).unallocatedReasons == ["no_eligible_agent": 3])
    }

    @Test func aRecycledLeadGoesOnlyToAgentsWhoNeverHeldIt() throws {
        let f = try LeadFixture(now: "2026-11-20T10:00")
        try f.roster([agent("X1", tier: .general), agent("X2", tier: .general)])
        try gradeALeads(f, 1)
        func holder() throws -> String? {
            try f.db.read { db in try String.fetchOne(db, sql: "SELECT agent.code FROM lead JOIN agent ON agent.id = lead.agent_id") }
        }
        func exhaustAndRecycle(closedOn day: String, recycleAt time: String) throws -> RecycleResult {
            try f.db.transaction { db in try db.execute(sql: "UPDATE lead SET status = 'exhausted', closed_at = ?", arguments: [day + "T12:00:00"]) }
            try f.at(time)
            return try Recycler(settings: f.settings, clock: f.clock).run(f.db)
        }
        _ = try allocate(f)
        let first = try #require(try holder())
        #expect(try exhaustAndRecycle(closedOn: "2026-11-21", recycleAt: "2026-12-22T10:00").exhausted == 1)
        _ = try allocate(f)
        let second = try #require(try holder())
        #expect(second != first)
        // Recycled again: both agents have held it, so it waits in the pool instead of going back to X1.
        #expect(try exhaustAndRecycle(closedOn: "2026-12-23", recycleAt: "2027-01-23T10:00").exhausted == 1)
        let third = try allocate(f)
        #expect(third.allocated == 0 && third.unallocatedReasons == ["previous_owner_lock": 1], "\(third.unallocatedReasons)")
        // A new agent who has never held it takes it.
        try f.roster([agent("X1", tier: .general), agent("X2", tier: .general), agent("X3", tier: .general)])
        _ = try allocate(f)
        #expect(try holder() == "X3")
        // After two recycles, exhausted again: retired.
        let last = try exhaustAndRecycle(closedOn: "2027-01-24", recycleAt: "2027-02-24T10:00")
        #expect(last.retired == 1 && last.exhausted == 0)
    }
}
