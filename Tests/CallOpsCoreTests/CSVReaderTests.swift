import Foundation
import Testing

@testable import CallOpsCore

@Suite struct CSVReaderTests {
    func records(_ text: String, delimiter: Character = ",", chunk: Int = 1 << 20) throws -> [(Int, [String])] {
        try records(Array(text.utf8), delimiter: delimiter, chunk: chunk)
    }

    func records(_ bytes: [UInt8], delimiter: Character = ",", chunk: Int = 1 << 20, encoding: TextEncoding = .utf8) throws -> [(Int, [String])] {
        var reader = try CSVReader(bytes: bytes, delimiter: delimiter.asciiValue!, encoding: encoding, chunkSize: chunk)
        var out: [(Int, [String])] = []
        while let record = try reader.next() { out.append((record.line, record.fields)) }
        return out
    }

    @Test func rfc4180() throws {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n,,\n\nlast,row,no-newline"
        let parsed = try records(text)
        #expect(parsed.map(\.1) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["", "", ""], ["last", "row", "no-newline"]])
        // The quoted newline makes record 2 span lines 2 and 3; the blank line 5 is skipped.
        #expect(parsed.map(\.0) == [1, 2, 4, 6])
    }

    @Test func bomTabsPipesAndEmptyInput() throws {
        #expect(try records([0xEF, 0xBB, 0xBF] + Array("姓名,手机号\n张三,13800138000\n".utf8)).map(\.1) == [["姓名", "手机号"], ["张三", "13800138000"]])
        #expect(try records("a\tb\n1\t2\n", delimiter: "\t").map(\.1) == [["a", "b"], ["1", "2"]])
        #expect(try records("a|b||\n", delimiter: "|").map(\.1) == [["a", "b", "", ""]])
        #expect(try records("").isEmpty)
        #expect(try records("\n\n\r\n").isEmpty)
    }

    @Test func malformedQuotingNeverStopsTheFile() throws {
        #expect(try records("a\"b,c\n").map(\.1) == [["a\"b", "c"]])
        #expect(try records("\"ab\"cd,e\n").map(\.1) == [["abcd", "e"]])
        #expect(try records("x,\"unterminated\nmore").map(\.1) == [["x", "unterminated\nmore"]])
    }

    /// Any cut of the input into chunks reads the same records: fields, quotes and CRLF split anywhere.
    @Test func chunkBoundariesFallAnywhere() throws {
        var random = SeededRandom(seed: 99)
        let pieces = ["a", "张三", "\"q,\"\"x\"\"\"", "\"line\r\nbreak\"", "", "13800138000", " sp "]
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<(1 + Int(random.next() % 6)) {
                let fields = (0..<(1 + Int(random.next() % 4))).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
                text += fields.joined(separator: ",") + (random.chance(0.5) ? "\r\n" : "\n")
            }
            let whole = try records(text)
            for chunk in 1...7 {
                let cut = try records(text, chunk: chunk)
                #expect(cut.map(\.0) == whole.map(\.0) && cut.map(\.1) == whole.map(\.1), "chunk \(chunk): \(text.debugDescription)")
            }
        }
    }

    @Test func gb18030AcrossChunks() throws {
        // 姓名,手机号 / 张三,13800138000 in GB18030, cut into chunks that split characters.
        let gb: [UInt8] = [0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xCA, 0xD6, 0xBB, 0xFA, 0xBA, 0xC5, 0x0A, 0xD5, 0xC5, 0xC8, 0xFD, 0x2C]
            + Array("13800138000\n".utf8)
        for chunk in [1, 2, 3, 5, 1 << 20] {
            #expect(try records(gb, chunk: chunk, encoding: .gb18030).map(\.1) == [["姓名", "手机号"], ["张三", "13800138000"]])
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let gbFile = folder.appendingPathComponent("gb.csv").path, utfFile = folder.appendingPathComponent("u.csv").path
        try Data(gb).write(to: URL(fileURLWithPath: gbFile))
        try Data("姓名,手机号\n".utf8).write(to: URL(fileURLWithPath: utfFile))
        #expect(try TextEncoding.detect(path: gbFile) == .gb18030 && TextEncoding.detect(path: utfFile) == .utf8)
    }

    @Test func writerNeutralisesFormulasAndRoundTrips() throws {
        #expect(CSVWriter.escape("=SUM(A1)") == "'=SUM(A1)")
        #expect(CSVWriter.escape("+86 138") == "'+86 138" && CSVWriter.escape("-5") == "'-5" && CSVWriter.escape("@x") == "'@x")
        #expect(CSVWriter.escape("\tx") == "'\tx" && CSVWriter.escape("a,b") == "\"a,b\"" && CSVWriter.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        let row = ["张三", "a,b", "two\nlines", "q\"x", "=1+1", ""]
        let back = try records(CSVWriter.row(row))
        #expect(back.map(\.1) == [["张三", "a,b", "two\nlines", "q\"x", "'=1+1", ""]])
    }

    @Test func realFiles() throws {
        let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data")
        guard FileManager.default.fileExists(atPath: data.path) else {
            print("skipped: ../shared/data is absent")
            return
        }
        // Bank Marketing (additional): `;`, CRLF, quoted fields, 41,188 rows under a header.
        var reader = try CSVReader(path: data.appendingPathComponent("bank_marketing/bank-additional-full.csv").path, delimiter: UInt8(ascii: ";"))
        let header = try #require(try reader.next())
        var rows = 0
        while let record = try reader.next() {
            #expect(record.count == header.count)
            rows += 1
        }
        #expect(rows == 41_188 && header.fields.first == "age")
    }
}
