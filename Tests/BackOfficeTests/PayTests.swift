import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import LeadData
import Roster
import Testing

@testable import BackOffice

@Suite struct PayPlanTests {
    let rules = Settings.defaults.pay

    @Test func theMonthsLinesByThePlan() {
        // A core agent: 7,000 of FYC, 500 clawed back: net 6,500 reaches the 15% tier; 85% persistency keeps it × 1.
        let lines = PayPlan.lines(PayInputs(tier: .core, fyc: Money(yuan: 7_000), clawback: Money(yuan: 500), policiesKept: 4, persistency: 0.85), rules: rules)
        #expect(lines.map(\.kind) == [.base, .commission, .tierBonus, .sellingBonus, .clawback])
        #expect(lines.map(\.amount) == [Money(yuan: 4_000), Money(yuan: 7_000), Money(yuan: 975), Money(yuan: 300), Money(yuan: -500)])
        #expect(PayPlan.total(lines) == Money(yuan: 11_775))
        #expect(PayPlan.variableShare(lines) == 7_775.0 / 11_775.0)
        // Persistency steps: 95% × 1.1, 75% × 0.9, 50% × 0.8, none measured × 1.
        #expect(PayPlan.persistencyMultiplier(0.95, rules: rules) == 1.1 && PayPlan.persistencyMultiplier(0.75, rules: rules) == 0.9)
        #expect(PayPlan.persistencyMultiplier(0.5, rules: rules) == 0.8 && PayPlan.persistencyMultiplier(nil, rules: rules) == 1)
        let high = PayPlan.lines(PayInputs(tier: .top, fyc: Money(yuan: 12_000), clawback: .zero, policiesKept: 6, persistency: 0.95), rules: rules)
        #expect(high.first { $0.kind == .tierBonus }?.amount == Money(yuan: 2_640))  // 20% × 12,000 × 1.1
        // Below the first tier: no bonus; nothing sold: base only, all fixed; a leaver: no base.
        let low = PayPlan.lines(PayInputs(tier: .general, fyc: Money(yuan: 2_999.99), clawback: .zero, policiesKept: 1, persistency: nil), rules: rules)
        #expect(!low.contains { $0.kind == .tierBonus })
        let idle = PayPlan.lines(PayInputs(tier: .new, fyc: .zero, clawback: .zero, policiesKept: 0, persistency: nil), rules: rules)
        #expect(idle.map(\.kind) == [.base] && PayPlan.variableShare(idle) == 0)
        let leaver = PayPlan.lines(PayInputs(tier: .general, fyc: .zero, clawback: Money(yuan: 300), policiesKept: 0, persistency: nil, baseDays: (0, 30)), rules: rules)
        #expect(leaver.map(\.kind) == [.clawback] && PayPlan.variableShare(leaver) == nil)
        // Hired on the 21st of a 30-day month: 10 days of 3,000.
        let hire = PayPlan.lines(PayInputs(tier: .new, fyc: .zero, clawback: .zero, policiesKept: 0, persistency: nil, baseDays: (10, 30)), rules: rules)
        #expect(hire.map(\.amount) == [Money(yuan: 1_000)] && hire[0].detail.hasSuffix("10 of 30 days"))
    }

    @Test func theQuartersReview() {
        // core keeps at 15,000; within 80% (12,000) warns; below demotes; top's 30,000 promotes.
        #expect(PayPlan.review(tier: .core, quarterFYC: Money(yuan: 30_000), rules: rules) == .promote)
        #expect(PayPlan.review(tier: .core, quarterFYC: Money(yuan: 15_000), rules: rules) == .keep)
        #expect(PayPlan.review(tier: .core, quarterFYC: Money(yuan: 12_000), rules: rules) == .warn)
        #expect(PayPlan.review(tier: .core, quarterFYC: Money(yuan: 11_999.99), rules: rules) == .demote)
        #expect(PayPlan.review(tier: .top, quarterFYC: Money(yuan: 1_000_000), rules: rules) == .keep)
        #expect(PayPlan.review(tier: .new, quarterFYC: .zero, rules: rules) == .keep)
        #expect(PayPlan.review(tier: .new, quarterFYC: Money(yuan: 6_000), rules: rules) == .promote)
    }
}

@Suite struct PayRunTests {
    /// Two agents; sales in October and November 2026; a cancellation; runs, finalising, a locked
    /// month, and a late-recorded October sale paid as an adjustment in November.
    @Test func draftsFinalsAndAdjustments() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-pay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try AppDatabase.open(path: folder.appendingPathComponent("t.sqlite").path, schema: BackOfficeSchema.migrations)
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let settings = Settings.defaults
        func clock(_ at: String) throws -> Clock { try Clock(fixed: at, timeZone: zone) }
        let path = folder.appendingPathComponent("l.csv").path
        try ("phone,name,age\n" + (1...6).map { "1390000000\($0),客户\($0),35" }.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try db.transaction { db in
            _ = try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 2, code: "C1", name: "甲", team: "一组", hireDate: "2025-01-01", tier: .core, status: .active),
                RosterRow(line: 3, code: "G1", name: "乙", team: "一组", hireDate: "2025-01-01", tier: .general, status: .active),
            ], hasSeatColumn: false), file: "t")
            _ = try LeadImporter(settings: settings, clock: clock("2026-10-01T09:00")).importFile(db, path: path, options: ImportOptions(source: "t"))
        }
        // CI01 pays 30% commission: 20,000 of premium is 6,000 of FYC.
        func sell(_ lead: Int64, _ agent: String, _ premium: Double, at: String) throws {
            try db.transaction { db in
                let sales = Sales(settings: settings, clock: try clock(at))
                _ = try sales.create(db, lead: LeadProgress.lead(db, id: lead)!, agent: Roster.agent(db, code: agent),
                                     sale: SaleInput(product: "CI01", premium: Money(yuan: premium)), at: try clock(at).now)
            }
        }
        try sell(1, "C1", 20_000, at: "2026-10-10T10:00")
        try sell(2, "C1", 8_000, at: "2026-10-20T10:00")
        try sell(3, "G1", 4_000, at: "2026-10-30T10:00")
        func run(_ month: String, at: String, finalize: Bool = false) throws -> PayRunResult {
            try db.transaction { db in try PayRun(settings: settings, clock: try clock(at)).run(db, month: CivilDay(month + "-01")!, finalize: finalize) }
        }
        let october = try run("2026-10", at: "2026-10-31T20:00")
        let c1 = try #require(october.statements.first { $0.agentCode == "C1" })
        // C1: base 4,000, FYC 8,400, 15% bonus 1,260, selling 300. G1: 3,500, 1,200 (no bonus tier), 300.
        #expect(c1.total == Money(yuan: 13_960) && c1.sum(.tierBonus) == Money(yuan: 1_260))
        let g1 = try #require(october.statements.first { $0.agentCode == "G1" })
        #expect(g1.total == Money(yuan: 5_000))
        #expect(october.status == "draft" && october.variableShare == (13_960.0 - 4_000 + 5_000 - 3_500) / (13_960.0 + 5_000))
        // The month is not over on the 31st: no finalising yet; the next day it is.
        #expect(throws: CallOpsError.self) { try run("2026-10", at: "2026-10-31T20:00", finalize: true) }
        let final = try run("2026-10", at: "2026-11-01T09:00", finalize: true)
        #expect(final.status == "final" && final.statements.map(\.total) == october.statements.map(\.total))
        #expect(throws: CallOpsError.self) { try run("2026-10", at: "2026-11-02T09:00") }
        #expect(throws: (any Error).self) { try db.transaction { db in try db.execute(sql: "DELETE FROM pay_line WHERE month = '2026-10'") } }
        // G1's October sale is cancelled in November, inside free-look: clawed back in November, October untouched.
        try db.transaction { db in try Sales(settings: settings, clock: try clock("2026-11-05T10:00")).cancel(db, policy: 3, reason: "预算紧张") }
        // Nothing else is written to a finalised month, by any path.
        #expect(throws: (any Error).self) { try db.transaction { db in try db.execute(sql: "UPDATE pay_run SET status = 'draft' WHERE month = '2026-10'") } }
        #expect(throws: (any Error).self) {
            try db.transaction { db in try db.execute(sql: "INSERT INTO pay_line (month, agent_id, kind, amount_fen, detail) VALUES ('2026-10', 1, 'adjustment', 1, 'x')") }
        }
        // C1 is promoted to top and G1 leaves: October, already paid, is not re-priced for either.
        try db.transaction { db in
            _ = try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 2, code: "C1", name: "甲", team: "一组", hireDate: "2025-01-01", tier: .top, status: .active),
                RosterRow(line: 3, code: "G1", name: "乙", team: "一组", hireDate: "2025-01-01", tier: .general, status: .left),
            ], hasSeatColumn: false), file: "t")
        }

        // A sale made on 2026-10-25 is recorded late, in November: October is locked, so November pays it.
        try sell(4, "C1", 12_000, at: "2026-10-25T10:00")
        let november = try run("2026-11", at: "2026-11-20T10:00")
        let c1n = try #require(november.statements.first { $0.agentCode == "C1" })
        // October recomputed: FYC 12,000 reaches the 20% tier: 4,000 + 12,000 + 2,400 + 300 = 18,700, paid 13,960.
        #expect(c1n.lines.filter { $0.kind == .adjustment }.map(\.amount) == [Money(yuan: 4_740)])
        #expect(c1n.lines.first { $0.kind == .adjustment }?.forMonth == "2026-10")
        let g1n = try #require(november.statements.first { $0.agentCode == "G1" })
        #expect(g1n.sum(.clawback) == Money(yuan: -1_200) && g1n.total == Money(yuan: -1_200) && g1n.sum(.adjustment) == .zero)
        #expect(c1n.sum(.base) == Money(yuan: 4_500))
        // November's variable share, 3,540 of 8,040 (44%), is inside seed 004's 30-50%; October's 60% was not.
        #expect(november.variableShare == 3_540.0 / 8_040.0 && !november.outsideBand && october.outsideBand)
        // A second draft run replaces the first: same lines, not twice.
        let again = try run("2026-11", at: "2026-11-20T10:00")
        #expect(again == november)
        let slip = try db.read { db in try PayRun(settings: settings, clock: try clock("2026-11-20T10:00")).slip(db, agent: "C1", month: CivilDay("2026-11-01")!) }
        #expect(slip.status == "draft" && slip.statement.total == c1n.total)
        // Finalising November after its end: the adjustment is paid, so December owes nothing more.
        _ = try run("2026-11", at: "2026-12-01T09:00", finalize: true)
        let december = try run("2026-12", at: "2026-12-02T09:00")
        #expect(december.statements.allSatisfy { $0.sum(.adjustment) == .zero })
        #expect(try db.read { db in try PayRun.invariants.flatMap { try $0.violations(db) } }.isEmpty)
        try db.transaction { db in try db.execute(sql: "UPDATE pay_line SET amount_fen = amount_fen + 1 WHERE month = '2026-12' AND kind = 'base'") }
        #expect(try db.read { db in try PayRun.invariants.flatMap { try $0.violations(db) } }.count == 1)
        // The quarter: C1, now top, has 12,000 of Q4 FYC against top's 30,000, under 80% of it: a
        // demotion. G1 has left and is not reviewed.
        let review = try db.read { db in try PayRun(settings: settings, clock: try clock("2026-12-02T09:00")).review(db, quarter: CivilDay("2026-10-01")!) }
        #expect(review.first { $0.agentCode == "C1" }?.verdict == .demote && review.first { $0.agentCode == "C1" }?.quarterFYC == Money(yuan: 12_000))
        #expect(!review.contains { $0.agentCode == "G1" })
    }
}

@Suite struct PayOverTimeTests {
    let rules = Settings.defaults.pay

    @Test func employedDaysRunFromTheHireDateToTheDayBeforeLeftOn() {
        let november = CivilDay("2026-11-01")!
        let hired = CivilDay("2025-01-01")!
        #expect(PayPlan.employedDays(month: november, hired: hired, leftOn: nil) == 30)
        #expect(PayPlan.employedDays(month: november, hired: hired, leftOn: CivilDay("2026-11-18")) == 17)
        // Left on the month's last day: 29 days; on the next month's first: the whole month; before it: none.
        #expect(PayPlan.employedDays(month: november, hired: hired, leftOn: CivilDay("2026-11-30")) == 29)
        #expect(PayPlan.employedDays(month: november, hired: hired, leftOn: CivilDay("2026-12-01")) == 30)
        #expect(PayPlan.employedDays(month: november, hired: hired, leftOn: CivilDay("2026-11-01")) == 0)
        // Hired on the 10th and gone from the 20th: the 10th to the 19th.
        #expect(PayPlan.employedDays(month: november, hired: CivilDay("2026-11-10")!, leftOn: CivilDay("2026-11-20")) == 10)
        // February of a leap year.
        #expect(PayPlan.employedDays(month: CivilDay("2028-02-01")!, hired: hired, leftOn: CivilDay("2028-02-29")) == 28)
        // A core leaver's base to the fen: 4,000 × 17 / 30 = 2,266.67.
        let leaver = PayPlan.lines(PayInputs(tier: .core, fyc: .zero, clawback: .zero, policiesKept: 0, persistency: nil, baseDays: (17, 30)), rules: rules)
        #expect(leaver.map(\.amount) == [Money(fen: 226_667)] && leaver[0].detail.hasSuffix("17 of 30 days"))
    }

    @Test func theOverrideIsAShareOfTheTeamsNetFYC() {
        var inputs = PayInputs(tier: .core, fyc: .zero, clawback: .zero, policiesKept: 0, persistency: nil)
        inputs.teamFYC = Money(yuan: 12_345.67)
        let lines = PayPlan.lines(inputs, rules: rules)
        // 5% of 12,345.67 = 617.2835 → 617.28; variable pay.
        #expect(lines.map(\.kind) == [.base, .override] && lines[1].amount == Money(fen: 61_728))
        #expect(PayPlan.variableShare(lines) == 61_728.0 / 461_728.0)
        inputs.teamFYC = .zero
        #expect(!PayPlan.lines(inputs, rules: rules).contains { $0.kind == .override })
        // The team's net FYC leaves out the lead's own sales and nets clawbacks, never below zero.
        let team = PayRun.teamFYC([(1, "一组"), (2, "一组"), (3, "一组"), (4, "二组")],
                                  sold: [1: 100_000, 2: 300_000, 3: 50_000, 4: 900_000], clawed: [3: 80_000])
        #expect(team(1) == Money(fen: 270_000) && team(4) == .zero && team(9) == .zero)
    }
}
