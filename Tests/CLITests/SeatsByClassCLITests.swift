@testable import CallOpsCore
import Foundation
import Testing

/// `seats report --by class` (SPEC section 7: the seat report shows leads, contacts, sales and
/// conversion per class); an outside audit found `--by class` refused and no class in the JSON.
@Suite(.serialized) struct SeatsByClassCLITests {
    /// A1 holds two warm leads (1 called and sold for 700, 2 dialed unanswered), one referral
    /// lead never called (3) and one cold lead sold for 300 with no call (4); B1 of another team
    /// calls nothing.
    func floor(_ cli: CLI) throws {
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date\nA1,甲,一组,2026-01-05\nB1,乙,二组,2026-01-05\n")],
                   now: "2026-11-02T09:00")
        try cli.ok(["leads", "import", cli.write("l.csv", """
            phone,name,age,class
            13900000001,张三,30,缘故
            13900000002,李四,31,缘故
            13900000003,王五,32,转介
            13900000004,赵六,33,陌生

            """), "--source", "v"], now: "2026-11-02T09:00")
        try cli.ok(["leads", "allocate", "--seed", "1", "--team", "一组"], now: "2026-11-02T09:30")
        try cli.ok(["calls", "log", "--agent", "A1", "--lead", "1", "--disposition", "interested", "--talk-seconds", "120"], now: "2026-11-03T10:00")
        try cli.ok(["calls", "log", "--agent", "A1", "--lead", "2", "--disposition", "no_answer", "--talk-seconds", "0"], now: "2026-11-03T10:05")
        try cli.ok(["sales", "record", "--lead", "1", "--agent", "A1", "--product", "ACC01", "--premium", "700"], now: "2026-11-04T10:00")
        try cli.ok(["sales", "record", "--lead", "4", "--agent", "A1", "--product", "ACC01", "--premium", "300"], now: "2026-11-04T10:10")
    }

    @Test func perClassLeadsWorkedContactsSalesAndConversionWithATotal() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try floor(cli)
        let now = "2026-11-06T18:00"
        let report = try #require(try CLI.json(cli.ok(["seats", "report", "--by", "class", "--from", "2026-11-02", "--to", "2026-11-06",
                                                       "--compare", "none", "--format", "json"], now: now)) as? [String: Any])
        let classes = try #require(report["classes"] as? [[String: Any]], "\(report.keys)")
        #expect(classes.map { $0["class"] as? String } == ["warm", "referral", "cold"])
        let warm = classes[0], referral = classes[1], cold = classes[2]
        #expect(warm["leads_worked"] as? Int == 2 && warm["dials"] as? Int == 2 && warm["contacts"] as? Int == 1, "\(warm)")
        #expect(warm["leads_sold"] as? Int == 1 && warm["sales"] as? Int == 1 && warm["premium"] as? Double == 700, "\(warm)")
        #expect(warm["conversion_rate"] as? Double == 0.5, "\(warm)")
        #expect(referral["leads_worked"] as? Int == 0 && referral["conversion_rate"] is NSNull, "\(referral)")
        // A sale with no call is a lead worked: its conversion is 1, not a division by zero contacts.
        #expect(cold["leads_worked"] as? Int == 1 && cold["dials"] as? Int == 0 && cold["sales"] as? Int == 1, "\(cold)")
        #expect(cold["premium"] as? Double == 300 && cold["conversion_rate"] as? Double == 1, "\(cold)")
        let total = try #require(report["class_total"] as? [String: Any])
        #expect(total["class"] is NSNull)
        #expect(total["leads_worked"] as? Int == 3 && total["leads_sold"] as? Int == 2 && total["premium"] as? Double == 1000, "\(total)")
        #expect(abs((total["conversion_rate"] as? Double ?? 0) - 2.0 / 3.0) < 1e-9, "\(total)")

        // The table: a row per class and the center's; the CSV: the classes' JSON keys.
        let table = try cli.ok(["seats", "report", "--by", "class", "--from", "2026-11-02", "--to", "2026-11-06", "--compare", "none"], now: now).stdout
        #expect(table.contains("leads worked") && table.contains("referral") && table.contains("66.7%"), "\(table)")
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("center") || $0.hasPrefix("total") }, "\(table)")
        let csv = try cli.ok(["seats", "report", "--by", "class", "--from", "2026-11-02", "--to", "2026-11-06", "--compare", "none", "--format", "csv"], now: now).stdout
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("class,leads_worked,dials,contacts") == true, "\(csv)")
        #expect(lines.count == 4 && lines[1].hasPrefix("warm,2,2,1"), "\(csv)")
        // The page shows the classes too.
        let html = try cli.ok(["seats", "report", "--from", "2026-11-02", "--to", "2026-11-06", "--compare", "none", "--format", "html"], now: now).stdout
        #expect(html.contains("Classes 客户类别") && html.contains("<td class=\"l\">referral</td>"), "\(html.suffix(2000))")
        // Other views do not pay for the per-lead count.
        let agents = try #require(try CLI.json(cli.ok(["seats", "report", "--from", "2026-11-02", "--to", "2026-11-06", "--compare", "none",
                                                       "--format", "json"], now: now)) as? [String: Any])
        #expect(agents["classes"] == nil)
    }

    @Test func theWorkbookHasTheClassesSheetWithItsTotal() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try floor(cli)
        try cli.ok(["seats", "report", "--from", "2026-11-02", "--to", "2026-11-06", "--compare", "none", "--format", "xlsx", "--out", "report.xlsx"],
                   now: "2026-11-06T18:00")
        var reader = try XLSXReader(path: cli.folder.appendingPathComponent("report.xlsx").path, sheet: "classes")
        let header = try #require(try reader.next()).fields
        #expect(Array(header.prefix(3)) == ["class", "leads_worked", "dials"], "\(header)")
        var rows: [[String]] = []
        while let record = try reader.next() { rows.append(record.fields) }
        #expect(rows.map { $0.first ?? "" } == ["warm", "referral", "cold", "center"], "\(rows)")
        #expect(rows.last?.dropFirst().first == "3", "\(rows)")
    }

    @Test func oneTeamsClassesAreItsAgentsWork() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try floor(cli)
        let now = "2026-11-06T18:00"
        for (team, worked) in [("一组", 3), ("二组", 0)] {
            let report = try #require(try CLI.json(cli.ok(["seats", "report", "--by", "class", "--team", team, "--from", "2026-11-02", "--to", "2026-11-06",
                                                           "--compare", "none", "--format", "json"], now: now)) as? [String: Any])
            let total = try #require(report["class_total"] as? [String: Any])
            #expect(total["leads_worked"] as? Int == worked, "\(team): \(total)")
        }
    }
}
