@testable import CallOpsCore
import Foundation
import Spreadsheet
import Testing

/// Issue 14: the xlsx reader's memory is bounded whatever the cells hold. A cell or a shared
/// string past `FieldSink.fieldByteCap` comes out cut and marked, like a CSV field, so the
/// importers refuse it by name with its true length; a row past the row bound is refused.
@Suite struct XLSXBoundsTests {
    /// A header and one row whose second cell is `long`; inline strings when `streaming`
    /// (libxlsxwriter's constant-memory mode), shared strings otherwise.
    func workbook(_ path: String, streaming: Bool, long: String) throws {
        let book = try WorkbookWriter(path: path, streaming: streaming)
        let sheet = book.addSheet("s")
        sheet.text(0, 0, "phone")
        sheet.text(0, 1, "note")
        sheet.number(1, 0, 13800138000)
        sheet.text(1, 1, long)
        sheet.number(2, 0, 13900139000)
        sheet.text(2, 1, "短")
        try book.close()
    }

    /// A one-sheet workbook at `path` with `header` in A1 and the rows `fill` writes.
    func oneColumnBook(_ path: String, streaming: Bool, header: String, fill: (SheetWriter) -> Void) throws -> String {
        let book = try WorkbookWriter(path: path, streaming: streaming)
        let sheet = book.addSheet("s")
        sheet.text(0, 0, header)
        fill(sheet)
        try book.close()
        return path
    }

    @Test(arguments: [true, false]) func anOverlongCellIsCutAndCountedWhole(streaming: Bool) throws {
        let folder = TempFolder()
        let path = folder.file("long.xlsx")
        // 6,000 characters of 3 bytes: 18,000 bytes, over the 4,000-byte cap.
        try workbook(path, streaming: streaming, long: String(repeating: "长", count: 6_000))
        var reader = try XLSXReader(path: path)
        var records: [CSVRecord] = []
        while let record = try reader.next() { records.append(record) }
        #expect(records.map(\.line) == [1, 2, 3])
        #expect(records[0].overlongField() == nil && records[2].overlongField() == nil)
        let cut = records[1]
        #expect(cut[0] == "13800138000")
        // Kept: whole characters up to the cap; counted: every character.
        #expect(cut[1].utf8.count <= FieldSink.fieldByteCap && cut[1].count == FieldSink.fieldByteCap / 3)
        #expect(cut[1].allSatisfy { $0 == "长" })
        let overlong = try #require(cut.overlongField())
        #expect(overlong.index == 1 && overlong.characters == 6_000)
        #expect(records[2].fields == ["13900139000", "短"])
    }

    @Test func aCellJustUnderTheLimitIsWhole() throws {
        let folder = TempFolder()
        let path = folder.file("fits.xlsx")
        let text = String(repeating: "长", count: InputRange.maximumFieldCharacters)
        try workbook(path, streaming: true, long: text)
        let rows = try readAll(path)
        #expect(rows[1] == ["13800138000", text])
    }

    @Test func aRowOverTheBoundIsRefusedNamingItsFileAndRow() throws {
        let folder = TempFolder()
        let path = try oneColumnBook(folder.file("wide.xlsx"), streaming: true, header: "phone") { sheet in
            for c in 0..<40 { sheet.text(1, c, String(repeating: "x", count: 900)) }
        }
        var reader = try XLSXReader(path: path, maximumRowBytes: 10_000)
        _ = try reader.next()
        let error = #expect(throws: CallOpsError.self) { _ = try reader.next() }
        let message = "\(error.map { "\($0)" } ?? "")"
        #expect(message.hasPrefix("wide.xlsx: has a row too large to read: row 2 holds over 10000 bytes of text by column 12"), "\(message)")
        #expect(message.count < 200)
        // The same sheet under the real bound reads whole.
        #expect(try readAll(path).count == 2)
    }

    /// Shared strings are read through a window a megabyte at a time: entities and tags that
    /// straddle its refills read the same as anywhere else.
    @Test func sharedStringsAcrossManyWindowsReadWhole() throws {
        let folder = TempFolder()
        let rows = 60_000
        let path = try oneColumnBook(folder.file("many.xlsx"), streaming: false, header: "name") { sheet in
            for r in 1...rows { sheet.text(r, 0, "张&三<\(r)>李四") }
        }
        let read = try readAll(path)
        #expect(read.count == rows + 1)
        #expect(read.enumerated().dropFirst().allSatisfy { $0.element == ["张&三<\($0.offset)>李四"] })
    }
}
