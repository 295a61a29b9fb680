import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Testing

@testable import FollowUp

@Suite struct RenewalsTests {
    @Test func theRulesCountFromTheSaleDay() {
        let sold = CivilDay("2026-01-31")!
        #expect(RenewalRules.dueDay(soldOn: sold, mode: .monthly, installment: 1).description == "2026-02-28")
        #expect(RenewalRules.dueDay(soldOn: sold, mode: .monthly, installment: 2).description == "2026-03-31")
        #expect(RenewalRules.dueDay(soldOn: sold, mode: .annual, installment: 1).description == "2027-01-31")
        #expect(RenewalRules.installment(annualPremium: Money(yuan: 1_000), mode: .monthly) == Money(yuan: 83.33))
        #expect(RenewalRules.installment(annualPremium: Money(yuan: 1_000), mode: .annual) == Money(yuan: 1_000))
        #expect(RenewalRules.installment(annualPremium: Money(fen: 18), mode: .monthly) == Money(fen: 2))
        // 60 days of grace: due 2026-03-01, covered through 2026-04-30, lapsed from 2026-05-01.
        #expect(RenewalRules.lapseDay(due: CivilDay("2026-03-01")!, graceDays: 60).description == "2026-05-01")
        #expect(RenewalRules.rate(Money(yuan: 1), of: .zero) == nil)
    }

    /// A monthly policy through collection, grace, lapse and the report; an annual one delivered late.
    @Test func aPolicyFromSaleToLapse() throws {
        let day = try AgentDay()
        try day.call(1, .sale, talk: 600, at: "2026-11-20T10:05", sale: SaleInput(product: "ACC01", premium: Money(yuan: 1_200), monthly: true))
        try day.call(2, .sale, talk: 600, at: "2026-11-20T10:20", sale: SaleInput(product: "CI01", premium: Money(yuan: 5_000)))
        var renewals: Renewals { Renewals(settings: day.settings, clock: day.clock) }
        func write<T>(_ body: (Database) throws -> T) throws -> T { try day.db.transaction(body) }

        #expect(try day.db.read { db in try String.fetchAll(db, sql: "SELECT next_due_on FROM policy ORDER BY id") } == ["2026-12-20", "2027-11-20"])
        // Delivery: policy 1 on the 22nd; policy 2 never, so late from the 28th (7 days).
        #expect(throws: CallOpsError.self) { try write { db in try renewals.deliver(db, policy: 1, on: CivilDay("2026-11-22")) } }
        try day.at("2026-11-22T09:00")
        try write { db in try renewals.deliver(db, policy: 1, on: CivilDay("2026-11-22")) }
        #expect(throws: CallOpsError.self) { try write { db in try renewals.deliver(db, policy: 1) } }
        #expect(throws: CallOpsError.self) { try write { db in try renewals.deliver(db, policy: 2, on: CivilDay("2026-11-19")) } }
        try day.at("2026-11-27T09:00")
        #expect(try day.db.read(renewals.lateDeliveries).isEmpty)
        try day.at("2026-11-28T09:00")
        #expect(try day.db.read(renewals.lateDeliveries).map(\.policyID) == [2])

        // Due within 30 days of 2026-11-28: the monthly premium, 100 yuan, not the annual one.
        var due = try day.db.read { db in try renewals.due(db, within: 30) }
        #expect(due.map(\.policyID) == [1] && due[0].amount == Money(yuan: 100) && due[0].installment == 1 && due[0].graceUntil == "2027-02-18")
        #expect(try day.db.read { db in try renewals.due(db, within: 21) }.isEmpty)
        // Refused: the wrong amount, a day in the future, a year's premium a year early.
        #expect(throws: CallOpsError.self) { try write { db in try renewals.collect(db, policy: 1, amount: Money(yuan: 1_200)) } }
        #expect(throws: CallOpsError.self) { try write { db in try renewals.collect(db, policy: 2, amount: Money(yuan: 5_000)) } }
        #expect(throws: CallOpsError.self) { try write { db in try renewals.collect(db, policy: 1, amount: Money(yuan: 100), on: CivilDay("2026-11-29")) } }
        let first = try write { db in try renewals.collect(db, policy: 1, amount: Money(yuan: 100)) }
        #expect(first.installment == 1 && first.dueOn == "2026-12-20" && first.nextDueOn == "2027-01-20")

        // The agent's queue shows the next premium within 7 days of its due day, after stabilisation.
        try day.at("2027-01-12T10:00")
        #expect(!(try day.queue()).contains { $0.reason == .renewal })
        try day.at("2027-01-13T10:00")
        let queue = try day.queue()
        #expect(queue.first?.reason == .renewal && queue.first?.policyID == 1 && queue.first?.purpose.contains("100.00 yuan") == true)

        // Unpaid: in grace through 2027-03-21 (60 days), lapsed on 2027-03-22.
        try day.at("2027-03-21T10:00")
        #expect(try write(renewals.applyLapses) == 0)
        due = try day.db.read { db in try renewals.due(db, within: 0) }
        #expect(due.map(\.policyID) == [1] && due[0].daysOverdue == 60)
        try day.at("2027-03-22T10:00")
        #expect(try day.db.read { db in try renewals.due(db, within: 0) }.isEmpty)
        #expect(!(try day.queue()).contains { $0.reason == .renewal })
        #expect(throws: CallOpsError.self) { try write { db in try renewals.collect(db, policy: 1, amount: Money(yuan: 100)) } }
        #expect(try write(renewals.applyLapses) == 1)
        #expect(try day.db.read { db in try String.fetchOne(db, sql: "SELECT status || ' ' || lapsed_on FROM policy WHERE id = 1") } == "lapsed 2027-03-22")
        #expect(try write(renewals.applyLapses) == 0)
        // Paid on the last day of grace and recorded the day after: the lapse is undone (tried, then rolled back).
        let late = try day.db.transaction(dryRun: true) { db in
            (try renewals.collect(db, policy: 1, amount: Money(yuan: 100), on: CivilDay("2027-03-21")),
             try String.fetchOne(db, sql: "SELECT status FROM policy WHERE id = 1"))
        }
        #expect(late.0.installment == 2 && late.0.nextDueOn == "2027-02-20" && late.1 == "in_force")

        // The report for December 2026: one premium due and paid. For January 2027: one due, unpaid.
        // March 2027: the lapse. December 2027: the November 2026 cohort, 13 months on: the annual
        // policy (5,000) is in force if its premium is paid, the monthly one (1,200) lapsed.
        try day.at("2027-12-31T12:00")
        let december = try write { db in try renewals.report(db, month: CivilDay("2026-12-01")) }
        #expect(december.center.due == 1 && december.center.collected == 1 && december.center.collectionRate == 1)
        let january = try write { db in try renewals.report(db, month: CivilDay("2027-01-15")) }
        #expect(january.center.due == 1 && january.center.collected == 0 && january.center.collectionRate == 0)
        // February 2027: premium 3 fell due on 02-20 while January's premium 2 was still unpaid; it counts as due.
        let february = try write { db in try renewals.report(db, month: CivilDay("2027-02-01")) }
        #expect(february.center.due == 1 && february.center.dueAmount == Money(yuan: 100))
        let firstQuarter = try write { db in try renewals.report(db, month: CivilDay("2027-03-01")) }
        // March: premium 4 would fall due on 03-20, before the lapse on 03-22: still due.
        #expect(firstQuarter.center.due == 1)
        let march = try write { db in try renewals.report(db, month: CivilDay("2027-03-01")) }
        #expect(march.center.lapses == 1 && march.center.lapsedPremium == Money(yuan: 1_200) && march.agents.map(\.agentCode) == ["A1"])
        #expect(march.teams.map(\.team) == ["一组"])
        // Policy 2's first renewal was due 2027-11-20; at 2027-12-31 it is in grace, so still in force.
        let cohort = try write { db in try renewals.report(db) }
        #expect(cohort.cohortMonth == "2026-11" && cohort.center.cohortIssued == Money(yuan: 6_200) && cohort.center.cohortInForce == Money(yuan: 5_000))
        #expect(cohort.center.persistency == 5_000.0 / 6_200.0)
        #expect(throws: CallOpsError.self) { try write { db in try renewals.report(db, month: CivilDay("2028-01-01")) } }
        #expect(try day.db.read { db in try FollowUpSchema.invariants.flatMap { try $0.violations(db) } }.isEmpty)
    }
}

@Suite struct RenewalsMigrationTests {
    /// A database from before renewals (and before batches kept their file's size) opens with
    /// every policy taken as paid up to the database's last activity (a call on 2026-11-20): its
    /// next premium is the first due from then on, so none lapses on the first run.
    @Test func anOlderDatabaseIsMigrated() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("old.sqlite").path
        let later: Set<String> = ["leads.v2", "renewals.v1", "roster.departures", "followup.servicing"]
        do {
            let old = try AppDatabase.open(path: path, schema: FollowUpSchema.migrations.filter { !later.contains($0.name) })
            try old.transaction { db in
                try db.execute(sql: """
                    INSERT INTO team (name) VALUES ('一组');
                    INSERT INTO agent (code, name, team_id, hire_date, status) VALUES ('A1', '甲', 1, '2025-01-01', 'active');
                    INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('v', 'a.csv', 'h', '2026-01-01T09:00:00');
                    INSERT INTO lead (batch_id, phone, grade, score, status, closed_at) VALUES (1, '13900000001', 'A', 90, 'won', '2026-01-31T10:00:00');
                    INSERT INTO lead (batch_id, phone, grade, score, status, closed_at) VALUES (1, '13900000002', 'A', 90, 'won', '2026-03-15T10:00:00');
                    INSERT INTO policy (lead_id, agent_id, product, line, premium_fen, mode, insured, commission_fen, sold_at)
                        VALUES (1, 1, 'ACC01', 'accident', 120000, 'monthly', 'self', 30000, '2026-01-31T10:00:00'),
                               (2, 1, 'CI01', 'critical_illness', 500000, 'annual', 'self', 150000, '2026-03-15T10:00:00');
                    INSERT INTO call (call_id, lead_id, agent_id, started_at, talk_seconds, disposition, contact, effective)
                        VALUES ('c1', 1, 1, '2026-11-20T10:00:00', 120, 'connected', 1, 1);
                    """)
            }
            try old.writer.close()
        }
        let db = try AppDatabase.open(path: path, schema: FollowUpSchema.migrations)
        #expect(try db.read { db in try String.fetchAll(db, sql: "SELECT next_due_on || ' ' || renewals_paid FROM policy ORDER BY id") }
                == ["2026-11-30 9", "2027-03-15 0"])
        // Every older policy is served by its seller (SPEC section 7, servicing agents).
        #expect(try db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM policy WHERE servicing_agent_id = agent_id") } == 2)
        let renewals = Renewals(settings: .defaults, clock: try Clock(fixed: "2026-11-23T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!))
        #expect(try db.transaction(renewals.applyLapses) == 0)
        let paid = try db.transaction { db in try renewals.collect(db, policy: 1, amount: Money(yuan: 100), on: CivilDay("2026-11-23")) }
        #expect(paid.installment == 10 && paid.nextDueOn == "2026-12-31")
        #expect(try db.read { db in try Int?.fetchOne(db, sql: "SELECT file_bytes FROM lead_batch") } == .some(nil))
        #expect(try db.read { db in try FollowUpSchema.invariants.flatMap { try $0.violations(db) } }.isEmpty)
    }
}
