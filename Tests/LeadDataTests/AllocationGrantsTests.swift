import CallOpsCore
import CallOpsStore
import Foundation
import Roster
import Testing

@testable import LeadData

/// The allocation grants (a row per run and agent with its leads) against the ledger's line per
/// lead: runs, a second run the same day, a callback taken over, and a database made before them.
@Suite struct AllocationGrantsTests {
    func rows(_ n: Int) -> String {
        "phone,age\n" + (0..<n).map { "\(LeadFixture.phone($0)),35\n" }.joined()
    }

    func agents(_ n: Int, daily: Int) -> [RosterRow] {
        (1...n).map { RosterRow(line: $0, code: "A\($0)", name: "A\($0)", team: "一组", hireDate: "2025-01-01", tier: .general, status: .active,
                                dailyNewLeads: daily, maxOpenLeads: 500) }
    }

    /// `n` agents of one team and `leads` leads in the pool, on 2026-11-23 at 08:00.
    func center(agents n: Int, daily: Int, leads: Int) throws -> LeadFixture {
        let f = try LeadFixture(now: "2026-11-23T08:00")
        try f.roster(agents(n, daily: daily))
        _ = try f.importLeads(f.write("leads.csv", rows(leads)))
        return f
    }

    func seeded(_ seed: UInt64) -> AllocationOptions {
        var options = AllocationOptions()
        options.seed = seed
        return options
    }

    /// Leads per agent in the ledger's assignments since `from`, counted by lead.
    func ledgerCounts(_ f: LeadFixture, from: String) throws -> [Int64: Int] {
        try f.db.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
                SELECT agent_id, COUNT(*) FROM lead_ledger WHERE event = 'assigned' AND at >= ? GROUP BY agent_id
                """, arguments: [from]).map { ($0[0] as Int64, $0[1] as Int) })
        }
    }

    @Test func grantsFollowTheLedgerAndAnswerPerAgentCounts() throws {
        let f = try center(agents: 7, daily: 30, leads: 400)
        let options = seeded(3)
        let first = try Allocator(settings: f.settings, clock: f.clock, sales: Roster.noSales).run(f.db, options: options)
        try f.at("2026-11-23T14:00")
        let second = try Allocator(settings: f.settings, clock: f.clock, sales: Roster.noSales).run(f.db, options: options)
        #expect(first.allocated == 210 && second.allocated == 0)
        // One row per run and agent, not per lead.
        #expect(try f.count("SELECT COUNT(*) FROM allocation_grant") == 7)
        #expect(try f.count("SELECT COUNT(*) FROM lead_ledger WHERE event = 'assigned'") == 210)
        try f.at("2026-11-24T08:00")
        _ = try Allocator(settings: f.settings, clock: f.clock, sales: Roster.noSales).run(f.db, options: options)
        #expect(try f.count("SELECT COUNT(*) FROM allocation_grant") == 14)
        // A callback moved to a teammate is a grant of one lead.
        let lead = try f.count("SELECT MIN(id) FROM lead WHERE agent_id = 1")
        try f.db.transaction { db in
            try LeadLedger.record(db, lead: Int64(lead), event: "released", agent: 1, reason: "test", clock: f.clock)
            try LeadLedger.record(db, lead: Int64(lead), event: "assigned", agent: 2, reason: "test", clock: f.clock)
        }
        let (today, month, invariant) = try f.db.read { db in
            (try AllocationGrants.givenSince(db, from: "2026-11-24T00:00:00"),
             try LeadStats.allocatedPerAgent(db, from: "2026-11-01T00:00:00", to: "2026-12-01T00:00:00"),
             try AllocationGrants.invariant.violations(db))
        }
        #expect(today == (try ledgerCounts(f, from: "2026-11-24T00:00:00")))
        #expect(month == (try ledgerCounts(f, from: "2026-11-01T00:00:00")))
        #expect(invariant.isEmpty, "\(invariant)")
        // A grant that lost a lead is named by the check.
        try f.db.transaction { db in try db.execute(sql: "UPDATE allocation_grant SET lead_ids = json_remove(lead_ids, '$[0]') WHERE id = 1") }
        let broken = try f.db.read { db in try AllocationGrants.invariant.violations(db) }
        #expect(broken.count == 2 && broken.contains { $0.contains("is in the ledger but in no grant") } && broken.contains { $0.contains("grant 1 says 30 leads but lists 29") },
                "\(broken)")
    }

    /// Distinct leads per group of agents (the seat report's teams and center) from one read of
    /// the grants, against the ledger's `COUNT(DISTINCT)` per group: groups that overlap, an
    /// empty one, a lead given to two agents of a group, and a period that leaves out a run.
    @Test func distinctLeadsPerGroupAgreeWithTheLedger() throws {
        let f = try center(agents: 5, daily: 20, leads: 300)
        let options = seeded(5)
        _ = try Allocator(settings: f.settings, clock: f.clock, sales: Roster.noSales).run(f.db, options: options)
        try f.at("2026-11-24T08:00")
        _ = try Allocator(settings: f.settings, clock: f.clock, sales: Roster.noSales).run(f.db, options: options)
        let lead = Int64(try f.count("SELECT MIN(id) FROM lead WHERE agent_id = 1"))
        try f.db.transaction { db in
            try LeadLedger.record(db, lead: lead, event: "released", agent: 1, reason: "test", clock: f.clock)
            try LeadLedger.record(db, lead: lead, event: "assigned", agent: 2, reason: "test", clock: f.clock)
        }
        let groups: [[Int64]] = [[1], [2], [1, 2], [], [3, 4, 5, 3], [1, 2, 3, 4, 5]]
        for (from, to) in [("2026-11-01T00:00:00", "2026-12-01T00:00:00"), ("2026-11-24T00:00:00", "2026-11-25T00:00:00")] {
            let counts = try f.db.read { db in try LeadStats.allocatedLeads(db, from: from, to: to, groups: groups) }
            let ledger = try groups.map { agents in
                agents.isEmpty ? 0 : try f.count("""
                    SELECT COUNT(DISTINCT lead_id) FROM lead_ledger WHERE event = 'assigned' AND at >= '\(from)' AND at < '\(to)'
                    AND agent_id IN (\(agents.map(String.init).joined(separator: ",")))
                    """)
            }
            #expect(counts == ledger, "\(from): \(counts) against the ledger's \(ledger)")
        }
        // Agents 1 and 2 share the lead taken over: counted once for the pair.
        let month = try f.db.read { db in try LeadStats.allocatedLeads(db, from: "2026-11-01T00:00:00", to: "2026-12-01T00:00:00", groups: groups) }
        #expect(month[2] == month[0] + month[1] - 1 && month[5] == 200)
    }

    @Test func theMigrationGroupsTheLedgersAssignments() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-grants-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("old.sqlite").path
        let old = try AppDatabase.open(path: path, schema: LeadDataSchema.migrations.filter { $0.name != AllocationGrants.migration.name })
        try old.transaction { db in
            try db.execute(sql: """
                INSERT INTO team (name) VALUES ('一组');
                INSERT INTO agent (id, code, name, team_id, hire_date, status) VALUES (1, 'A1', '甲', 1, '2025-01-01', 'active'), (2, 'A2', '乙', 1, '2025-01-01', 'active');
                INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('t', 'l', 'h', '2026-11-01T08:00:00');
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)
                INSERT INTO lead (batch_id, phone, grade, score, status, agent_id) SELECT 1, printf('139%08d', i), 'B', 30, 'open', 1 + i % 2 FROM n;
                INSERT INTO lead_ledger (lead_id, at, event, agent_id, reason)
                SELECT id, CASE WHEN id <= 20 THEN '2026-11-20T08:00:00' ELSE '2026-11-21T08:00:00' END, 'assigned', agent_id, 'allocated' FROM lead;
                INSERT INTO lead_ledger (lead_id, at, event, agent_id, reason) VALUES (1, '2026-11-22T08:00:00', 'released', 2, 'idle');
                """)
        }
        try old.close()
        let db = try AppDatabase.open(path: path, schema: LeadDataSchema.migrations)
        let (grants, violations, index) = try db.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM allocation_grant"), try AllocationGrants.invariant.violations(db),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE name = 'lead_ledger_agent'"))
        }
        #expect(grants == 4 && violations.isEmpty && index == 0)
    }
}
