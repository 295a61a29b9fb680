import CallOpsCore
import CallOpsStore
import Foundation
import Roster
import Testing

@testable import LeadData

@Suite struct AllocationTests {
    /// Imports `count` leads (ages chosen so grades vary) and returns the fixture.
    func center(leads count: Int, agents: [RosterRow]) throws -> LeadFixture {
        let f = try LeadFixture()
        try f.roster(agents)
        var text = "phone,age,income,occupation,marital\n"
        for i in 0..<count {
            // Every third lead is A (target age, income, teacher, married), the rest B or C.
            switch i % 3 {
            case 0: text += "\(LeadFixture.phone(i)),35,120000,教师,已婚\n"
            case 1: text += "\(LeadFixture.phone(i)),30,80000,,\n"
            default: text += "\(LeadFixture.phone(i)),60,,,\n"
            }
        }
        _ = try f.importLeads(f.write("leads.csv", text))
        return f
    }

    func agent(_ code: String, team: String = "一组", hired: String = "2025-01-01", tier: Tier? = .general, status: AgentStatus = .active,
               daily: Int? = nil, open: Int? = nil) -> RosterRow {
        RosterRow(line: 0, code: code, name: code, team: team, hireDate: hired, tier: tier, status: status, dailyNewLeads: daily, maxOpenLeads: open)
    }

    func allocate(_ f: LeadFixture, configure: (inout AllocationOptions) -> Void = { _ in }) throws -> AllocationResult {
        var options = AllocationOptions()
        options.seed = 42
        configure(&options)
        return try Allocator(settings: f.settings, clock: f.clock, sales: Roster.noSales).run(f.db, options: options)
    }

    /// The pool by grade is read in `lead_pool`'s own order: no sort of the pool (a million
    /// leads in the benchmark), with or without a batch; and in that order.
    @Test func thePoolIsReadInItsIndexOrder() throws {
        let f = try center(leads: 30, agents: [agent("A1", daily: 10, open: 10)])
        _ = try f.importLeads(f.write("more.csv", "phone,age\n\(LeadFixture.phone(100)),35\n\(LeadFixture.phone(101)),60\n"))
        let (plan, ids, sorted) = try f.db.read { db in
            let order = try LeadRanking.poolOrder(db, settings: f.settings)
            let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Allocator.poolSQL(order: order), arguments: ["2026-11-23T08:00:00", nil])
                .map { $0["detail"] as String }
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM (\(Allocator.poolSQL(order: order)))", arguments: ["2026-11-23T08:00:00", nil])
            let sorted = try Int64.fetchAll(db, sql: "SELECT id FROM lead WHERE status = 'pool' ORDER BY grade, batch_id DESC, id")
            return (plan, ids, sorted)
        }
        #expect(plan.contains { $0.contains("lead_pool") } && !plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        #expect(ids == sorted && ids.count == 32)
    }

    @Test func equalAgentsGetEqualSharesWithinOne() throws {
        let f = try center(leads: 100, agents: (1...3).map { agent("A\($0)", daily: 50, open: 100) })
        let result = try allocate(f) { $0.strategy = .even }
        #expect(result.allocated == 100 && result.unallocated == 0)
        let counts = result.agents.map(\.allocated).sorted()
        #expect(counts == [33, 33, 34])
        // The extra lead goes by the seed, not by who was created first.
        var winners = Set<String>()
        for seed in 1...12 as ClosedRange<UInt64> {
            let g = try center(leads: 10, agents: (1...3).map { agent("A\($0)") })
            let r = try allocate(g) { $0.strategy = .even; $0.seed = seed }
            winners.insert(r.agents.max { $0.allocated < $1.allocated }!.agentCode)
        }
        #expect(winners.count > 1)
    }

    @Test func capacityIsDailyQuotaAndOpenCapAndASecondRunFillsWhatIsLeft() throws {
        let f = try center(leads: 60, agents: [agent("A1", daily: 10, open: 100), agent("A2", daily: 30, open: 5)])
        let first = try allocate(f)
        #expect(first.agents.first { $0.agentCode == "A1" }!.allocated == 10)
        #expect(first.agents.first { $0.agentCode == "A2" }!.allocated == 5)
        #expect(first.unallocated == 45 && first.unallocatedReasons["no_capacity"] == 45)
        let second = try allocate(f)
        #expect(second.allocated == 0)
        // Tomorrow the daily quota is fresh; the open cap still binds A2.
        try f.at("2026-11-24T09:00")
        let third = try allocate(f)
        #expect(third.agents.first { $0.agentCode == "A1" }!.allocated == 10 && third.agents.count == 1)
    }

    @Test func leftAndUntrainedAgentsGetNothing() throws {
        let f = try center(leads: 30, agents: [
            agent("A1"), agent("L1", status: .left), agent("P1", hired: "2026-11-20", tier: nil, status: .probation),
        ])
        let result = try allocate(f)
        #expect(result.agents.map(\.agentCode) == ["A1"])
        // Once the pre-job course is passed, the training gate lets the probationer in with the new-hire quota.
        let g = try center(leads: 30, agents: [agent("A1"), agent("P1", hired: "2026-11-20", tier: nil, status: .probation)])
        let trained = try allocate(g) { $0.trainedProbationers = ["P1"] }
        #expect(trained.agents.first { $0.agentCode == "P1" }!.allocated == f.settings.leads.allocation.newHireQuota)
        let none = try center(leads: 5, agents: [agent("L1", status: .left)])
        let nobody = try allocate(none)
        #expect(nobody.allocated == 0 && nobody.unallocatedReasons["no_eligible_agent"] == 5)
    }

    @Test func aGradeLeadsGoToCoreAndTopFirst() throws {
        let f = try center(leads: 30, agents: [agent("G1", tier: .general, daily: 10), agent("T1", tier: .top, daily: 10), agent("C1", tier: .core, daily: 10)])
        let result = try allocate(f) { $0.strategy = .even }
        let general = result.agents.first { $0.agentCode == "G1" }!
        #expect(general.grades["A"] == 0 && general.allocated == 10)
        #expect(result.agents.filter { $0.agentCode != "G1" }.map { $0.grades["A"]! }.reduce(0, +) == 10)
    }

    @Test func weightedSharesFollowTierWeights() throws {
        let f = try center(leads: 1_000, agents: [agent("G1", tier: .general, daily: 1_000, open: 1_000), agent("T1", tier: .top, daily: 1_000, open: 1_000)])
        let result = try allocate(f)
        // No history: weights 1.0 and 1.6 split 1,000 as 385 : 615.
        #expect(result.agents.first { $0.agentCode == "G1" }!.allocated == 385)
        #expect(result.agents.first { $0.agentCode == "T1" }!.allocated == 615)
    }

    @Test func deterministicForASeedAndDryRunWritesNothing() throws {
        func run() throws -> [Int64: String] {
            let f = try center(leads: 90, agents: (1...4).map { agent("A\($0)", tier: $0 % 2 == 0 ? .core : .general) })
            let dry = try allocate(f) { $0.dryRun = true }
            #expect(dry.allocated == 90)
            #expect(try f.count("SELECT COUNT(*) FROM lead WHERE status = 'open'") == 0)
            _ = try allocate(f)
            return try f.db.read { db in
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT lead.id, agent.code FROM lead JOIN agent ON agent.id = lead.agent_id")
                    .map { ($0[0] as Int64, $0[1] as String) })
            }
        }
        #expect(try run() == run())
    }

    /// `leads allocate` runs without foreign key checks (`Allocator.run`): after a run that
    /// commits, a dry run and a run that fails, the next transaction checks them again; and the
    /// leads, ledger lines and grants a run wrote (a second run, a reclaimed lead locked from its
    /// holder among them) leave the integrity check nothing to find.
    @Test func foreignKeysAreBackOnAfterARunAndNoRowIsOrphaned() throws {
        let f = try center(leads: 60, agents: (1...3).map { agent("A\($0)", daily: 15, open: 40) })
        func foreignKeys() throws -> Int? { try f.db.transaction { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") } }
        #expect(try allocate(f) { $0.dryRun = true }.allocated == 45)
        #expect(try foreignKeys() == 1)
        #expect(try allocate(f).allocated == 45)
        #expect(try foreignKeys() == 1)
        #expect(throws: CallOpsError.self) { try allocate(f) { $0.batch = 999 } }
        #expect(try foreignKeys() == 1)
        try f.db.transaction { db in
            try db.execute(sql: """
                UPDATE lead SET status = 'pool', agent_id = NULL, locked_agent_id = agent_id, locked_until = '2026-11-30T00:00:00'
                WHERE id = (SELECT MIN(id) FROM lead WHERE agent_id = 1)
                """)
        }
        try f.at("2026-11-24T10:00")
        #expect(try allocate(f).allocated == 16)
        #expect(try f.db.integrityProblems().isEmpty)
        #expect(try f.count("SELECT COUNT(*) FROM lead_ledger WHERE event = 'assigned'") == 61)
    }

    /// A move of a third of the leads or more builds the pool's and agents' indexes again after
    /// it; fewer, or fewer than 10,000, change them lead by lead.
    @Test func theIndexesAreBuiltAgainOnlyForALargeMove() {
        #expect(Allocator.rebuildsIndexes(moving: 1_000_000, leads: 1_000_000))
        #expect(Allocator.rebuildsIndexes(moving: 40_000, leads: 120_000))
        #expect(!Allocator.rebuildsIndexes(moving: 39_999, leads: 120_000))
        #expect(!Allocator.rebuildsIndexes(moving: 100_000, leads: 10_000_000))
        #expect(!Allocator.rebuildsIndexes(moving: 9_999, leads: 9_999))
    }

    /// Built again or changed lead by lead, the indexes end the same: the same rows, the same
    /// schema, and SQLite's integrity check (which compares every index with its table) passes; a
    /// dry run leaves them as they were.
    @Test func aMoveWithTheIndexesBuiltAgainEndsAsOneLeadByLead() throws {
        func run(rebuilding: Bool) throws -> [String] {
            let f = try center(leads: 240, agents: (1...4).map { agent("A\($0)", tier: $0 % 2 == 0 ? .core : .general, daily: 50, open: 80) })
            let schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
            let before = try f.db.read { db in try Row.fetchAll(db, sql: schema).map(\.description) }
            #expect(try allocate(f) { $0.rebuildingIndexes = rebuilding; $0.dryRun = true }.allocated == 200)
            #expect(try f.db.read { db in try Row.fetchAll(db, sql: schema).map(\.description) } == before)
            #expect(try allocate(f) { $0.rebuildingIndexes = rebuilding }.allocated == 200)
            #expect(try f.db.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
            return try f.db.read { db in
                try Row.fetchAll(db, sql: schema).map(\.description)
                    + Row.fetchAll(db, sql: "SELECT * FROM lead ORDER BY id").map(\.description)
                    + Row.fetchAll(db, sql: "SELECT * FROM lead_ledger ORDER BY id").map(\.description)
                    // Through each index: the pool by grade, an agent's leads.
                    + Row.fetchAll(db, sql: "SELECT id FROM lead INDEXED BY lead_pool WHERE status = 'pool' ORDER BY grade, batch_id DESC").map(\.description)
                    + Row.fetchAll(db, sql: "SELECT id FROM lead INDEXED BY lead_agent WHERE agent_id = 2 AND status = 'open'").map(\.description)
            }
        }
        let (rebuilt, changed) = (try run(rebuilding: true), try run(rebuilding: false))
        #expect(rebuilt == changed)
    }

    /// Invariants over generated centers: no lead held twice, nobody over capacity, DNC never allocated.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func invariantsOverGeneratedData(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let agentCount = 1 + Int(random.next() % 12)
        var agents: [RosterRow] = []
        for i in 0..<agentCount {
            let tier = Tier.allCases.randomElement(using: &random)
            let status: AgentStatus = [.active, .active, .probation, .left].randomElement(using: &random)!
            agents.append(agent("A\(i)", team: i % 2 == 0 ? "一组" : "二组", tier: tier, status: status,
                                daily: Int(random.next() % 40), open: Int(random.next() % 60)))
        }
        let f = try center(leads: Int(random.next() % 400), agents: agents)
        var dnc: [String] = []
        for _ in 0..<20 { dnc.append(LeadFixture.phone(Int(random.next() % 400))) }
        _ = try f.db.transaction { db in try DoNotCall.add(db, phones: dnc, source: "t", clock: f.clock) }
        for day in ["2026-11-23T10:00", "2026-11-23T15:00", "2026-11-24T10:00"] {
            try f.at(day)
            let seed = random.next()
            let result = try allocate(f) { $0.seed = seed }
            for line in result.agents { #expect(line.allocated <= line.capacity) }
        }
        #expect(try f.count("SELECT COUNT(*) FROM lead JOIN dnc USING (phone) WHERE lead.status = 'open'") == 0)
        #expect(try f.count("SELECT COUNT(*) FROM lead JOIN agent ON agent.id = lead.agent_id WHERE lead.status = 'open' AND (agent.status = 'left' OR agent.status = 'probation')") == 0)
        // Per agent: open leads within the open cap, each day's assignments within the daily quota.
        let overOpen = try f.count("""
            SELECT COUNT(*) FROM (SELECT agent_id, COUNT(*) n FROM lead WHERE status = 'open' GROUP BY agent_id) o
            JOIN agent ON agent.id = o.agent_id WHERE o.n > agent.max_open_leads
            """)
        #expect(overOpen == 0)
        let overDaily = try f.count("""
            SELECT COUNT(*) FROM (SELECT agent_id, substr(at, 1, 10) d, COUNT(*) n FROM lead_ledger WHERE event = 'assigned' GROUP BY 1, 2) x
            JOIN agent ON agent.id = x.agent_id WHERE x.n > agent.daily_new_leads
            """)
        #expect(overDaily == 0)
        let violations = try f.db.read { db in try LeadDataSchema.invariants.flatMap { try $0.violations(db) } }
        #expect(violations.isEmpty, "\(violations)")
    }

    @Test func apportionmentArithmetic() {
        #expect(Apportionment.largestRemainder(total: 10, weights: [1, 1, 1], capacities: [10, 10, 10], tieBreak: [3, 1, 2]) == [3, 4, 3])
        #expect(Apportionment.largestRemainder(total: 10, weights: [1, 1, 1], capacities: [2, 10, 10], tieBreak: [1, 2, 3]) == [2, 4, 4])
        #expect(Apportionment.largestRemainder(total: 100, weights: [1, 1], capacities: [5, 7], tieBreak: [1, 2]) == [5, 7])
        #expect(Apportionment.largestRemainder(total: 5, weights: [0, 1], capacities: [5, 5], tieBreak: [1, 2]) == [0, 5])
        #expect(Apportionment.largestRemainder(total: 0, weights: [1], capacities: [5], tieBreak: [1]) == [0])
        #expect(Apportionment.largestRemainder(total: 7, weights: [1], capacities: [0], tieBreak: [1]) == [0])
        // One lucky sale out of 2 worked does not double the weight (team converts 5%).
        let smoothed = Apportionment.smoothedConversion(sales: 1, leadsWorked: 2, teamRate: 0.05, priorLeads: 50)
        #expect(abs(smoothed - 3.5 / 52) < 1e-12)
        #expect(abs(Apportionment.allocationWeight(tierWeight: 1.0, smoothedConversion: smoothed, teamRate: 0.05) - 1.346) < 0.001)
    }
}
