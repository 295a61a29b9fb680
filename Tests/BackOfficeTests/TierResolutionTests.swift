import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import LeadData
import Roster
import Testing

@testable import BackOffice

/// `Roster.tiers` over real sales: the assessment month's policies, free-look cancellations, the
/// month boundary, and the pay run using the same tier.
@Suite struct TierResolutionTests {
    @Test func derivedFromTheLastCompleteMonthsKeptPolicies() throws {
        let db = try AppDatabase.inMemory(schema: BackOfficeSchema.migrations)
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let settings = Settings.defaults
        func clock(_ at: String) throws -> Clock { try Clock(fixed: at, timeZone: zone) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-tiers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("l.csv").path
        try ("phone,name,age\n" + (1...6).map { "1390000000\($0),客户\($0),35" }.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try db.transaction { db in
            _ = try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 2, code: "S1", name: "甲", team: "一组", hireDate: "2025-01-01", status: .active),
            ], hasSeatColumn: false), file: "t")
            _ = try LeadImporter(settings: settings, clock: clock("2026-10-01T09:00")).importFile(db, path: path, options: ImportOptions(source: "t"))
        }
        // CI01 pays 30%: 20,000 of premium is 6,000 of FYC.
        func sell(_ lead: Int64, _ premium: Double, at: String) throws {
            try db.transaction { db in
                _ = try Sales(settings: settings, clock: try clock(at)).create(
                    db, lead: LeadProgress.lead(db, id: lead)!, agent: Roster.agent(db, code: "S1"),
                    sale: SaleInput(product: "CI01", premium: Money(yuan: premium)), at: try clock(at).now)
            }
        }
        func tier(_ day: String) throws -> ResolvedTier {
            try db.read { db in try Roster.tier(db, agent: Roster.agent(db, code: "S1"), on: CivilDay(day)!, rules: settings.roster, sales: Sales.tierSales) }
        }
        // October: one policy of exactly 3,000 FYC (10,000 premium) on the 10th; one of 7,000 on
        // the last minute of the 31st. A sale on November 1st at midnight is November's.
        try sell(1, 10_000, at: "2026-10-10T10:00")
        try sell(2, 23_333.34, at: "2026-10-31T23:59")
        try sell(3, 40_000, at: "2026-11-01T00:00")
        #expect(try tier("2026-10-31").tier == .general)  // September: nothing
        #expect(try tier("2026-11-03") == ResolvedTier(tier: .top, source: .derived,
                                                       why: "2026-10: 2 policies kept, FYC 10,000.00 (top from 2 and 10,000.00)"))
        // The 31st's policy is cancelled in free-look on November 5th: from that day October has one
        // policy of exactly 3,000: core. The days before keep the tier they had.
        try db.transaction { db in try Sales(settings: settings, clock: try clock("2026-11-05T10:00")).cancel(db, policy: 2, reason: "犹豫期退保") }
        #expect(try tier("2026-11-04").tier == .top)
        #expect(try tier("2026-11-05") == ResolvedTier(tier: .core, source: .derived,
                                                       why: "2026-10: 1 policy kept, FYC 3,000.00 (core from 1 and 3,000.00)"))
        // December is judged on November: one policy of 12,000: core, not top.
        #expect(try tier("2026-12-01").tier == .core && tier("2026-12-01").why.hasPrefix("2026-11: 1 policy"))

        // The pay run ranks the month by the same rule: November's base is core's, and the run keeps the tier history.
        let run = try db.transaction { db in try PayRun(settings: settings, clock: try clock("2026-11-20T10:00")).run(db, month: CivilDay("2026-11-01")!, finalize: false) }
        let s1 = try #require(run.statements.first { $0.agentCode == "S1" })
        #expect(s1.tier == .core && s1.sum(.base) == Money(yuan: settings.pay.base[.core]))
        let history = try db.read { db in try Roster.tierHistory(db, agent: "S1") }
        // A draft for a month still running ranks it on its last day, and records it as of today, never a future day.
        #expect(history.map(\.month.description) == ["2026-11"] && history[0].tier == .core && history[0].asOf == CivilDay("2026-11-20"))
        let slip = try db.read { db in try PayRun(settings: settings, clock: try clock("2026-11-20T10:00")).slip(db, agent: "S1", month: CivilDay("2026-11-01")!) }
        #expect(slip.statement.tier == .core && slip.daysEmployed == 30 && slip.month == CivilMonth("2026-11"))
    }
}

extension TierResolutionTests {
    /// A database made before the tier tables existed (every later step applied) gains them when opened.
    @Test func aDatabaseFromBeforeTheTierTablesIsMigrated() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-tiers-old-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("old.sqlite").path
        let before = BackOfficeSchema.migrations.filter { $0.name != "roster.tiers.v1" }
        #expect(before.count < BackOfficeSchema.migrations.count)
        let old = try AppDatabase.open(path: path, schema: before)
        try old.transaction { db in
            _ = try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 2, code: "S1", name: "甲", team: "一组", hireDate: "2025-01-01", status: .active),
            ], hasSeatColumn: false), file: "t")
        }
        #expect(try old.read { db in try db.tableExists("tier_history") } == false)
        let db = try AppDatabase.open(path: path, schema: BackOfficeSchema.migrations)
        try db.transaction { db in try Roster.recordTiers(db, on: CivilDay("2026-11-20")!, rules: Settings.defaults.roster, sales: Sales.tierSales) }
        #expect(try db.read { db in try Roster.tierHistory(db, agent: "S1").map(\.tier) } == [.general])
    }
}
