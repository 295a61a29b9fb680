import BackOffice
import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import LeadData
import Roster
import Testing

@testable import SeatProductivity

/// The seat report reads each table a bounded number of times, whatever the number of teams and
/// agents: a query per team read the whole lead ledger once per team (59 s for a 5,000-seat
/// center's month, measured 2026-11-29).
@Suite struct SeatReportShapeTests {
    /// A center of `teams` teams of three agents (two with seats) and 12 leads a team, allocated
    /// in November, one lead recycled and allocated again to a teammate.
    final class Center {
        let folder: URL
        let db: AppDatabase
        let settings = Settings.defaults
        let clock: Clock

        init(teams: Int) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-seat-shape-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            db = try AppDatabase.open(path: folder.appendingPathComponent("t.sqlite").path, schema: BackOfficeSchema.migrations)
            clock = try Clock(fixed: "2026-12-05T12:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
            let november = try Clock(fixed: "2026-11-02T08:00", timeZone: clock.timeZone)
            var rows: [RosterRow] = []
            for t in 0..<teams {
                for a in 0..<3 {
                    let seat: String? = a < 2 ? "S\(t)-\(a)" : nil
                    rows.append(RosterRow(line: 2 + rows.count, code: "A\(t)-\(a)", name: "A\(t)-\(a)", team: "T\(t)", hireDate: "2025-01-01",
                                          tier: .general, status: .active, seat: seat, dailyNewLeads: 4))
                }
            }
            _ = try db.transaction { db in try RosterImport.apply(db, roster: RosterFile(rows: rows, hasSeatColumn: true), file: "t") }
            let leads = folder.appendingPathComponent("l.csv").path
            try ("phone\n" + (0..<teams * 12).map { String(format: "139%08d\n", $0) }.joined()).write(toFile: leads, atomically: true, encoding: .utf8)
            _ = try LeadImporter(settings: settings, clock: november).run(path: leads, options: ImportOptions(source: "v"), db: db)
            var options = AllocationOptions()
            options.seed = 1
            options.strategy = .even
            _ = try Allocator(settings: settings, clock: november, sales: Sales.tierSales).run(db, options: options)
            // Team 0's first lead taken over by a teammate: two grants of one lead in the team.
            let later = try Clock(fixed: "2026-11-03T08:00", timeZone: clock.timeZone)
            try db.transaction { db in
                let lead = try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM lead WHERE agent_id = 1")!
                try LeadLedger.record(db, lead: lead, event: "released", agent: 1, reason: "test", clock: later)
                try LeadLedger.record(db, lead: lead, event: "assigned", agent: 2, reason: "test", clock: later)
            }
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        /// November's report beside October, and the statements it ran.
        func report() throws -> (report: SeatReport, statements: Int, teamStatements: Int) {
            let builder = SeatReportBuilder(settings: settings, clock: clock)
            let period = try builder.period(month: "2026-11", from: nil, to: nil)
            let previous = builder.comparison(.previous, month: "2026-11", from: nil, to: nil, period: period)
            return try db.read { db in
                let counter = StatementCounter()
                db.trace(options: .statement) { _ in counter.count += 1 }
                let report = try builder.build(db, from: period.from, to: period.to, team: nil, previous: previous)
                let statements = counter.count
                _ = try builder.teamReports(db, from: period.from, to: period.to, previous: previous)
                db.trace(options: [])
                return (report, statements, counter.count - statements)
            }
        }
    }

    final class StatementCounter: @unchecked Sendable {
        var count = 0
    }

    @Test func statementsDoNotGrowWithTheTeams() throws {
        let small = try Center(teams: 2).report(), large = try Center(teams: 12).report()
        #expect(small.report.teams.count == 2 && large.report.teams.count == 12)
        #expect(small.statements == large.statements, "\(small.statements) statements for 2 teams, \(large.statements) for 12")
        #expect(small.teamStatements == large.teamStatements, "\(small.teamStatements) for 2 teams' pages, \(large.teamStatements) for 12")
    }

    @Test func teamRowsCountEachLeadOnceFromOneRead() throws {
        let center = try Center(teams: 3)
        let report = try center.report().report
        // Each team's distinct leads, as the ledger's assignments give them.
        let expected = try center.db.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: """
                SELECT team.name, COUNT(DISTINCT lead_ledger.lead_id) FROM lead_ledger JOIN agent ON agent.id = lead_ledger.agent_id
                JOIN team ON team.id = agent.team_id WHERE lead_ledger.event = 'assigned' GROUP BY team.id
                """).map { ($0[0] as String, $0[1] as Int) })
        }
        #expect(Dictionary(uniqueKeysWithValues: report.teams.map { ($0.team, $0.leadsAllocated) }) == expected)
        #expect(expected.values.allSatisfy { $0 == 12 })
        // The lead taken over counts twice among team 0's agents, once for the team and the center.
        #expect(report.agents.filter { $0.team == "T0" }.map(\.leadsAllocated).reduce(0, +) == 13)
        #expect(report.center.leadsAllocated == 36)
        #expect(report.teams.map { "\($0.team) \($0.seats) \($0.occupiedSeats)" } == ["T0 2 2", "T1 2 2", "T2 2 2"])
    }
}
