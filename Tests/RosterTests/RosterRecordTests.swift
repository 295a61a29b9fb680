import CallOpsCore
import CallOpsStore
import Foundation
import GRDB
import Testing

@testable import Roster

/// The roster's typed records write the columns SPEC section 2 names and read them back.
@Suite struct RosterRecordTests {
    @Test func anAgentAndATenureEventRoundTrip() throws {
        let db = try AppDatabase.inMemory(schema: RosterSchema.migrations)
        try db.transaction { db in
            let team = try TeamRecord(name: "一组").inserted(db)
            var agent = AgentRecord(code: "A001", name: "张伟", teamID: team.id!, hireDate: "2024-03-01", tier: .core, status: .active,
                                    dailyNewLeads: 20, leftOn: nil, role: .lead)
            try agent.insert(db)
            // The trigger gives the dialer login the agent code.
            agent.dialerUser = "A001"
            #expect(try AgentRecord.fetchOne(db, key: agent.id!) == agent)
            let stored = try Row.fetchOne(db, sql: "SELECT id, code, name, team_id, tier, status, role FROM agent")!
            #expect(stored == ["id": agent.id!, "code": "A001", "name": "张伟", "team_id": team.id!, "tier": "core", "status": "active", "role": "lead"])

            var event = TenureEventRecord(agentID: agent.id!, kind: "left", day: "2026-11-20", reason: "moved", recordedAt: "2026-11-23T10:00:00")
            try event.insert(db)
            #expect(try TenureEventRecord.fetchAll(db) == [event])
            #expect(try Roster.tenureEvents(db) == [TenureEvent(agentID: agent.id!, kind: "left", day: CivilDay("2026-11-20")!)])
            #expect(try Roster.tenures(db)[agent.id!] == AgentTenure(agentID: agent.id!, role: .lead, leftOn: nil))
        }
    }
}
