@testable import CallOpsCore
import Foundation
import Spreadsheet
import Testing

/// A temporary folder removed at the end of the test.
final class TempFolder {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "callops-xlsx-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
}

/// Reads every record of a workbook as text.
func readAll(_ path: String, sheet: String? = nil) throws -> [[String]] {
    var reader = try XLSXReader(path: path, sheet: sheet)
    var rows: [[String]] = []
    while let record = try reader.next() { rows.append(record.fields) }
    return rows
}

@Suite struct XLSXReaderTests {
    /// A lead list as a vendor sends it: a title row left empty, numbers typed as numbers, a
    /// birth date as a date, a gap and a short row.
    func leadWorkbook(_ path: String, streaming: Bool) throws {
        let book = try WorkbookWriter(path: path, streaming: streaming)
        let sheet = book.addSheet("客户名单")
        // Row 1 left empty: the header is the first non-empty row.
        for (c, name) in ["手机号", "姓名", "出生日期", "年收入", "已婚", "备注"].enumerated() { sheet.text(1, c, name) }
        sheet.number(2, 0, 13800138000)
        sheet.text(2, 1, "张三 & 李四 <测试>")
        sheet.date(2, 2, year: 1985, month: 3, day: 2)
        sheet.number(2, 3, 120000.5)
        sheet.bool(2, 4, true)
        sheet.text(2, 5, "=1+1")
        // A gap: no name, no date; nothing past the income.
        sheet.number(3, 0, 13900139000)
        sheet.number(3, 3, 0.25)
        try book.close()
    }

    @Test(arguments: [false, true]) func readsTypedCellsInTheirColumns(streaming: Bool) throws {
        let folder = TempFolder()
        let path = folder.file("leads.xlsx")
        try leadWorkbook(path, streaming: streaming)
        #expect(try TabularKind.of(path: path) == .xlsx)
        var reader = try XLSXReader(path: path)
        #expect(reader.sheetName == "客户名单")
        let header = try #require(try reader.next())
        #expect(header.line == 2)
        #expect(header.fields == ["手机号", "姓名", "出生日期", "年收入", "已婚", "备注"])
        let first = try #require(try reader.next())
        #expect(first.line == 3)
        #expect(first.fields == ["13800138000", "张三 & 李四 <测试>", "1985-03-02", "120000.5", "TRUE", "=1+1"])
        let second = try #require(try reader.next())
        #expect(second.fields == ["13900139000", "", "", "0.25", "", ""])
        #expect(try reader.next() == nil)
    }

    @Test func picksASheetByName() throws {
        let folder = TempFolder()
        let path = folder.file("two.xlsx")
        let book = try WorkbookWriter(path: path)
        book.addSheet("说明").text(0, 0, "read me")
        let data = book.addSheet("名单")
        data.text(0, 0, "phone")
        data.text(1, 0, "13800138000")
        try book.close()
        #expect(try readAll(path) == [["read me"]])
        #expect(try readAll(path, sheet: "名单") == [["phone"], ["13800138000"]])
        #expect(throws: CallOpsError.badFile(file: "two.xlsx", message: "has no sheet \"Leads\"; its sheets are \"说明\", \"名单\"")) {
            try readAll(path, sheet: "Leads")
        }
    }

    @Test func refusesATruncatedWorkbook() throws {
        let folder = TempFolder()
        let path = folder.file("cut.xlsx")
        try leadWorkbook(path, streaming: false)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        #expect(try TabularKind.of(path: path) == .xlsx)
        let error = #expect(throws: CallOpsError.self) { try readAll(path) }
        #expect("\(error!)".hasPrefix("cut.xlsx: is not a complete xlsx workbook (truncated or corrupt"))
    }

    /// A two-row workbook whose sheet XML `edit` changes, zipped back with zip(1).
    func editedWorkbook(_ folder: TempFolder, _ name: String, edit: (String) -> String) throws -> String {
        let path = folder.file(name)
        let book = try WorkbookWriter(path: path, streaming: false)
        let sheet = book.addSheet("s")
        sheet.text(0, 0, "name")
        sheet.text(1, 0, "张三")
        try book.close()
        let unpacked = folder.file(name + ".d")
        func run(_ tool: String, _ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: unpacked)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        }
        try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
        try run("/usr/bin/unzip", ["-q", path])
        let xml = unpacked + "/xl/worksheets/sheet1.xml"
        try edit(try String(contentsOfFile: xml, encoding: .utf8)).write(toFile: xml, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: path)
        try run("/usr/bin/zip", ["-q", "-r", path, "."])
        return path
    }

    /// Audit 13: bad indexes were read silently or misquoted; each is refused as written.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zip") && FileManager.default.isExecutableFile(atPath: "/usr/bin/unzip")),
          arguments: [
            ("<v>1</v>", "<v>-1</v>", "shared string \"-1\""),
            ("<v>1</v>", "<v>99999999999999999999</v>", "shared string \"99999999999999999999\""),
            ("<row r=\"2\"", "<row r=\"-5\"", "row number \"-5\""),
            ("<row r=\"2\"", "<row r=\"99999999999\"", "row number \"99999999999\""),
            ("<row r=\"2\"", "<row r=\"0\"", "row number \"0\""),
          ])
    func badIndexesAreRefusedAsWritten(from: String, to: String, message: String) throws {
        let folder = TempFolder()
        let path = try editedWorkbook(folder, "bad.xlsx") { xml in
            #expect(xml.contains(from), "\(xml)")
            return xml.replacingOccurrences(of: from, with: to)
        }
        let error = #expect(throws: CallOpsError.self) { try readAll(path) }
        #expect("\(error.map { "\($0)" } ?? "")".contains(message), "\(String(describing: error))")
        // The same workbook unedited reads.
        #expect(try readAll(try editedWorkbook(folder, "good.xlsx") { $0 }) == [["name"], ["张三"]])
    }

    @Test func refusesADamagedSheet() throws {
        let folder = TempFolder()
        let path = folder.file("bad.xlsx")
        let book = try WorkbookWriter(path: path, streaming: true)
        let sheet = book.addSheet("s")
        for r in 0..<3000 { sheet.text(r, 0, "row \(r) \(r * 7919 % 1000)"); sheet.number(r, 1, Double(r)) }
        try book.close()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Damage the middle of the sheet's compressed bytes (the largest entry, written first).
        for i in 2000..<2040 { bytes[i] ^= 0x5A }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: CallOpsError.self) { try readAll(path) }
        #expect("\(error!)".contains("bad.xlsx: is corrupt") || "\(error!)".contains("bad.xlsx: is truncated"))
    }

    @Test func refusesAPasswordProtectedWorkbook() throws {
        let folder = TempFolder()
        let path = folder.file("locked.xlsx")
        // An encrypted workbook is an OLE compound file, not a zip.
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: CallOpsError.self) { try TabularReader(path: path) }
        #expect("\(error!)".contains("locked.xlsx: is a password-protected workbook"))
    }

    @Test func csvStaysCSV() throws {
        let folder = TempFolder()
        let path = folder.file("leads.xlsx")
        try "phone\n13800138000\n".write(toFile: path, atomically: true, encoding: .utf8)
        var reader = try TabularReader(path: path)
        #expect(try reader.next()?.fields == ["phone"])
        #expect(try reader.next()?.fields == ["13800138000"])
    }

    @Test(arguments: [
        ("1.38001380000E10", "13800138000"), ("1.38001380000E+10", "13800138000"), ("13800138000", "13800138000"),
        ("2.5E-3", "0.0025"), ("-0.50", "-0.5"), ("1E+2", "100"), ("120000.5", "120000.5"), ("0", "0"), ("-0.0", "0"),
        ("4.4999999999999998E-2", "0.044999999999999998"),
    ])
    func numbersKeepTheirDigits(raw: String, plain: String) {
        var out: [UInt8] = []
        var raw = raw
        raw.withUTF8 { ExcelNumber.appendPlain($0, to: &out) }
        #expect(String(decoding: out, as: UTF8.self) == plain)
    }

    @Test func serialDates() {
        #expect(ExcelDate.iso(serial: 1, kind: .date, date1904: false) == "1900-01-01")
        #expect(ExcelDate.iso(serial: 59, kind: .date, date1904: false) == "1900-02-28")
        #expect(ExcelDate.iso(serial: 61, kind: .date, date1904: false) == "1900-03-01")
        #expect(ExcelDate.iso(serial: 44927, kind: .date, date1904: false) == "2023-01-01")
        #expect(ExcelDate.iso(serial: 46349.4375, kind: .dateTime, date1904: false) == "2026-11-23T10:30:00")
        // A date-styled cell of 1e300 once trapped converting the serial to Int.
        #expect(ExcelDate.iso(serial: 1e300, kind: .date, date1904: false) == "1e+300")
        #expect(ExcelDate.iso(serial: -.infinity, kind: .date, date1904: false) == "-inf")
    }
}
