import CallOpsCore
import CallOpsStore
import Foundation
import GRDB
import Roster
import Testing

@testable import LeadData

/// Writes `sql` as an outside tool would (past the CHECK constraints, foreign keys deferred),
/// runs `read` on the damaged database and rolls both back: the read must throw the
/// `StoredValueError` naming `table` and `column`, never trap, and `callops check` (the modules'
/// stored-value checks) must list the value by the same table and column.
func expectStoredValueError(
    _ db: AppDatabase, damage sql: String, table: String, column: String, value: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation, _ read: (Database) throws -> Void
) throws {
    try db.transaction(dryRun: true) { db in
        try db.execute(sql: "PRAGMA defer_foreign_keys = ON; PRAGMA ignore_check_constraints = ON")
        defer { try? db.execute(sql: "PRAGMA ignore_check_constraints = OFF") }
        try db.execute(sql: sql)
        let listed = try (RosterSchema.storedValueChecks + LeadDataSchema.storedValueChecks).flatMap { try $0.violations(db) }
        #expect(listed.contains { $0.contains("\(table) row ") && $0.contains("column \(column):") }, "\(sql): check lists \(listed)", sourceLocation: sourceLocation)
        do {
            try read(db)
            Issue.record("\(sql): read without an error", sourceLocation: sourceLocation)
        } catch let error as StoredValueError {
            #expect(error.table == table && error.column == column, "\(error)", sourceLocation: sourceLocation)
            if let value { #expect(error.value == value, "\(error)", sourceLocation: sourceLocation) }
            #expect(error.description.contains("callops check"), sourceLocation: sourceLocation)
        }
    }
}

/// The lead data's tables read back through `StoredValue`: a value written outside callops is
/// the error naming table, row and column (SPEC section 12), never a crash.
@Suite struct LeadDataStoredValueTests {
    func center() throws -> LeadFixture {
        let f = try LeadFixture()
        try f.roster([RosterRow(line: 0, code: "A001", name: "甲", team: "一组", hireDate: "2025-01-01", tier: .general, status: .active)])
        _ = try f.importLeads(f.write("leads.csv", "phone,age\n\(LeadFixture.phone(1)),35\n\(LeadFixture.phone(2)),40\n"))
        return f
    }

    @Test func aLeadsBadValuesAreNamed() throws {
        let f = try center()
        // The cadence's window onto the lead (LeadProgress.Snapshot, once Decodable).
        for (column, damage) in [("attempts", "attempts = 'abc'"), ("agent_id", "agent_id = 'zz'"), ("status", "status = 'bogus'"),
                                 ("grade", "grade = 'Z'"), ("follow_ups", "follow_ups = 9223372036854775807"), ("age", "age = 'old'"),
                                 ("income_fen", "income_fen = -5")] {
            try expectStoredValueError(f.db, damage: "UPDATE lead SET \(damage) WHERE id = 1", table: "lead", column: column) { db in
                _ = try LeadProgress.lead(db, id: 1)
            }
        }
        #expect(try f.db.read { db in try LeadProgress.lead(db, id: 1) }?.attempts == 0)
        // `leads why` reads the score and the batch through StoredValue.
        try expectStoredValueError(f.db, damage: "UPDATE lead SET score = 'high' WHERE id = 2", table: "lead", column: "score", value: "high") { db in
            _ = try LeadExplanation.explain(db, lead: 2, clock: f.clock, windows: try CallingWindows(f.settings.cadence.windows))
        }
        // An open lead without an agent (past the CHECK) stops the allocation with its name.
        try expectStoredValueError(f.db, damage: "UPDATE lead SET status = 'open', agent_id = NULL WHERE id = 1", table: "lead", column: "agent_id", value: "NULL") { db in
            _ = try Allocator(settings: f.settings, clock: f.clock, sales: Roster.noSales).allocate(db, options: AllocationOptions())
        }
        try expectStoredValueError(f.db, damage: "UPDATE lead SET status = 'pool', locked_agent_id = 'x', locked_until = '9999-12-31T00:00:00' WHERE id = 1",
                                   table: "lead", column: "locked_agent_id") { db in
            _ = try Allocator(settings: f.settings, clock: f.clock, sales: Roster.noSales).allocate(db, options: AllocationOptions())
        }
        try expectStoredValueError(f.db, damage: "UPDATE lead SET status = 'exhausted', closed_at = '2026-01-01T00:00:00', recycle_count = 'many' WHERE id = 1",
                                   table: "lead", column: "recycle_count") { db in
            _ = try Recycler(settings: f.settings, clock: f.clock).recycle(db)
        }
        try expectStoredValueError(f.db, damage: "UPDATE lead SET propensity = 'likely' WHERE id = 1", table: "lead", column: "propensity") { db in
            _ = try LeadScoring.explain(db, lead: 1)
        }
    }

    /// Scoring reads every lead it trains on and scores through StoredValue: text in `age` or
    /// `married` was an age of 0 or an unmarried lead, trained and scored on without a word.
    @Test func scoringReadsAreNamed() throws {
        let f = try center()
        var settings = f.settings
        settings.leads.scoring.minSales = 1
        let scoring = LeadScoring(settings: settings, clock: f.clock)
        let closed = "UPDATE lead SET status = 'won', closed_at = '2026-11-01T10:00:00' WHERE id = 2; UPDATE lead SET status = 'lost', closed_at = '2026-11-01T10:00:00', "
        for (column, damage, value) in [("age", "age = 'old'", "old"), ("married", "married = 'yes'", "yes"), ("income_fen", "income_fen = 'lots'", "lots"),
                                        ("grade", "grade = 'Z'", "Z")] {
            try expectStoredValueError(f.db, damage: "UPDATE lead SET \(damage) WHERE id = 1", table: "lead", column: column, value: value) { db in
                _ = try LeadScoring.record(db, lead: 1)
            }
            // `leads score train` reads the closed leads it fits on.
            try expectStoredValueError(f.db, damage: closed + "\(damage) WHERE id = 1", table: "lead", column: column, value: value) { db in
                _ = try scoring.train(db, options: .init())
            }
        }
        try expectStoredValueError(f.db, damage: "UPDATE lead SET status = 'bogus' WHERE id = 1", table: "lead", column: "status", value: "bogus") { db in
            _ = try LeadScoring.record(db, lead: 1)
        }
        // The model's training time is read for `daily`'s warning: one that does not read was no warning at all.
        try expectStoredValueError(f.db, damage: "INSERT INTO lead_model (trained_at, leads, sales, card, model) VALUES ('last week', 10, 1, '{}', '{}')",
                                   table: "lead_model", column: "trained_at", value: "last week") { db in
            _ = try scoring.staleModelWarning(db)
        }
    }

    @Test func aBatchsLedgersAndGrantsBadValuesAreNamed() throws {
        let f = try center()
        try expectStoredValueError(f.db, damage: "UPDATE lead_batch SET rows = 'many'", table: "lead_batch", column: "rows", value: "many") { db in
            _ = try LeadStats.batches(db)
        }
        try expectStoredValueError(f.db, damage: "UPDATE lead_batch SET cost_per_lead_fen = 'cheap'", table: "lead_batch", column: "cost_per_lead_fen") { db in
            _ = try LeadStats.batches(db)
        }
        try expectStoredValueError(f.db, damage: "INSERT INTO lead_ledger (lead_id, at, event, agent_id, reason) VALUES (1, '2026-11-23T09:00:00', 'assigned', 'x', 'r')",
                                   table: "lead_ledger", column: "agent_id", value: "x") { db in
            _ = try LeadLedger.history(db, lead: 1)
        }
        try expectStoredValueError(f.db, damage: "INSERT INTO allocation_grant (at, agent_id, leads, lead_ids) VALUES ('2026-11-23T09:00:00', 'x', 1, '[1]')",
                                   table: "allocation_grant", column: "agent_id") { db in
            _ = try AllocationGrants.givenSince(db, from: "2026-11-23T00:00:00")
        }
        var settings = f.settings
        settings.leads.rankBy = "score"
        try expectStoredValueError(f.db, damage: """
            INSERT INTO lead_model (trained_at, leads, sales, auc, grade_auc, card, model) VALUES ('2026-11-01T00:00:00', 10, 1, 'good', 0.5, '{}', '{}')
            """, table: "lead_model", column: "auc", value: "good") { db in
            _ = try LeadRanking.rankingModel(db, settings: settings)
        }
        #expect(try f.db.read { db in try LeadStats.batches(db) }.first?.rows == 2)
    }

    /// Audit: malformed JSON in allocation_grant.lead_ids gave SQLite's "malformed JSON" with
    /// the query's text; now the named error, and check lists it (and a bad lead class, a
    /// scoring model that is not JSON, a lead age out of range).
    @Test func malformedGrantJSONAndUnknownLeadValuesAreNamed() throws {
        let f = try center()
        let grant = "INSERT INTO allocation_grant (at, agent_id, leads, lead_ids) VALUES ('2026-11-23T09:00:00', 1, 1, '[1')"
        try expectStoredValueError(f.db, damage: grant, table: "allocation_grant", column: "lead_ids", value: "[1") { db in
            _ = try AllocationGrants.distinctLeads(db, from: "2026-11-23T00:00:00", to: "2026-11-24T00:00:00")
        }
        try f.db.transaction(dryRun: true) { db in
            try db.execute(sql: "PRAGMA defer_foreign_keys = ON; PRAGMA ignore_check_constraints = ON")
            defer { try? db.execute(sql: "PRAGMA ignore_check_constraints = OFF") }
            try db.execute(sql: grant + "; UPDATE lead SET class = 'hot', age = 400 WHERE id = 1")
            try db.execute(sql: "INSERT INTO lead_model (trained_at, leads, sales, auc, grade_auc, card, model) VALUES ('2026-11-01T00:00:00', 10, 1, 0.5, 0.5, '{}', 'not json')")
            let listed = try LeadDataSchema.storedValueChecks.flatMap { try $0.violations(db) }
            for column in ["class", "age"] { #expect(listed.contains { $0.contains(": lead row 1, column \(column):") }, "\(listed)") }
            #expect(listed.contains { $0.contains("lead_model row ") && $0.contains("column model:") }, "\(listed)")
            // The grants invariant skips the malformed list (the line above names it) instead of failing.
            #expect(try AllocationGrants.invariant.violations(db).isEmpty)
        }
    }
}

/// The roster's tables read back through `StoredValue`.
@Suite struct RosterStoredValueTests {
    @Test func anAgentsBadValuesAreNamed() throws {
        let f = try LeadFixture()
        try f.roster([RosterRow(line: 0, code: "A001", name: "甲", team: "一组", hireDate: "2025-01-01", tier: .general, status: .active)])
        // Through GRDB text in a quota read as 0: an agent silently given no leads.
        try expectStoredValueError(f.db, damage: "UPDATE agent SET daily_new_leads = 'lots'", table: "agent", column: "daily_new_leads", value: "lots") { db in
            _ = try Roster.agents(db)
        }
        try expectStoredValueError(f.db, damage: "UPDATE agent SET max_open_leads = -1", table: "agent", column: "max_open_leads") { db in
            _ = try Roster.agent(db, code: "A001")
        }
        try expectStoredValueError(f.db, damage: "UPDATE agent SET team_id = 'x'", table: "agent", column: "team_id") { db in
            _ = try Roster.standings(db, ids: [1])
        }
        try expectStoredValueError(f.db, damage: "UPDATE agent SET left_on = '2026-02-30'", table: "agent", column: "left_on", value: "2026-02-30") { db in
            _ = try Roster.tenures(db)
        }
        try expectStoredValueError(f.db, damage: "UPDATE agent SET status = 'bogus'", table: "agent", column: "status") { db in
            _ = try Roster.agents(db)
        }
        // The stored record (`AgentRecord`) holds the cases: an unknown tier, status or role is
        // the named error when read through it, not a string passed on.
        try expectStoredValueError(f.db, damage: "UPDATE agent SET status = 'gone'", table: "agent", column: "status", value: "gone") { db in
            _ = try Roster.standings(db, ids: [1])
        }
        try expectStoredValueError(f.db, damage: "UPDATE agent SET role = 'boss'", table: "agent", column: "role", value: "boss") { db in
            _ = try Roster.tenures(db)
        }
        try expectStoredValueError(f.db, damage: "UPDATE agent SET tier = 'star'", table: "agent", column: "tier", value: "star") { db in
            _ = try Roster.tenures(db)
        }
        try expectStoredValueError(f.db, damage: """
            INSERT INTO agent_tenure_event (agent_id, kind, day, reason, recorded_at) VALUES (1, 'left', 'soon', NULL, '2026-11-23T10:00:00')
            """, table: "agent_tenure_event", column: "day", value: "soon") { db in
            _ = try Roster.tenureEvents(db)
        }
        try expectStoredValueError(f.db, damage: """
            INSERT INTO agent_tenure_event (agent_id, kind, day, reason, recorded_at) VALUES ('one', 'left', '2026-11-01', NULL, '2026-11-23T10:00:00')
            """, table: "agent_tenure_event", column: "agent_id") { db in
            _ = try Roster.tenureEvents(db)
        }
        #expect(try f.db.read { db in try Roster.agents(db) }.map(\.code) == ["A001"])
    }

    /// The tier records decode every column: a review rank or a history row another tool wrote
    /// is named by the tier every command resolves (`roster list`, pay, allocation).
    @Test func tierRecordsBadValuesAreNamed() throws {
        let f = try LeadFixture()
        try f.roster([RosterRow(line: 0, code: "A001", name: "甲", team: "一组", hireDate: "2025-01-01", tier: .general, status: .active)])
        let day = CivilDay("2026-11-23")!, rules = f.settings.roster
        let review = "INSERT INTO tier_review (agent_id, month, tier, why, applied_at) VALUES "
        try expectStoredValueError(f.db, damage: review + "(1, '2026-10', 'star', 'w', '2026-10-01T00:00:00')", table: "tier_review", column: "tier", value: "star") { db in
            _ = try Roster.tiers(db, on: day, rules: rules, sales: Roster.noSales)
        }
        try expectStoredValueError(f.db, damage: review + "('A001', '2026-10', 'core', 'w', '2026-10-01T00:00:00')", table: "tier_review", column: "agent_id", value: "A001") { db in
            _ = try Roster.tiers(db, on: day, rules: rules, sales: Roster.noSales)
        }
        try expectStoredValueError(f.db, damage: review + "(1, '2026-1', 'core', 'w', '2026-10-01T00:00:00')", table: "tier_review", column: "month", value: "2026-1") { db in
            _ = try Roster.tiers(db, on: day, rules: rules, sales: Roster.noSales)
        }
        let history = "INSERT INTO tier_history (agent_id, month, tier, source, why, as_of) VALUES "
        try expectStoredValueError(f.db, damage: history + "(1, '2026-11', 'core', 'guess', 'w', '2026-11-23')", table: "tier_history", column: "source", value: "guess") { db in
            _ = try Roster.tierHistory(db, agent: "A001")
        }
        try expectStoredValueError(f.db, damage: history + "(1, '2026-11', 'core', 'roster', 'w', '2026-11-31')", table: "tier_history", column: "as_of", value: "2026-11-31") { db in
            _ = try Roster.tierHistory(db, agent: "A001")
        }
        // The tier history written and read back through the record, in its columns.
        try f.db.transaction { db in
            #expect(try Roster.recordTiers(db, on: day, rules: rules, sales: Roster.noSales) == 1)
            let entry = try #require(try Roster.tierHistory(db, agent: "A001").first)
            #expect(entry.month == CivilMonth("2026-11") && entry.asOf == day && entry.tier == .general)
            #expect(try Row.fetchOne(db, sql: "SELECT month, tier, as_of FROM tier_history") == ["month": "2026-11", "tier": "general", "as_of": "2026-11-23"])
            try Roster.setReviewRank(db, agent: "A001", month: CivilMonth("2026-12")!, tier: .core, why: "review", at: "2026-11-23T10:00:00")
            #expect(try Row.fetchOne(db, sql: "SELECT month, tier FROM tier_review") == ["month": "2026-12", "tier": "core"])
            // The same rank again is found through the record's typed tier: nothing changes.
            #expect(try Roster.setReviewRank(db, agent: 1, from: CivilMonth("2026-12")!, tier: .core, why: "again", clock: f.clock) == false)
            #expect(try Roster.setReviewRank(db, agent: 1, from: CivilMonth("2026-12")!, tier: .top, why: "again", clock: f.clock) == true)
        }
    }
}

/// Grouped reads name the row: a premium summed over a batch's or a class's leads, with text in
/// one lead (SUM counts text as 0 and gives a real, so the figure was lower without a word),
/// names that lead by a follow-up query, not "row ?" or the batch's id.
@Suite struct LeadDataStoredValueGroupedTests {
    @Test func aSummedPremiumNamesTheLead() throws {
        let f = try LeadFixture()
        try f.roster([RosterRow(line: 0, code: "A001", name: "甲", team: "一组", hireDate: "2025-01-01", tier: .general, status: .active)])
        _ = try f.importLeads(f.write("leads.csv", "phone,age\n\(LeadFixture.phone(1)),35\n\(LeadFixture.phone(2)),40\n"))
        let reads: [(Database) throws -> Void] = [{ db in _ = try LeadStats.byClass(db) }, { db in _ = try LeadStats.batches(db) }]
        for read in reads {
            try expectStoredValueError(f.db, damage: "UPDATE lead SET premium_fen = CASE id WHEN 2 THEN 'lots' ELSE 100 END",
                                       table: "lead", column: "premium_fen", value: "lots") { db in
                do { try read(db) } catch let error as StoredValueError {
                    #expect(error.row == "2", "\(error)")
                    throw error
                }
            }
        }
        // Whole amounts still sum as before.
        try f.db.transaction(dryRun: true) { db in
            try db.execute(sql: "UPDATE lead SET premium_fen = 100")
            #expect(try LeadStats.batches(db).first?.premium == Money(fen: 200))
            #expect(try LeadStats.byClass(db).map(\.premium).reduce(.zero, +) == Money(fen: 200))
        }
    }

    /// The score deciles' premium (a SUM over the leads sold after the model) likewise: it was
    /// decoded by GRDB, a fraction an error naming no row and text a lower figure.
    @Test func aDecilesSummedPremiumNamesTheLead() throws {
        let f = try LeadFixture()
        _ = try f.importLeads(try f.write("leads.csv", "phone,name\n13900004000,甲\n13900004001,乙\n"))
        try f.db.transaction(dryRun: true) { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            defer { try? db.execute(sql: "PRAGMA ignore_check_constraints = OFF") }
            try db.execute(sql: """
                INSERT INTO lead_model (id, trained_at, leads, sales, auc, grade_auc, card, model) VALUES (1, '2026-11-20T10:00:00', 300, 210, 0.7, 0.5, '{}', '{}');
                UPDATE lead SET propensity = 0.5, propensity_model_id = 1, status = 'won', closed_at = '2026-11-22T10:00:00', premium_fen = 300000
                """)
            #expect(try LeadScoring.deciles(db, batch: nil).map(\.premium) == [Money(fen: 300000), Money(fen: 300000)])
            try db.execute(sql: "UPDATE lead SET premium_fen = 'lots' WHERE id = 2")
            #expect { try LeadScoring.deciles(db, batch: nil) } throws: { error in
                guard let error = error as? StoredValueError else { return false }
                return error.table == "lead" && error.row == "2" && error.column == "premium_fen" && error.value == "lots"
            }
        }
    }
}
