import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import LeadData
import Roster
import Testing

@testable import BackOffice

@Suite struct CampaignAndSizingTests {
    @Test func ranksShareTiesAndTiersAreReachedFromBelow() {
        #expect(Campaigns.ranks([900, 500, 500, 100, 0]) == [1, 2, 2, 4, 5])
        #expect(Campaigns.ranks([0, 0]) == [1, 1] && Campaigns.ranks([]) == [])
        let tiers = [RewardTier(threshold: 10_000, reward: 300), RewardTier(threshold: 20_000, reward: 800)]
        #expect(Campaigns.tier(of: 9_999.99, tiers: tiers).tier == nil && Campaigns.tier(of: 9_999.99, tiers: tiers).reward == 0)
        #expect(Campaigns.tier(of: 10_000, tiers: tiers).tier == 1 && Campaigns.tier(of: 10_000, tiers: tiers).reward == 300)
        #expect(Campaigns.tier(of: 10_000, tiers: tiers).toNext == 10_000)
        #expect(Campaigns.tier(of: 25_000, tiers: tiers).tier == 2 && Campaigns.tier(of: 25_000, tiers: tiers).toNext == nil)
        #expect(RewardTier(parsing: "50000:800") == RewardTier(threshold: 50_000, reward: 800))
        for bad in ["50000", "x:1", "0:10", "100:-1", "1:2:3"] { #expect(RewardTier(parsing: bad) == nil, "\(bad)") }
    }

    /// Seed 004's five steps and seed 003's 50 names a month for 2 sales.
    @Test func sizingBySeedNumbers() throws {
        let classes = [CustomerClass(parsing: "存量=1200:4")!, CustomerClass(parsing: "新客=3000:6")!]
        let plan = try Sizing.plan(classes: classes, contactsPerAgentYear: 10_000, contactsSource: "given", targetSales: 2, leadsPerSale: 25, leadsSource: "seed")
        #expect(plan.yearlyContacts == 22_800 && plan.seats == 3)
        #expect(plan.leadsPerMonth == 50 && plan.funnel == [50, 34, 14, 10, 8, 6, 2])
        // Exactly enough contacts for two agents needs two seats, not three.
        #expect(try Sizing.plan(classes: [CustomerClass(name: "x", customers: 100, contactsPerYear: 200)], contactsPerAgentYear: 10_000,
                            contactsSource: "", targetSales: 0, leadsPerSale: 25, leadsSource: "").seats == 2)
        #expect(CustomerClass(parsing: "存量=1200") == nil && CustomerClass(parsing: "=1:2") == nil && CustomerClass(parsing: "a=-1:2") == nil)
    }

    /// Audit 8: in-range inputs whose quotient is beyond any count crashed on Int(Double).
    @Test func sizingBeyondACountIsAnErrorNotATrap() throws {
        let huge = [CustomerClass(parsing: "x=100000000:100000000")!]
        #expect(throws: CallOpsError.self) {
            try Sizing.plan(classes: huge, contactsPerAgentYear: 0.000001, contactsSource: "given", targetSales: 10, leadsPerSale: 25, leadsSource: "")
        }
        #expect(throws: CallOpsError.self) {
            try Sizing.plan(classes: [], contactsPerAgentYear: 1, contactsSource: "", targetSales: 100_000_000, leadsPerSale: 100_000_000, leadsSource: "")
        }
        #expect(CustomerClass(parsing: "x=1:0x10") == nil && CustomerClass(parsing: "x=1:1e3") == nil)
    }

    @Test func standingsFromTheRecords() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-campaign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try AppDatabase.open(path: folder.appendingPathComponent("t.sqlite").path, schema: BackOfficeSchema.migrations)
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let settings = Settings.defaults
        let path = folder.appendingPathComponent("l.csv").path
        try ("phone,name,age\n" + (1...6).map { "1390000000\($0),客户\($0),35" }.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try db.transaction { db in
            _ = try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 2, code: "A1", name: "甲", team: "一组", hireDate: "2025-01-01", tier: .core, status: .active),
                RosterRow(line: 3, code: "A2", name: "乙", team: "一组", hireDate: "2025-01-01", tier: .core, status: .active),
                RosterRow(line: 4, code: "B1", name: "丙", team: "二组", hireDate: "2025-01-01", tier: .core, status: .active),
                RosterRow(line: 5, code: "L1", name: "丁", team: "一组", hireDate: "2025-01-01", tier: .core, status: .left),
            ], hasSeatColumn: false), file: "t")
            _ = try LeadImporter(settings: settings, clock: Clock(fixed: "2026-11-01T09:00", timeZone: zone)).importFile(db, path: path, options: ImportOptions(source: "t"))
            for (lead, agent, premium, day) in [(1, "A1", 6_000.0, "2026-11-03"), (2, "A2", 3_000.0, "2026-11-04"), (3, "A2", 3_000.0, "2026-11-04"),
                                                (4, "B1", 9_000.0, "2026-11-05"), (5, "A1", 1_000.0, "2026-10-31")] {
                let clock = try Clock(fixed: day + "T10:00", timeZone: zone)
                _ = try Sales(settings: settings, clock: clock).create(db, lead: LeadProgress.lead(db, id: Int64(lead))!, agent: Roster.agent(db, code: agent),
                                                                     sale: SaleInput(product: "ACC01", premium: Money(yuan: premium)), at: clock.now)
            }
            let tiers = [RewardTier(threshold: 5_000, reward: 200), RewardTier(threshold: 8_000, reward: 500)]
            try Campaigns.add(db, code: "TEAM", name: "一组冲刺", metric: .premium, from: CivilDay("2026-11-01")!, to: CivilDay("2026-11-30")!, team: "一组", tiers: tiers)
            try Campaigns.add(db, code: "ALL", name: "举绩", metric: .activeDays, from: CivilDay("2026-11-01")!, to: CivilDay("2026-11-30")!, team: nil,
                              tiers: [RewardTier(threshold: 1, reward: 50)])
            #expect(throws: CallOpsError.self) {
                try Campaigns.add(db, code: "TEAM", name: "x", metric: .policies, from: CivilDay("2026-11-01")!, to: CivilDay("2026-11-30")!, team: nil, tiers: tiers)
            }
            #expect(throws: CallOpsError.self) {
                try Campaigns.add(db, code: "BAD", name: "x", metric: .policies, from: CivilDay("2026-11-30")!, to: CivilDay("2026-11-01")!, team: nil, tiers: tiers)
            }
            #expect(throws: CallOpsError.self) {
                try Campaigns.add(db, code: "BAD", name: "x", metric: .policies, from: CivilDay("2026-11-01")!, to: CivilDay("2026-11-30")!, team: "九组", tiers: tiers)
            }
        }
        // 一组 only, the leaver left out, October's sale outside the period: A1 and A2 tie at 6,000.
        let team = try db.read { db in try Campaigns.standings(db, code: "TEAM", today: CivilDay("2026-11-23")!) }
        #expect(team.standings.map(\.agentCode) == ["A1", "A2"] && team.standings.map(\.rank) == [1, 1])
        #expect(team.standings.map(\.value) == [6_000, 6_000] && team.standings.map(\.tier) == [1, 1] && team.rewards == 400)
        #expect(team.standings[0].toNextTier == 2_000)
        // Active-seller days over the center: A2's two sales are one day.
        let all = try db.read { db in try Campaigns.standings(db, code: "ALL", today: CivilDay("2026-11-23")!) }
        #expect(all.standings.map(\.value) == [1, 1, 1] && all.standings.map(\.rank) == [1, 1, 1] && all.rewards == 150)
        // Before the campaign's sales: nobody has anything yet.
        let early = try db.read { db in try Campaigns.standings(db, code: "TEAM", today: CivilDay("2026-11-02")!) }
        #expect(early.standings.allSatisfy { $0.value == 0 && $0.tier == nil })
    }
}
