import Foundation
import Spreadsheet
import Testing

/// Workbooks in, end to end: the files a center receives as Excel (SPEC section 5).
@Suite(.serialized) struct XLSXImportCLITests {
    /// A roster as a team lead keeps it in Excel: the hire date a real date cell.
    func rosterWorkbook(_ path: String) throws {
        let book = try WorkbookWriter(path: path)
        let sheet = book.addSheet("坐席")
        for (c, name) in ["agent_code", "name", "team", "hire_date", "tier", "status", "seat"].enumerated() { sheet.text(0, c, name) }
        for (r, agent) in [("A001", "张伟", "一组", 2024, "top"), ("A002", "李娜", "一组", 2025, "general")].enumerated() {
            sheet.text(r + 1, 0, agent.0)
            sheet.text(r + 1, 1, agent.1)
            sheet.text(r + 1, 2, agent.2)
            sheet.date(r + 1, 3, year: agent.3, month: 3, day: 1)
            sheet.text(r + 1, 4, agent.4)
            sheet.text(r + 1, 5, "active")
        }
        try book.close()
    }

    /// A vendor's list: phones typed as numbers, birth dates as dates, on the second sheet.
    func leadWorkbook(_ path: String) throws {
        let book = try WorkbookWriter(path: path)
        book.addSheet("说明").text(0, 0, "供应商: 测试")
        let sheet = book.addSheet("名单")
        for (c, name) in ["手机号", "姓名", "出生日期", "年收入", "婚姻状况"].enumerated() { sheet.text(0, c, name) }
        let rows: [(Double, String, Int, Double?)] = [
            (13900000001, "张三", 1990, 120000), (13900000002, "李四", 1950, nil), (13900000001, "张三", 1990, nil), (12345, "坏号", 1990, nil),
            (13900000003, "王五", 1985, nil),
        ]
        for (r, row) in rows.enumerated() {
            sheet.number(r + 1, 0, row.0)
            sheet.text(r + 1, 1, row.1)
            sheet.date(r + 1, 2, year: row.2, month: 6, day: 1)
            if let income = row.3 { sheet.number(r + 1, 3, income) }
            // Nothing past the income: the missing cells are empty, not a malformed row.
        }
        try book.close()
    }

    @Test func rosterLeadsCallsAndDNCFromWorkbooks() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let roster = cli.folder.appendingPathComponent("roster.xlsx").path
        try rosterWorkbook(roster)
        let rosterRun = try cli.run(["roster", "import", "roster.xlsx", "--format", "json"])
        #expect(rosterRun.status == 0, "\(rosterRun.stderr)")
        let list = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"])) as? [[String: Any]])
        #expect(list.map { $0["hire_date"] as? String } == ["2024-03-01", "2025-03-01"])

        // Named leads.dat: the content, not the name, says it is a workbook.
        let leads = cli.folder.appendingPathComponent("leads.dat").path
        try leadWorkbook(leads)
        let noSheet = try cli.run(["leads", "import", "leads.dat", "--source", "测试"])
        #expect(noSheet.status != 0 && noSheet.stderr.contains("has no phone column"), "\(noSheet.stderr)")
        let imported = try cli.run(["leads", "import", "leads.dat", "--sheet", "名单", "--source", "测试", "--format", "json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let summary = try #require(try CLI.json(imported) as? [String: Any])
        #expect(summary["rows"] as? Int == 5 && summary["accepted"] as? Int == 2)
        #expect(summary["rejected"] as? [String: Int] == ["missing_phone": 0, "invalid_phone": 1, "duplicate_in_file": 1, "duplicate_existing": 0,
                                                          "dnc": 0, "out_of_age_range": 1, "malformed_row": 0])

        // A number typed as a number is the same lead as its digits: the DNC list finds it.
        let dncBook = try WorkbookWriter(path: cli.folder.appendingPathComponent("dnc.xlsx").path)
        let dncSheet = dncBook.addSheet("dnc")
        dncSheet.text(0, 0, "phone")
        dncSheet.number(1, 0, 13900000003)
        try dncBook.close()
        let dnc = try cli.run(["leads", "dnc", "add", "--file", "dnc.xlsx", "--format", "json"])
        #expect((try CLI.json(dnc) as? [String: Int])?["leads_closed"] == 1, "\(dnc.stderr)")

        let calls = try WorkbookWriter(path: cli.folder.appendingPathComponent("calls.xlsx").path)
        let callSheet = calls.addSheet("calls")
        for (c, name) in ["call_id", "agent_code", "phone", "started_at", "talk_seconds", "disposition"].enumerated() { callSheet.text(0, c, name) }
        callSheet.text(1, 0, "c1")
        callSheet.text(1, 1, "A001")
        callSheet.number(1, 2, 13900000001)
        callSheet.date(1, 3, year: 2026, month: 11, day: 23, hour: 9, minute: 30, style: .dateTime)
        callSheet.number(1, 4, 180)
        callSheet.text(1, 5, "interested")
        try calls.close()
        _ = try cli.run(["leads", "allocate", "--seed", "1"])
        let callRun = try cli.run(["calls", "import", "calls.xlsx", "--format", "json"])
        #expect(callRun.status == 0, "\(callRun.stderr)")
        let callSummary = try #require(try CLI.json(callRun) as? [String: Any])
        #expect(callSummary["imported"] as? Int == 1, "\(callRun.stdout)")
    }

    @Test func aTruncatedOrLockedWorkbookIsRefusedWholeWithOneLine() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let path = cli.folder.appendingPathComponent("leads.xlsx").path
        try leadWorkbook(path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 200).write(to: URL(fileURLWithPath: path))
        let cut = try cli.run(["leads", "import", "leads.xlsx", "--source", "测试"])
        #expect(cut.status != 0)
        #expect(cut.stderr.split(separator: "\n").count == 1 && cut.stderr.contains("leads.xlsx: is not a complete xlsx workbook"), "\(cut.stderr)")
        try cli.write("locked.xlsx", bytes: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504))
        let locked = try cli.run(["roster", "import", "locked.xlsx"])
        #expect(locked.status != 0 && locked.stderr.contains("locked.xlsx: is a password-protected workbook"), "\(locked.stderr)")
        let stats = try CLI.json(cli.run(["leads", "stats", "--format", "json"])) as? [Any]
        #expect(stats?.isEmpty == true)
    }

    /// Issue 14: an oversized cell, inline or shared, is cut by the reader and its row refused
    /// by name with its true length, never a crash or a 30,000-character error line.
    @Test func anOversizedCellIsRefusedByNameNotEchoed() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let long = String(repeating: "名", count: 30_000)
        // Shared strings (libxlsxwriter's default mode): a lead file with one name too long.
        let leads = cli.folder.appendingPathComponent("leads.xlsx").path
        let book = try WorkbookWriter(path: leads, streaming: false)
        let sheet = book.addSheet("名单")
        for (c, name) in ["手机号", "姓名", "年龄"].enumerated() { sheet.text(0, c, name) }
        for (r, name) in ["张三", long, "王五"].enumerated() {
            sheet.number(r + 1, 0, Double(13_900_000_001 + r))
            sheet.text(r + 1, 1, name)
            sheet.number(r + 1, 2, 30)
        }
        try book.close()
        let imported = try cli.run(["leads", "import", "leads.xlsx", "--source", "v", "--format", "json", "--rejects", "rejects.csv"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let summary = try #require(try CLI.json(imported) as? [String: Any])
        #expect(summary["accepted"] as? Int == 2)
        #expect((summary["rejected"] as? [String: Any])?["malformed_row"] as? Int == 1)
        let rejects = try String(contentsOfFile: cli.folder.appendingPathComponent("rejects.csv").path, encoding: .utf8)
        #expect(rejects.contains("3,malformed_row,\"field \"\"姓名\"\" has 30000 characters; at most 1000\""), "\(rejects.prefix(300))")

        // Inline strings (constant-memory mode): a do-not-call list whose second number is 30,000 digits.
        let dnc = cli.folder.appendingPathComponent("dnc.xlsx").path
        let list = try WorkbookWriter(path: dnc, streaming: true)
        let numbers = list.addSheet("dnc")
        numbers.text(0, 0, "phone")
        numbers.text(1, 0, "13900000001")
        numbers.text(2, 0, String(repeating: "1", count: 30_000))
        try list.close()
        let refused = try cli.run(["leads", "dnc", "add", "--file", "dnc.xlsx"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("dnc.xlsx:3: phone: has 30000 characters; at most 1000"), "\(refused.stderr.prefix(300))")
        #expect(refused.stderr.utf8.count < 300 && !refused.stderr.contains("Fatal"), "\(refused.stderr.prefix(300))")
        let listed = try CLI.json(cli.run(["leads", "dnc", "list", "--format", "json"])) as? [Any]
        #expect(listed?.isEmpty == true)
    }
}
