import BackOffice
import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import LeadData
import Roster
import Testing

@testable import Nightly

/// `callops daily` on a small center built through the real modules (SPEC section 10).
@Suite struct NightlyBatchTests {
    let zone = TimeZone(identifier: "Asia/Shanghai")!

    func center() throws -> (AppDatabase, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-nightly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = try AppDatabase.inMemory(schema: BackOfficeSchema.migrations)
        let leads = folder.appendingPathComponent("leads.csv").path
        try ("phone,name,age\n" + (100...159).map { "13900000\($0),客户,35" }.joined(separator: "\n") + "\n").write(toFile: leads, atomically: true, encoding: .utf8)
        try db.transaction { db in
            _ = try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 2, code: "A1", name: "甲", team: "一组", hireDate: "2025-01-01", status: .active),
                RosterRow(line: 3, code: "A2", name: "乙", team: "一组", hireDate: "2026-11-20", status: .active),
                RosterRow(line: 4, code: "A3", name: "丙", team: "二组", hireDate: "2025-01-01", tier: .top, status: .left),
            ], hasSeatColumn: false), file: "t")
            _ = try LeadImporter(settings: .defaults, clock: Clock(fixed: "2026-11-23T09:00", timeZone: zone))
                .importFile(db, path: leads, options: ImportOptions(source: "v"))
        }
        return (db, folder)
    }

    @Test func allocatesWritesEachWorkingAgentsQueueAndKeepsTheDaysTiers() throws {
        let (db, folder) = try center()
        defer { try? FileManager.default.removeItem(at: folder) }
        let batch = NightlyBatch(settings: .defaults, timeZone: zone)
        let day = try Clock(fixed: "2026-11-24T00:00", timeZone: zone).now
        let summary = try batch.run(db, day: day, folder: folder.appendingPathComponent("out"), revealPhones: false)
        // A1 (general) takes up to 30 a day, A2 (a new hire) the new-hire quota of 10; A3 has left.
        #expect(summary.date == "2026-11-24" && summary.agents == 2)
        #expect(summary.allocated == 40 && summary.unallocated == 20)
        #expect(summary.files.contains("queues/A1.csv") && summary.files.contains("queues/A2-cross-sell.csv"))
        #expect(!summary.files.contains("queues/A3.csv"))
        let queue = try String(contentsOf: folder.appendingPathComponent("out/queues/A2.csv"), encoding: .utf8)
        // The queue as of the first calling window: ten fresh leads, phones masked.
        #expect(queue.split(separator: "\n").count == 11 && queue.contains("139****0") && !queue.contains("1390000"))
        // The day's tiers are kept in the tier history, for the agents still working.
        let history = try db.read { db in (try Roster.tierHistory(db, agent: "A1"), try Roster.tierHistory(db, agent: "A2"), try Roster.tierHistory(db, agent: "A3")) }
        #expect(history.0.map(\.tier) == [.general] && history.0[0].asOf == CivilDay("2026-11-24"))
        #expect(history.1.map(\.tier) == [.new] && history.1[0].why.hasPrefix("day 5 of employment"))
        #expect(history.2.isEmpty)
        // A second run for the same day allocates nothing more.
        let again = try batch.run(db, day: day, folder: folder.appendingPathComponent("again"), revealPhones: false)
        #expect(again.allocated == 0 && again.unallocated == 20)
    }
}

extension NightlyBatchTests {
    @Test func actsAsOfTheConfiguredBatchTime() throws {
        let (db, folder) = try center()
        defer { try? FileManager.default.removeItem(at: folder) }
        var settings = Settings.defaults
        settings.general.dailyBatchAt = "07:30"
        let day = try Clock(fixed: "2026-11-24T00:00", timeZone: zone).now
        _ = try NightlyBatch(settings: settings, timeZone: zone).run(db, day: day, folder: folder.appendingPathComponent("out"), revealPhones: false)
        // The allocation is stamped with the batch's time, not the shipped 06:00.
        let at = try db.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT at FROM lead_ledger WHERE event = 'assigned'") }
        #expect(at == ["2026-11-24T07:30:00"])
        settings.general.dailyBatchAt = "7h"
        #expect(throws: CallOpsError.self) {
            _ = try NightlyBatch(settings: settings, timeZone: zone).run(db, day: day, folder: folder.appendingPathComponent("bad"), revealPhones: false)
        }
    }
}

extension NightlyBatchTests {
    @Test func writesEachTeamsPageTableAndWorkbookTheSameBytesTwice() throws {
        let (db, folder) = try center()
        defer { try? FileManager.default.removeItem(at: folder) }
        let batch = NightlyBatch(settings: .defaults, timeZone: zone)
        let day = try Clock(fixed: "2026-11-24T00:00", timeZone: zone).now
        let first = try batch.run(db, day: day, folder: folder.appendingPathComponent("out"), revealPhones: false)
        let second = try batch.run(db, day: day, folder: folder.appendingPathComponent("again"), revealPhones: false)
        for team in ["一组", "二组"] {
            for ext in ["csv", "html", "xlsx"] {
                #expect(first.files.contains("reports/team-\(team)-2026-11-24.\(ext)"), "\(team) \(ext)")
            }
        }
        let page = try String(contentsOf: folder.appendingPathComponent("out/reports/team-一组-2026-11-24.html"), encoding: .utf8)
        #expect(page.contains("<title>一组 · 坐席产能报表") && page.contains("甲") && !page.contains("丙") && page.contains("Compared with"))
        let bytes = try Data(contentsOf: folder.appendingPathComponent("out/reports/team-一组-2026-11-24.csv"))
        let table = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        // For people: a BOM, the team's agents and their total.
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF] && table.hasPrefix("agent,name,team") && table.contains("\ntotal,"))
        let workbook = try Data(contentsOf: folder.appendingPathComponent("out/reports/team-一组-2026-11-24.xlsx"))
        #expect(workbook.prefix(2) == Data("PK".utf8))
        // What the batch writes depends on the date and the data, never on the moment it runs.
        for name in first.files where name.hasPrefix("reports/") {
            let one = try Data(contentsOf: folder.appendingPathComponent("out/\(name)"))
            let two = try Data(contentsOf: folder.appendingPathComponent("again/\(name)"))
            #expect(one == two, "\(name) differs between two runs")
        }
        #expect(NightlyBatch.fileSafe("A/B:.x") == "A_B_.x" && NightlyBatch.fileSafe("..组") == "_.组")
    }
}
