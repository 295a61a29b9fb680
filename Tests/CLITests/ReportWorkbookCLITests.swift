@testable import CallOpsCore
import Foundation
import Testing

/// Every report as a workbook and as CSV, against its own JSON (SPEC section 3).
@Suite(.serialized) struct ReportWorkbookCLITests {
    /// The reports of SPEC section 3 that take xlsx, with the JSON array each one's main sheet holds.
    static let reports: [(arguments: [String], sheet: String, jsonArray: String?)] = [
        (["seats", "report"], "agents", "agents"),
        (["seats", "report", "--by", "team"], "teams", "teams"),
        (["leads", "stats"], "rows", nil),
        (["pay", "run"], "statements", "statements"),
        (["pay", "slip", "--agent", "A001", "--month", "2026-11"], "lines", "lines"),
        (["renewals", "report"], "agents", "agents"),
        (["recruit", "report"], "rows", nil),
        (["training", "report"], "rows", nil),
        (["plan", "campaign", "standings", "DEC"], "standings", "standings"),
    ]

    @Test func everyReportRoundTripsThroughXLSX() throws {
        // No database yet: the demo creates its own (it never opens a file it did not make).
        let cli = try CLI(database: false)
        defer { cli.cleanUp() }
        let demo = try cli.run(["demo", "--db", cli.folder.appendingPathComponent("test.sqlite").path, "--agents", "8", "--leads", "800", "--days", "40"],
                               now: "2026-11-23T18:00")
        #expect(demo.status == 0, "\(demo.stderr)")
        let campaign = try cli.run(["plan", "campaign", "add", "DEC", "--name", "冲刺", "--metric", "premium", "--from", "2026-11-01",
                                    "--to", "2026-11-30", "--tier", "1000:100", "5000:500"], now: "2026-11-23T18:00")
        #expect(campaign.status == 0, "\(campaign.stderr)")
        for report in Self.reports {
            let name = report.arguments.joined(separator: " ")
            let json = try cli.run(report.arguments + ["--format", "json"], now: "2026-11-23T18:00")
            #expect(json.status == 0, "\(name): \(json.stderr)")
            let parsed = try CLI.json(json)
            let rows = try #require((report.jsonArray.map { (parsed as? [String: Any])?[$0] } ?? parsed) as? [[String: Any]], "\(name)")
            let file = cli.folder.appendingPathComponent("report.xlsx").path
            let written = try cli.run(report.arguments + ["--format", "xlsx", "--out", "report.xlsx"], now: "2026-11-23T18:00")
            #expect(written.status == 0 && written.stdout.isEmpty, "\(name): \(written.stderr)")
            var reader = try XLSXReader(path: file, sheet: report.sheet)
            let header = try #require(try reader.next(), "\(name): an empty sheet").fields
            var sheetRows: [[String]] = []
            while let record = try reader.next() { sheetRows.append(record.fields) }
            // The seat report's agents sheet ends with their total row, as the terminal's table does.
            let totalRow = name == "seats report" ? 1 : 0
            #expect(sheetRows.count == rows.count + totalRow, "\(name): \(sheetRows.count) rows in the sheet, \(rows.count) in the JSON")
            var compared = 0
            for (row, values) in zip(rows, sheetRows) {
                for (key, value) in row {
                    guard let column = header.firstIndex(of: key) else { continue }
                    let cell = column < values.count ? values[column] : ""
                    switch value {
                    case let flag as NSNumber where cell == "TRUE" || cell == "FALSE":
                        // A JSON true/false (a draft pay cost) is a boolean cell.
                        #expect((cell == "TRUE") == flag.boolValue, "\(name): \(key) is \(flag) in the JSON, \(cell) in the workbook")
                        compared += 1
                    case let number as NSNumber where !(value is String):
                        let read = Double(cell)
                        #expect(read.map { abs($0 - number.doubleValue) <= 1e-9 * max(1, abs(number.doubleValue)) } == true,
                                "\(name): \(key) is \(number) in the JSON, \(cell) in the workbook")
                        compared += 1
                    case let text as String where DataTable.dateKind(text) == .date:
                        #expect(cell == text, "\(name): \(key)")
                    case let text as String where DataTable.dateKind(text) == .dateTime:
                        #expect(cell.prefix(16) == text.prefix(16), "\(name): \(key) is \(text), \(cell) in the workbook")
                    case let text as String:
                        #expect(cell == text, "\(name): \(key)")
                    default: break
                    }
                }
            }
            #expect(compared > 0, "\(name): no numbers compared")
        }
    }

    @Test func csvIsDataOnStdoutAndHasABOMInFilesForPeople() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write("roster.csv", "agent_code,name,team,hire_date\nA001,=HYPERLINK(\"x\"),一组,2024-03-01\nA002,李娜,一组,2025-03-01\n")
        #expect(try cli.run(["roster", "import", "roster.csv"]).status == 0)
        try cli.write("calls.csv", """
            call_id,agent_code,phone,started_at,talk_seconds,disposition,product,premium
            c1,A001,13900000001,2026-11-02T10:00:00,300,sale,CI01,71450
            """)
        try cli.write("leads.csv", "phone\n13900000001\n")
        _ = try cli.run(["leads", "import", "leads.csv", "--source", "t"])
        _ = try cli.run(["leads", "allocate", "--seed", "1"])
        _ = try cli.run(["calls", "import", "calls.csv"], now: "2026-11-03T20:00")
        let csv = try cli.run(["seats", "report", "--month", "2026-11", "--format", "csv"], now: "2026-11-03T20:00")
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(!csv.stdout.hasPrefix("\u{FEFF}") && lines.first?.hasPrefix("agent_code,name,team,tier,dials,") == true, "\(csv.stdout)")
        // Raw values: money with two decimals and no separator; the formula neutralised.
        let a001 = try #require(lines.first { $0.hasPrefix("A001,") })
        #expect(a001.contains(",71450.00,") && a001.contains("'=HYPERLINK"), "\(a001)")

        let out = try cli.run(["seats", "report", "--month", "2026-11", "--format", "csv", "--out", "seats.csv"], now: "2026-11-03T20:00")
        #expect(out.status == 0 && out.stdout.isEmpty)
        let bytes = [UInt8](try Data(contentsOf: cli.folder.appendingPathComponent("seats.csv")))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]) && String(decoding: bytes.dropFirst(3), as: UTF8.self) == csv.stdout)

        let daily = try cli.run(["daily", "--date", "2026-11-04", "--out", "night"], now: "2026-11-03T22:00")
        #expect(daily.status == 0, "\(daily.stderr)")
        let reports = try FileManager.default.contentsOfDirectory(atPath: cli.folder.appendingPathComponent("night/reports").path)
        for name in reports where name.hasSuffix(".csv") {
            let file = [UInt8](try Data(contentsOf: cli.folder.appendingPathComponent("night/reports/\(name)")))
            #expect(file.starts(with: [0xEF, 0xBB, 0xBF]), "\(name) has no BOM")
        }
        let xlsxWithoutOut = try cli.run(["pay", "run", "--format", "xlsx"])
        #expect(xlsxWithoutOut.status != 0 && xlsxWithoutOut.stderr.contains("--out"))
    }
}
