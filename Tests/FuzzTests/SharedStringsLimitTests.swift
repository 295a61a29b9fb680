import Foundation
import Testing

@testable import CallOpsCore
@testable import CallOpsFuzz

/// Issue 14: the xlsx reader's shared strings table is bounded as a whole, not only per string:
/// a part of a million empty strings (`<si/>`, 5 bytes each, a thousand to one deflated) is
/// refused past `SharedStrings.Limits.count`, and one of long strings past `Limits.bytes` of
/// kept text, each with one line naming the file and the part.
@Suite struct SharedStringsLimitTests {
    /// A cell A1 naming shared string 0.
    static let sheet = Array(#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#.utf8)

    /// A stored workbook in a fresh folder whose shared strings part holds `strings`.
    func book(_ name: String, strings: [UInt8]) throws -> (path: String, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-sst-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Data(StoredWorkbook.make(sheet: Self.sheet, strings: strings)).write(to: URL(fileURLWithPath: path))
        return (path, folder)
    }

    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test func aMillionEmptyStringsPastTheCountAreRefusedNamingThePart() throws {
        let empty = Array("<si/>".utf8)
        var strings = Array("<sst>".utf8)
        strings.reserveCapacity(5_000_020)
        for _ in 0..<1_000_001 { strings += empty }
        strings += Array("</sst>".utf8)
        let (path, folder) = try book("empty.xlsx", strings: strings)
        defer { try? FileManager.default.removeItem(at: folder) }
        let limits = SharedStrings.Limits(count: 1_000_000, bytes: SharedStrings.Limits.standard.bytes)
        let refused = message { _ = try XLSXReader(path: path, maximumRowBytes: XLSXReader.maximumRowBytes, sharedStrings: limits) }
        #expect(refused == "empty.xlsx: has too many shared strings to read: its part xl/sharedStrings.xml holds over 1000000 strings; save the sheet as CSV; nothing was changed",
                "\(refused)")
        // Under the standard limits the same part reads (4 bytes a string), its first string empty.
        var reader = try XLSXReader(path: path)
        #expect(try reader.next()?.fields == nil, "an empty cell makes no row")
    }

    @Test func keptTextPastTheByteLimitIsRefusedAndAtTheLimitsReads() throws {
        let (path, folder) = try book("text.xlsx", strings: Array("<sst><si><t>abc</t></si><si><t>def</t></si><si><t>ghi</t></si></sst>".utf8))
        defer { try? FileManager.default.removeItem(at: folder) }
        let tooMuch = message { _ = try XLSXReader(path: path, maximumRowBytes: 1_000, sharedStrings: .init(count: 3, bytes: 8)) }
        #expect(tooMuch == "text.xlsx: has too much shared text to read: its part xl/sharedStrings.xml holds over 8 bytes of strings; save the sheet as CSV; nothing was changed",
                "\(tooMuch)")
        let tooMany = message { _ = try XLSXReader(path: path, maximumRowBytes: 1_000, sharedStrings: .init(count: 2, bytes: 9)) }
        #expect(tooMany.contains("holds over 2 strings"), "\(tooMany)")
        // Exactly at both limits: read whole.
        var reader = try XLSXReader(path: path, maximumRowBytes: 1_000, sharedStrings: .init(count: 3, bytes: 9))
        #expect(try reader.next()?.fields == ["abc"])
    }
}
