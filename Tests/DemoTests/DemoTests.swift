import CallOpsCore
import BackOffice
import CallOpsStore
import FollowUp
import LeadData
import Foundation
import Nightly
import SeatProductivity
import Testing

@testable import Demo

@Suite(.serialized) struct DemoTests {
    let clock = try! Clock(fixed: "2026-11-23T18:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    let options = DemoCenter.Options(seed: 11, agents: 12, leads: 1_500, days: 10)

    func build(_ options: DemoCenter.Options) throws -> (AppDatabase, DemoCenter.Summary) {
        let db = try AppDatabase.inMemory(schema: BackOfficeSchema.migrations)
        return (db, try DemoCenter.build(db, options: options, settings: .defaults, clock: clock))
    }

    @Test func theDemoIsBelievable() throws {
        let (db, summary) = try build(options)
        #expect(summary.batches == 6 && summary.leads > 1_000 && summary.calls > 3_000)
        let report = try db.read { db in
            try SeatReportBuilder(settings: .defaults, clock: clock).build(db, from: clock.parse("2026-11-14")!, to: clock.now, team: nil)
        }
        let dials = report.agents.reduce(0) { $0 + $1.dials }, contacts = report.agents.reduce(0) { $0 + $1.contacts }
        let sales = report.agents.reduce(0) { $0 + $1.sales }, worked = report.agents.reduce(0) { $0 + $1.leadsWorked }
        let talk = report.agents.reduce(0) { $0 + $1.talkSeconds }
        // Real campaigns: about half the calls answered, talk around 4 minutes, a few percent of prospects buy.
        #expect((0.3...0.65).contains(Double(contacts) / Double(dials)), "contact rate \(Double(contacts) / Double(dials))")
        #expect((150...400).contains(talk / contacts), "average talk \(talk / contacts) s")
        #expect((0.02...0.2).contains(Double(sales) / Double(worked)), "conversion \(Double(sales) / Double(worked))")
        let active = report.teams.reduce(0) { $0 + $1.activeSellers }, headcount = report.teams.reduce(0) { $0 + $1.headcount }
        #expect((0.4...1.0).contains(Double(active) / Double(headcount)), "active-seller rate \(Double(active) / Double(headcount))")
        // Every tier is on the floor; the database holds together.
        #expect(Set(report.agents.map(\.tier)) == Set(Tier.allCases))
        let violations = try db.read { db in try FollowUpSchema.invariants.flatMap { try $0.violations(db) } }
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        // Conversion falls with each call (calibrated on Bank Marketing).
        let attempts = try db.read { db in try ActivityFigures.byAttempt(db) }
        #expect(attempts.count > 5 && attempts[1].contactRate > attempts[5].contactRate)
        // People and customers over time: an agent leaves mid-period and the customers are handed
        // over; customers refer friends and get programme touches in their 121 window; the
        // campaign's rewards are lines of the pay run.
        #expect(summary.departure != nil && summary.customersHandedOver > 0, "\(summary.departure ?? "no departure")")
        #expect(summary.referrals > 0 && summary.touches > 0 && summary.customersIn121 > 0, "\(summary)")
        #expect(summary.campaignLines > 0 && summary.campaignPaid > .zero, "\(summary.campaign)")
    }

    @Test func oneSeedOneCenter() throws {
        let small = DemoCenter.Options(seed: 5, agents: 6, leads: 300, days: 4)
        func fingerprint() throws -> [String] {
            let (db, _) = try build(small)
            return try db.read { db in
                try String.fetchAll(db, sql: "SELECT call_id || disposition || talk_seconds FROM call ORDER BY call_id")
                    + String.fetchAll(db, sql: "SELECT lead_id || product || premium_fen FROM policy ORDER BY id")
            }
        }
        let first = try fingerprint()
        let second = try fingerprint()
        #expect(!first.isEmpty && first == second)
    }

    @Test func theNightlyRunIsIdempotentAndCoversEveryAgent() throws {
        let (db, _) = try build(DemoCenter.Options(seed: 3, agents: 8, leads: 600, days: 5))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-daily-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let batch = NightlyBatch(settings: .defaults, timeZone: clock.timeZone)
        let day = clock.parse("2026-11-24")!
        let first = try batch.run(db, day: day, folder: folder.appendingPathComponent("1"), revealPhones: false)
        let counts = try db.read { db in try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM lead_ledger) + (SELECT COUNT(*) FROM call)") }
        let second = try batch.run(db, day: day, folder: folder.appendingPathComponent("2"), revealPhones: false)
        #expect(second.allocated == 0 && second.recycled == RecycleResult())
        let countsAfter = try db.read { db in try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM lead_ledger) + (SELECT COUNT(*) FROM call)") }
        #expect(countsAfter == counts)
        #expect(first.files == second.files)
        for name in second.files {
            // Bytes, not text: each team's workbook is among the files.
            let a = try Data(contentsOf: folder.appendingPathComponent("1/" + name))
            let b = try Data(contentsOf: folder.appendingPathComponent("2/" + name))
            if name.hasPrefix("queues/") { #expect(a == b, "\(name) differs on the second run") }
        }
        let working = try db.read { db in try String.fetchAll(db, sql: "SELECT code FROM agent WHERE status <> 'left'") }
        for code in working {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("2/queues/\(code).csv").path))
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("2/queues/\(code)-cross-sell.csv").path))
        }
        let queue = try String(contentsOf: folder.appendingPathComponent("2/queues/\(working[0]).csv"), encoding: .utf8)
        #expect(queue.hasPrefix("rank,lead_id,name,phone,grade,reason,follow_up,due_at,purpose\n") && !queue.contains(",139000"))
    }
}
