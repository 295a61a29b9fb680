import BackOffice
import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import LeadData
import Roster
import Testing

@testable import SeatProductivity

/// A small center whose every figure is worked out by hand below.
final class SmallCenter {
    let folder: URL
    let db: AppDatabase
    let settings = Settings.defaults
    let clock: Clock

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-seats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        db = try AppDatabase.open(path: folder.appendingPathComponent("t.sqlite").path, schema: BackOfficeSchema.migrations)
        clock = try Clock(fixed: "2026-12-05T12:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let november = try Clock(fixed: "2026-11-01T08:00", timeZone: clock.timeZone)
        _ = try db.transaction { db in
            try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 2, code: "A1", name: "甲", team: "一组", hireDate: "2025-01-01", tier: .general, status: .active, seat: "S1", dailyNewLeads: 3),
                RosterRow(line: 3, code: "A2", name: "乙", team: "一组", hireDate: "2025-01-01", tier: .general, status: .active, seat: "S2", dailyNewLeads: 2),
                RosterRow(line: 4, code: "A3", name: "丙", team: "一组", hireDate: "2025-01-01", tier: .general, status: .active, dailyNewLeads: 0),
            ], hasSeatColumn: true), file: "t")
            try Roster.addSeats(db, codes: ["S3"], team: "一组")
            try Roster.addSeats(db, codes: ["T1", "T2"], team: "二组")
        }
        let leads = folder.appendingPathComponent("l.csv").path
        try "phone\n13900000001\n13900000002\n13900000003\n13900000004\n13900000005\n".write(toFile: leads, atomically: true, encoding: .utf8)
        var importing = ImportOptions(source: "v")
        importing.costPerLead = Money(yuan: 2)
        _ = try LeadImporter(settings: settings, clock: november).run(path: leads, options: importing, db: db)
        var options = AllocationOptions()
        options.seed = 1
        options.strategy = .even
        _ = try Allocator(settings: settings, clock: november, sales: Sales.tierSales).run(db, options: options)
        let calls = folder.appendingPathComponent("calls.csv").path
        try """
            call_id,agent_code,phone,started_at,talk_seconds,disposition,callback_at,product,premium,insured,note
            c0,A1,13900000003,2026-10-31T23:59:59,50,connected,,,,,
            c1,A1,13900000001,2026-11-01T00:00:00,100,connected,,,,,
            c2,A1,13900000001,2026-11-05T10:00:00,30,interested,,,,,
            c3,A1,13900000002,2026-11-30T23:59:00,0,no_answer,,,,,
            c4,A1,13900000002,2026-12-01T00:00:00,200,connected,,,,,
            c5,A2,13900000004,2026-11-10T10:00:00,600,sale,,ACC01,300,self,
            c6,A2,13900000005,2026-11-11T10:00:00,0,no_answer,,,,,
            """.write(toFile: calls, atomically: true, encoding: .utf8)
        let summary = try db.transaction { db in try CallImport(settings: settings, clock: clock).run(db, path: calls) }
        precondition(summary.imported == 7, "\(summary)")
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func report(month: String? = "2026-11", from: String? = nil, to: String? = nil, team: String? = nil,
                compare: SeatCompare = .none) throws -> SeatReport {
        let builder = SeatReportBuilder(settings: settings, clock: clock)
        let period = try builder.period(month: month, from: from, to: to)
        let previous = builder.comparison(compare, month: month, from: from, to: to, period: period)
        return try db.read { db in try builder.build(db, from: period.from, to: period.to, team: team, previous: previous) }
    }

    /// Imports more calls (the header of the fixture's call file).
    func importCalls(_ rows: String) throws {
        let calls = folder.appendingPathComponent("more-\(UUID().uuidString).csv").path
        try ("call_id,agent_code,phone,started_at,talk_seconds,disposition,callback_at,product,premium,insured,note\n" + rows)
            .write(toFile: calls, atomically: true, encoding: .utf8)
        _ = try db.transaction { db in try CallImport(settings: settings, clock: clock).run(db, path: calls) }
    }

    /// Stores an agent's 3:3:1 targets for a month from an annual income.
    func storeTargets(_ agent: String, _ month: String, income: Double) throws {
        _ = try db.transaction { db in
            try Planning.store(db, agent: agent, month: month, targets: ActivityTargets.from(annualIncome: Money(yuan: income), rules: settings.planning))
        }
    }
}

@Suite struct SeatReportTests {
    @Test func everyFigureByHand() throws {
        let center = try SmallCenter()
        let report = try center.report()
        #expect(report.from == "2026-11-01T00:00:00" && report.to == "2026-12-01T00:00:00")
        let a1 = try #require(report.agents.first { $0.agentCode == "A1" })
        // c1 at 00:00 on the first day and c3 at 23:59 on the last count; c0 and c4 fall outside.
        #expect(a1.dials == 3 && a1.contacts == 2 && a1.effectiveCalls == 1 && a1.talkSeconds == 130)
        #expect(a1.averageTalkSeconds == 65 && a1.leadsWorked == 2 && a1.leadsAllocated == 3 && a1.sales == 0)
        #expect(a1.contactRate == 2.0 / 3.0 && a1.dataUsageRate == 2.0 / 3.0 && a1.conversionRate == 0)
        let a2 = try #require(report.agents.first { $0.agentCode == "A2" })
        #expect(a2.dials == 2 && a2.contacts == 1 && a2.effectiveCalls == 1 && a2.talkSeconds == 600 && a2.leadsAllocated == 2)
        #expect(a2.sales == 1 && a2.premium == Money(yuan: 300) && a2.averagePremium == Money(yuan: 300) && a2.conversionRate == 0.5)
        #expect(a2.premiumPerLead == Money(yuan: 150) && a2.rankInTeam == 1)
        let a3 = try #require(report.agents.first { $0.agentCode == "A3" })
        #expect(a3.dials == 0 && a3.contactRate == nil && a3.averagePremium == nil && a3.conversionRate == nil && a3.rankInTeam == 3)
        // No sale in the period's last 14 days: all three stall; the team median premium is 0, so nobody is at risk.
        #expect(report.agents.map(\.flags) == [["stalled"], ["stalled"], ["stalled"]])
        let team = try #require(report.teams.first)
        #expect(team.team == "一组" && team.headcount == 3 && team.activeSellers == 1 && team.sales == 1)
        #expect(team.activeSellerRate == 1.0 / 3.0 && team.policiesPerAgent == 1.0 / 3.0)
        #expect(team.averagePremium == Money(yuan: 300) && team.premiumPerAgent == Money(yuan: 100))
        #expect(team.seatUtilization == 2.0 / 3.0)
        // The trend holds November's 21 working days, and Sunday the 1st, which had a call.
        let worked = report.days.filter { $0.dials > 0 || $0.sales > 0 }
        #expect(report.days.count == 22 && report.days.first?.day == "2026-11-01" && report.days.last?.day == "2026-11-30")
        #expect(worked.map(\.day) == ["2026-11-01", "2026-11-05", "2026-11-10", "2026-11-11", "2026-11-30"])
        #expect(worked[2].sales == 1 && worked[2].premium == Money(yuan: 300))
    }

    @Test func attainmentAgainstTheMonthsTarget() throws {
        let center = try SmallCenter()
        // 7,200 a year → FYC 600 → premium target 2,000 a month: 300 is 15%.
        _ = try center.db.transaction { db in
            try Planning.store(db, agent: "A2", month: "2026-11", targets: ActivityTargets.from(annualIncome: Money(yuan: 7_200), rules: center.settings.planning))
        }
        let a2 = try #require(try center.report().agents.first { $0.agentCode == "A2" })
        #expect(a2.attainment == 0.15)
    }

    @Test func anEmptyTeamAndPeriods() throws {
        let center = try SmallCenter()
        let empty = try center.report(team: "二组")
        #expect(empty.agents.isEmpty && empty.teams.count == 1 && empty.teams[0].headcount == 0)
        #expect(empty.teams[0].activeSellerRate == nil && empty.teams[0].seatUtilization == 0)
        // The default period: this month (December) up to now: only c4.
        let december = try center.report(month: nil)
        #expect(december.from == "2026-12-01T00:00:00" && december.to == "2026-12-05T12:00:00")
        #expect(december.agents.first { $0.agentCode == "A1" }?.dials == 1)
        let builder = SeatReportBuilder(settings: center.settings, clock: center.clock)
        #expect(throws: CallOpsError.self) { try builder.period(month: "2026-13", from: nil, to: nil) }
        #expect(throws: CallOpsError.self) { try builder.period(month: nil, from: "2026-11-30", to: "2026-11-01") }
        let oneDay = try builder.period(month: nil, from: "2026-11-30", to: "2026-11-30")
        #expect(center.clock.timestamp(oneDay.to) == "2026-12-01T00:00:00")
    }

    @Test func outputsKeepTheContract() throws {
        let report = try SmallCenter().report()
        let json = try JSONSerialization.jsonObject(with: Data(Render.json(report).utf8)) as! [String: Any]
        let agent = (json["agents"] as! [[String: Any]])[0]
        for key in ["agent_code", "team", "tier", "dials", "contacts", "effective_calls", "talk_minutes", "leads_allocated", "leads_worked",
                    "sales", "premium", "avg_premium", "conversion_rate", "data_usage_rate", "attainment", "flags"] {
            #expect(agent.keys.contains(key), "agents lack \(key)")
        }
        let team = (json["teams"] as! [[String: Any]])[0]
        for key in ["team", "headcount", "active_sellers", "active_seller_rate", "policies_per_agent", "avg_premium", "premium_per_agent", "seat_utilization"] {
            #expect(team.keys.contains(key), "teams lack \(key)")
        }
        let html = report.html()
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("举绩率") && html.contains("<svg") && !html.contains("http"))
        #expect(report.table(by: .team).csv().hasPrefix("team,headcount,active sellers,举绩率"))
    }
}
