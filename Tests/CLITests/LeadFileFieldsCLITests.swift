import Foundation
import Testing

/// A lead file's fields: a huge one refuses its row, an unreadable income keeps it with a warning (issue 14).
@Suite(.serialized) struct LeadFileFieldsCLITests {

    @Test func aHugeFieldRejectsItsRowAsMalformed() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let huge = String(repeating: "名", count: 1_001)
        let fine = String(repeating: "名", count: 1_000)
        let file = try cli.write("long.csv", "phone,name,age,note\n13900000001,\(huge),30,x\n13900000002,\(fine),30,x\n13900000003,王五,30,\(String(repeating: "n", count: 10_000_000))\n")
        let result = try cli.run(["leads", "import", file, "--source", "v", "--format", "json", "--rejects", "rejects.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try CLI.json(result) as? [String: Any])
        #expect(summary["accepted"] as? Int == 1)
        #expect((summary["rejected"] as? [String: Any])?["malformed_row"] as? Int == 2)
        let rejects = try String(contentsOfFile: cli.folder.appendingPathComponent("rejects.csv").path, encoding: .utf8)
        #expect(rejects.contains("2,malformed_row,\"field \"\"name\"\" has 1001 characters; at most 1000\""), "\(rejects.prefix(300))")
        #expect(rejects.contains("4,malformed_row,\"field \"\"note\"\" has 10000000 characters; at most 1000\""))
        #expect(try FileManager.default.attributesOfItem(atPath: cli.database)[.size] as? Int ?? 0 < 1_000_000)
    }

    @Test func anUnreadableIncomeKeepsTheRowWithAWarning() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let long = String(repeating: "9", count: 200)
        let file = try cli.write("income.csv", "phone,name,age,income\n13900000001,张三,30,abc\n13900000002,李四,40,120000\n13900000003,王五,35,1e300\n13900000004,赵六,45,\(long)x\n")
        let result = try cli.run(["leads", "import", file, "--source", "v", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try CLI.json(result) as? [String: Any])
        #expect(summary["accepted"] as? Int == 4 && summary["unreadable_income"] as? Int == 3, "\(summary)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result.stderr)")
        #expect(lines.first == "income.csv:2: income \"abc\" is not an amount in yuan from 0 to 100,000,000; the lead is kept without an income")
        #expect(lines.contains { $0.hasPrefix("income.csv:4: income \"1e300\"") })
        #expect(lines.contains { $0.hasPrefix("income.csv:5: income \"\(String(repeating: "9", count: 80))… (201 bytes)\"") }, "\(lines)")
        let table = try cli.run(["leads", "import", cli.write("again.csv", "phone,年收入\n13900000011,很多\n"), "--source", "w"])
        #expect(table.status == 0 && table.stderr.contains("again.csv:2: 年收入 \"很多\" is not an amount"), "\(table.stderr)")
    }

    @Test func aHugeFieldInACallOrRosterFileIsRefusedWithItsLine() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        let note = String(repeating: "话", count: 5_000)
        let calls = try cli.write("calls.csv", "call_id,agent_code,lead_id,started_at,talk_seconds,disposition,note\nc1,A001,1,2026-11-23T09:30,60,connected,\(note)\nc2,A001,2,2026-11-23T09:40,60,connected,ok\n")
        let imported = try cli.run(["calls", "import", calls, "--format", "json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let summary = try #require(try CLI.json(imported) as? [String: Any])
        #expect(summary["imported"] as? Int == 1, "\(summary)")
        let rejected = try #require((summary["rejected"] as? [[String: Any]])?.first)
        #expect(rejected["line"] as? Int == 2 && rejected["field"] as? String == "note", "\(rejected)")
        #expect((rejected["reason"] as? String)?.contains("has 5000 characters; at most 1000") == true, "\(rejected)")
        let before = cli.bytes(cli.database)
        let roster = try cli.write("r2.csv", "agent_code,name,team,hire_date\nA002,\(String(repeating: "x", count: 1_001)),一组,2024-03-01\n")
        let refused = try cli.run(["roster", "import", roster])
        #expect(refused.status == 1 && refused.stderr.contains("r2.csv:2") && refused.stderr.contains("name") && refused.stderr.contains("1001 characters"), "\(refused.stderr)")
        #expect(cli.bytes(cli.database) == before)
    }
}
