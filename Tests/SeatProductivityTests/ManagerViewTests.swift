import BackOffice
import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import Testing

@testable import SeatProductivity

/// The manager's view (SPEC section 8, issue 11): activity attainment prorated by working days,
/// the center row, the comparison, tiers, and input against output, each worked out by hand on
/// the small center of `SeatReportTests`.
@Suite struct ManagerViewTests {
    /// The week of 9 to 15 November: A1 proposes twice (one effective call), A2 sells 300 (c5).
    func weekCenter() throws -> SmallCenter {
        let center = try SmallCenter()
        try center.importCalls("""
            p1,A1,13900000001,2026-11-12T10:00:00,120,proposal,,,,,
            p2,A1,13900000002,2026-11-13T10:00:00,30,proposal,,,,,
            """)
        try center.storeTargets("A1", "2026-11", income: 120_000)
        return center
    }

    @Test func workingDaysOfNovember2026() throws {
        let days = Settings.defaults.planning.workingCalendar
        #expect(WorkingDays.weekday(CivilDay("2026-11-02")!) == 1 && WorkingDays.weekday(CivilDay("2026-11-08")!) == 7)
        #expect(days.count(in: CivilMonth("2026-11")!) == 21 && days.count(in: CivilMonth("2026-12")!) == 23)
        #expect(days.monthShares(from: CivilDay("2026-11-02")!, through: CivilDay("2026-11-08")!)
            == [WorkingDays.MonthShare(month: CivilMonth("2026-11")!, days: 5, monthDays: 21)])
        #expect(days.monthShares(from: CivilDay("2026-11-23")!, through: CivilDay("2026-12-06")!).map { [$0.days, $0.monthDays] } == [[6, 21], [4, 23]])
        #expect(days.count(from: CivilDay("2026-11-08")!, through: CivilDay("2026-11-02")!) == 0)
        // Six days a week: November has 25.
        #expect(try WorkingDays(names: ["mon", "tue", "wed", "thu", "fri", "sat"]).count(in: CivilMonth("2026-11")!) == 25)
        #expect(throws: CallOpsError.self) { try WorkingDays(names: ["mon", "funday"]) }
        #expect(throws: CallOpsError.self) { try WorkingDays(names: []) }
        #expect(throws: CallOpsError.self) { try WorkingDays(names: ["mon", "mon"]) }
    }

    @Test func aConfigWithABadWorkingDayIsRefusedWithItsLine() throws {
        let settings = try Settings.parse(toml: "[planning]\nworking_days = [\"mon\", \"tue\"]\n", file: "c.toml")
        #expect(settings.planning.workingCalendar.weekdays == [1, 2])
        #expect {
            try Settings.parse(toml: "[planning]\nworking_days = [\"mon\", \"xyz\"]\n", file: "c.toml")
        } throws: { "\($0)".contains("c.toml:2") && "\($0)".contains("planning.working_days") && "\($0)".contains("xyz") }
    }

    @Test func aWeekInsideAMonthCarriesFiveTwentyFirstsOfItsTargets() throws {
        let center = try weekCenter()
        let report = try center.report(month: nil, from: "2026-11-09", to: "2026-11-15")
        let a1 = try #require(report.agents.first { $0.agentCode == "A1" })
        #expect(a1.effectiveCalls == 1 && a1.proposals == 2 && a1.sales == 0 && a1.workingDays == 5)
        // November's 153 effective calls, 51 proposals, 17 sales, 33,333.33 premium, × 5/21.
        let t = try #require(a1.targets)
        #expect(abs(t.effectiveCalls - 153.0 * 5 / 21) < 1e-9 && abs(t.proposals - 51.0 * 5 / 21) < 1e-9 && abs(t.sales - 17.0 * 5 / 21) < 1e-9)
        #expect(t.premium == Money(yuan: 7_936.51) && t.dailyEffectiveCalls == 8)
        let by = try #require(a1.attainmentBy)
        #expect(abs(by.effectiveCalls! - 21.0 / 765) < 1e-12 && abs(by.proposals! - 42.0 / 255) < 1e-12)
        #expect(by.sales == 0 && by.premium == 0 && a1.attainment == 0)
        // One effective call over 5 working days, against 8 a day.
        #expect(by.dailyEffectiveCalls == 0.025)
        // A2 made the week's sale, a proposal by itself, and has no targets: null, not zero.
        let a2 = try #require(report.agents.first { $0.agentCode == "A2" })
        #expect(a2.proposals == 1 && a2.sales == 1 && a2.targets == nil && a2.attainmentBy == nil && a2.attainment == nil)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(Render.json(report).utf8)) as? [String: Any])
        let agents = try #require(json["agents"] as? [[String: Any]])
        let a1JSON = try #require(agents.first { $0["agent_code"] as? String == "A1" })
        let targets = try #require(a1JSON["targets"] as? [String: Any])
        #expect(targets["effective_calls"] as? Double == 36.43 && targets["proposals"] as? Double == 12.14)
        #expect(targets["sales"] as? Double == 4.05 && targets["premium"] as? Double == 7_936.51)
        #expect((a1JSON["attainment_by"] as? [String: Any])?["sales"] as? Double == 0)
        let a2JSON = try #require(agents.first { $0["agent_code"] as? String == "A2" })
        // Without targets the objects are still there, their members null (CSV columns stay put).
        let a2Targets = try #require(a2JSON["targets"] as? [String: Any])
        let a2By = try #require(a2JSON["attainment_by"] as? [String: Any])
        #expect(a2Targets.keys.sorted() == targets.keys.sorted() && a2Targets.values.allSatisfy { $0 is NSNull })
        #expect(a2By["sales"] is NSNull && a2By["premium"] is NSNull && a2JSON["attainment"] is NSNull)
        #expect(a2JSON["proposals"] as? Int == 1)
    }

    @Test func aPeriodAcrossTwoMonthsSumsEachMonthsShare() throws {
        let center = try SmallCenter()
        try center.storeTargets("A1", "2026-11", income: 120_000)
        // 60,000 a year: premium 16,666.67, 9 sales, 27 proposals, 81 effective calls, 5 a day.
        try center.storeTargets("A1", "2026-12", income: 60_000)
        let report = try center.report(month: nil, from: "2026-11-23", to: "2026-12-06")
        let a1 = try #require(report.agents.first { $0.agentCode == "A1" })
        let t = try #require(a1.targets)
        // 6 of November's 21 working days, 4 of December's 23.
        #expect(abs(t.effectiveCalls - (153.0 * 6 / 21 + 81.0 * 4 / 23)) < 1e-9)
        #expect(abs(t.sales - (17.0 * 6 / 21 + 9.0 * 4 / 23)) < 1e-9)
        // 33,333.33 × 6/21 = 9,523.81; 16,666.67 × 4/23 = 2,898.55.
        // The daily target weighted by working days: (8 × 6 + 5 × 4) / 10 = 6.8.
        #expect(t.premium == Money(yuan: 12_422.36) && abs(t.dailyEffectiveCalls - 6.8) < 1e-12 && a1.workingDays == 10)
        // c4 (1 December, 200 s) is the one effective call: 1 / 10 days against 6.8 a day.
        #expect(a1.effectiveCalls == 1 && abs(a1.attainmentBy!.dailyEffectiveCalls! - 0.1 / 6.8) < 1e-12)
    }

    @Test func theCenterRowSumsCountsNeverAveragesRates() throws {
        let center = try weekCenter()
        let report = try center.report(month: "2026-11")
        // A center of one team: the team's figures, with "team": null.
        #expect(report.teams.count == 1)
        var team = report.teams[0]
        team.team = "center"
        #expect(report.center == team)
        #expect(report.center.headcount == 3 && report.center.sales == 1 && report.center.activeSellerRate == 1.0 / 3.0)
        #expect(report.center.dials == 7 && report.center.contacts == 5 && report.center.contactRate == 5.0 / 7.0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(Render.json(report).utf8)) as? [String: Any])
        let centerJSON = try #require(json["center"] as? [String: Any])
        #expect(centerJSON["team"] is NSNull && centerJSON["headcount"] as? Int == 3 && centerJSON["active_seller_rate"] as? Double == 1.0 / 3.0)
        // Two teams of unequal size: the center's 举绩率 is 2 of 5, not the mean of 1/1 and 1/4.
        let a = TeamFigures(team: "a", headcount: 1, activeSellers: 1, sales: 3, premium: Money(yuan: 900), dials: 10, contacts: 5)
        let b = TeamFigures(team: "b", headcount: 4, activeSellers: 1, sales: 1, premium: Money(yuan: 100), dials: 30, contacts: 3)
        let total = TeamFigures.total(of: [a, b], name: "center")
        #expect(total.activeSellerRate == 0.4 && total.policiesPerAgent == 0.8 && total.averagePremium == Money(yuan: 250))
        #expect(total.contactRate == 0.2 && total.premiumPerAgent == Money(yuan: 200))
        // The table's last row is the total, its columns lined up with the agents'.
        let rendered = report.table(by: .team).rendered().split(separator: "\n")
        #expect(rendered[2].hasPrefix("一组") && rendered[3].hasPrefix("total"))
        #expect(Table.displayWidth(String(rendered[2])) == Table.displayWidth(String(rendered[3])))
        let agentRows = report.table(by: .agent)
        #expect(agentRows.rows.last?.first == "total" && agentRows.rows.last?[4] == "7")
    }

    @Test func aTeamWithNoSales() throws {
        let center = try weekCenter()
        let report = try center.report(month: nil, from: "2026-11-02", to: "2026-11-08")
        let team = try #require(report.teams.first)
        #expect(team.sales == 0 && team.activeSellers == 0 && team.activeSellerRate == 0 && team.averagePremium == nil)
        // Nothing allocated that week and no pay run: nothing spent, so no premium per yuan.
        #expect(team.leadCost == .zero && team.payCost == .zero && team.premiumPerYuan == nil)
        #expect(report.tiers.map(\.premiumShare) == [nil])
    }

    @Test func theComparedPeriods() throws {
        let center = try SmallCenter()
        let builder = SeatReportBuilder(settings: center.settings, clock: center.clock)
        func compared(_ compare: SeatCompare, month: String? = nil, from: String? = nil, to: String? = nil) throws -> [String]? {
            let period = try builder.period(month: month, from: from, to: to)
            return builder.comparison(compare, month: month, from: from, to: to, period: period).map {
                [center.clock.timestamp($0.from), center.clock.timestamp($0.to)]
            }
        }
        // A month: the calendar month before; last year: the same month a year before.
        #expect(try compared(.previous, month: "2026-11") == ["2026-10-01T00:00:00", "2026-11-01T00:00:00"])
        #expect(try compared(.previous, month: "2026-03") == ["2026-02-01T00:00:00", "2026-03-01T00:00:00"])
        #expect(try compared(.lastYear, month: "2026-11") == ["2025-11-01T00:00:00", "2025-12-01T00:00:00"])
        // Days: the same number of days just before.
        #expect(try compared(.previous, from: "2026-11-09", to: "2026-11-15") == ["2026-11-02T00:00:00", "2026-11-09T00:00:00"])
        #expect(try compared(.lastYear, from: "2026-11-09", to: "2026-11-15") == ["2025-11-09T00:00:00", "2025-11-16T00:00:00"])
        // The month so far (1 December to the 5th, 12:00): the same span of November.
        #expect(try compared(.previous) == ["2026-11-01T00:00:00", "2026-11-05T12:00:00"])
        #expect(try compared(.none, month: "2026-11") == nil)

        let month = try center.report(month: "2026-11", compare: .previous)
        let previous = try #require(month.previous)
        // October holds only c0 (23:59:59 on the 31st).
        #expect(previous.from == "2026-10-01T00:00:00" && previous.center.dials == 1 && previous.teams.first?.dials == 1)
        let soFar = try center.report(month: nil, compare: .previous)
        #expect(soFar.previous?.center.dials == 2)
        let lastYear = try center.report(month: "2026-11", compare: .lastYear)
        #expect(lastYear.previous?.from == "2025-11-01T00:00:00" && lastYear.previous?.center.dials == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(Render.json(month).utf8)) as? [String: Any])
        let previousJSON = try #require(json["previous"] as? [String: Any])
        #expect(previousJSON["from"] as? String == "2026-10-01T00:00:00" && previousJSON["to"] as? String == "2026-11-01T00:00:00")
        #expect((previousJSON["center"] as? [String: Any])?["dials"] as? Int == 1 && (previousJSON["teams"] as? [Any])?.count == 1)
        // No sale in October: the change of sales is null, not infinite.
        #expect((previousJSON["change"] as? [String: Any])?["sales"] is NSNull)
        // Each key figure beside October's: 举绩率, 人均件数, 件均保费, premium, sales, effective calls.
        #expect(month.table(by: .team).rows.last?.suffix(12) == ["0.0%", "-", "0.00", "-", "-", "-", "0.00", "-", "0", "-", "0", "-"])
        let none = try #require(try JSONSerialization.jsonObject(with: Data(Render.json(center.report(month: "2026-11")).utf8)) as? [String: Any])
        #expect(none["previous"] == nil && none["center"] != nil)
    }

    @Test func tierSharesAddToOne() throws {
        func agent(_ tier: Tier, sales: Int, premium: Double) -> AgentFigures {
            var f = AgentFigures(agentCode: "x", name: "x", team: "t", tier: tier)
            f.sales = sales
            f.premium = Money(yuan: premium)
            return f
        }
        let tiers = TierFigures.of([agent(.general, sales: 0, premium: 0), agent(.general, sales: 1, premium: 300), agent(.core, sales: 3, premium: 1_500),
                                    agent(.top, sales: 2, premium: 3_200), agent(.core, sales: 1, premium: 1_000)])
        #expect(tiers.map(\.tier) == [.general, .core, .top])
        #expect(tiers.map(\.headcount) == [2, 2, 1] && tiers.map(\.activeSellerRate) == [0.5, 1, 1])
        #expect(tiers.map(\.policiesPerAgent) == [0.5, 2, 2] && tiers.map(\.averagePremium) == [Money(yuan: 300), Money(yuan: 625), Money(yuan: 1_600)])
        #expect(tiers.map(\.premiumShare) == [0.05, 0.4166666666666667, 0.5333333333333333])
        #expect(abs(tiers.compactMap(\.premiumShare).reduce(0, +) - 1) < 1e-12)
        let table = SeatReport(from: "", to: "", agents: [], teams: [], days: [], center: TeamFigures(team: "center"), tiers: tiers, previous: nil)
            .table(by: .tier)
        #expect(table.rows.map(\.first) == ["general", "core", "top"] && table.rows[2].last == "53.3%")
    }

    @Test func inputAgainstOutput() throws {
        let center = try SmallCenter()
        let pay = try center.db.transaction { db in
            try PayRun(settings: center.settings, clock: center.clock).run(db, month: CivilDay("2026-11-01")!, finalize: false)
        }
        let month = try center.report(month: "2026-11")
        let team = try #require(month.teams.first)
        // Five leads allocated on 1 November at 2 yuan each; ACC01 pays 35% of 300.
        #expect(team.leadCost == Money(yuan: 10) && team.fyc == Money(yuan: 105) && month.agents.first { $0.agentCode == "A1" }?.leadCost == Money(yuan: 6))
        let paid = pay.statements.reduce(Money.zero) { $0 + $1.total }
        #expect(paid > .zero && team.payCost == paid && team.payCostIncludesDraft)
        #expect(team.premiumPerYuan == Double(Money(yuan: 300).fen) / Double((paid + Money(yuan: 10)).fen))
        // A week holds 7 of November's 30 calendar days of each agent's pay.
        let week = try center.report(month: nil, from: "2026-11-09", to: "2026-11-15")
        let prorated = pay.statements.reduce(Int64(0)) { $0 + Int64((Double($1.total.fen) * 7 / 30).rounded()) }
        #expect(week.center.payCost == Money(fen: prorated) && week.center.leadCost == .zero)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(Render.json(month).utf8)) as? [String: Any])
        let teamJSON = try #require((json["teams"] as? [[String: Any]])?.first)
        #expect(teamJSON["lead_cost"] as? Double == 10 && teamJSON["fyc"] as? Double == 105 && teamJSON["pay_cost_draft"] as? Bool == true)
        #expect(teamJSON["pay_cost"] as? Double == paid.yuan && teamJSON["premium_per_yuan"] is Double)
        #expect(PayCost.calendarShare(of: CivilMonth("2026-02")!, from: CivilDay("2026-01-30")!, through: CivilDay("2026-02-07")!) == 7.0 / 28)
    }

    @Test func theDailyTrendThePageAndTheWorkbook() throws {
        let center = try weekCenter()
        let report = try center.report(month: nil, from: "2026-11-09", to: "2026-11-15", compare: .previous)
        // Monday to Friday, with or without calls; the weekend had none.
        #expect(report.days.map(\.day) == ["2026-11-09", "2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13"])
        #expect(report.days[0].dials == 0 && report.days[0].contactRate == nil && report.days[1].contactRate == 1 && report.days[2].contactRate == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(Render.json(report).utf8)) as? [String: Any])
        let days = try #require(json["days"] as? [[String: Any]])
        #expect(days.count == 5 && days[1]["contact_rate"] as? Double == 1 && days[0]["contact_rate"] is NSNull)
        #expect(report.table(by: .day).rows.map { $0[3] } == ["-", "100.0%", "0.0%", "100.0%", "100.0%"])

        let html = report.html()
        #expect(html.contains("@page{size:A4") && html.contains("@media print") && html.contains("break-inside:avoid"))
        #expect(html.contains("Daily trend") && html.components(separatedBy: "aria-label=\"daily trend\"").count == 5)
        #expect(html.contains("Tiers 职级") && html.contains("Compared with 对比 2026-11-02 – 2026-11-08") && html.contains("2026-11-09 – 2026-11-15") && !html.contains("2026-11-16") && !html.contains("T00:00") && html.contains("total 合计") && !html.contains("center 中心"))
        #expect(html.contains("Input and output 投入产出") && html.contains("<tr class=\"total\"><td class=\"l\">total</td>"))
        #expect(!html.contains("http") && !html.contains("<script"))

        let tables = try report.workbookTables()
        #expect(tables.map(\.name) == ["summary", "agents", "teams", "center", "tiers", "days", "previous", "change", "funnel"])
        let teams = try #require(tables.first { $0.name == "teams" })
        #expect(teams.rows.count == 1)
        let previous = try #require(tables.first { $0.name == "previous" })
        #expect(previous.columns.prefix(3).map(\.key) == ["from", "to", "team"] && previous.rows.map { $0[2] } == [.string("一组"), .string("total")])
        // The days covered, not the exclusive end: 2 to 8 November before 9 to 15.
        #expect(previous.rows.first?.prefix(2) == [.string("2026-11-02"), .string("2026-11-08")])
        let summary = try #require(tables.first { $0.name == "summary" })
        #expect(summary.rows.first { $0.first == .string("to") }?.last == .string("2026-11-15"))
        #expect(SeatReport.daysCovered(from: "2026-12-01T00:00:00", to: "2026-12-05T12:00:00") == ("2026-12-01", "2026-12-05"))
        let agents = try #require(tables.first { $0.name == "agents" })
        #expect(agents.columns.contains { $0.key == "targets_premium" } && !agents.columns.contains { $0.key == "targets" })
        // The agents' total row under them; the change of each key figure on a sheet of its own.
        let code = try #require(agents.columns.firstIndex { $0.key == "agent_code" })
        let dials = try #require(agents.columns.firstIndex { $0.key == "dials" })
        #expect(agents.rows.count == 4 && agents.rows.last?[code] == .string("total"))
        #expect(agents.rows.last?[dials] == .int(agents.rows.dropLast().reduce(0) { if case let .int(n) = $1[dials] { $0 + n } else { $0 } }))
        let change = try #require(tables.first { $0.name == "change" })
        #expect(change.rows.map { $0[0] } == ["举绩率", "人均件数", "件均保费", "premium", "sales", "effective calls"].map { .string($0) })
        let charted = Set(report.workbookCharts.map(\.table))
        #expect(charted.isSubset(of: Set(tables.map(\.name))) && charted.contains("tiers") && charted.contains("days"))
    }
}

extension ManagerViewTests {
    @Test func proposalsAreCountedThroughTheirOwnIndex() throws {
        let center = try SmallCenter()
        // The partial index alone, never the call table row by row.
        let rows = try center.db.read { db in try Row.fetchAll(db, sql: """
            EXPLAIN QUERY PLAN SELECT agent_id, lead_id FROM call
            WHERE started_at >= '2026-11-01' AND started_at < '2026-12-01' AND disposition = 'proposal'
            """) }
        let detail = rows.map { $0["detail"] as String }.joined(separator: " | ")
        #expect(detail.contains("call_proposal") && detail.contains("COVERING"), "\(detail)")
    }
}

extension ManagerViewTests {
    @Test func eachTeamsReportCutFromTheCentersEqualsItsOwnBuild() throws {
        let center = try weekCenter()
        let builder = SeatReportBuilder(settings: center.settings, clock: center.clock)
        let period = try builder.period(month: "2026-11", from: nil, to: nil)
        let previous = builder.comparison(.previous, month: "2026-11", from: nil, to: nil, period: period)
        let (whole, teams) = try center.db.read { db in try builder.teamReports(db, from: period.from, to: period.to, previous: previous) }
        #expect(whole.agents.count == 3 && teams.map(\.team) == ["一组", "二组"])
        for (name, cut) in teams {
            let own = try center.report(month: "2026-11", team: name, compare: .previous)
            #expect(cut.agents == own.agents && cut.teams == own.teams && cut.center == own.center, "\(name)")
            #expect(cut.tiers == own.tiers && cut.days == own.days && cut.previous == own.previous, "\(name)")
        }
        // 二组 has two seats and nobody in them.
        #expect(teams[1].report.teams.first?.seats == 2 && teams[1].report.agents.isEmpty && teams[1].report.days.count == 21)
    }
}

extension ManagerViewTests {
    @Test func perHeadMoneyIsRoundedToTheFenNotCut() throws {
        // 500.00 over 3 heads is 166.67; 1,000.00 over 7 leads 142.86; 6,000.00 over 23 260.87.
        let team = TeamFigures(team: "Y", headcount: 3, activeSellers: 1, sales: 3, premium: Money(yuan: 500))
        #expect(team.premiumPerAgent == Money(yuan: 166.67) && team.averagePremium == Money(yuan: 166.67))
        var agent = AgentFigures(agentCode: "A2", name: "", team: "T1", tier: .general)
        agent.premium = Money(yuan: 1_000)
        agent.leadsAllocated = 7
        agent.sales = 3
        #expect(agent.premiumPerLead == Money(yuan: 142.86) && agent.averagePremium == Money(yuan: 333.33))
        agent.premium = Money(yuan: 6_000)
        agent.leadsAllocated = 23
        #expect(agent.premiumPerLead == Money(yuan: 260.87))
        // Half a fen goes away from zero, both ways; nothing over zero.
        #expect(Money(fen: 5).divided(by: 2) == Money(fen: 3) && Money(fen: -5).divided(by: 2) == Money(fen: -3))
        #expect(Money(fen: 4).divided(by: 3) == Money(fen: 1) && Money(fen: 100).divided(by: 0) == nil)
        let tiers = TierFigures.of([agent])
        #expect(tiers.first?.averagePremium == Money(yuan: 2_000))
    }
}

extension ManagerViewTests {
    @Test func everyTableSetsTheKeyFiguresBesideThePreviousPeriod() throws {
        let center = try SmallCenter()
        // December so far (c4, one effective call) against November (c1 and c5 effective, A2's sale).
        let december = try center.report(month: "2026-12", compare: .previous)
        let team = december.table(by: .team)
        for name in ["举绩率", "人均件数", "件均保费", "premium", "sales", "effective calls"] {
            #expect(team.columns.contains { $0.hasSuffix("prev \(name)") } && team.columns.contains { $0.hasSuffix("\(name) Δ") }, "\(name)")
        }
        let row = try #require(team.rows.last)
        #expect(row.suffix(2) == ["2", "-50.0%"] && row.suffix(6).prefix(2) == ["300.00", "-100.0%"], "\(row)")
        // The agents and the tiers carry the same figures for the center in their footer.
        for grouping in [SeatReport.Grouping.agent, .tier] {
            let footer = december.table(by: grouping).footer.joined(separator: "\n")
            #expect(footer.contains("举绩率 0.0% / 33.3%") && footer.contains("件均保费 - / 300.00") && footer.contains("effective calls 1 / 2 (-50.0%)"), "\(footer)")
        }
    }
}
