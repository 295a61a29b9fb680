import Foundation
import Testing

@testable import CallOpsCore

@Suite struct CSVWriterTests {
    @Test func quotesOnlyWhatNeedsIt() {
        #expect(CSVWriter.escape("plain") == "plain")
        #expect(CSVWriter.escape("张三") == "张三")
        #expect(CSVWriter.escape("") == "")
        #expect(CSVWriter.escape("a,b") == "\"a,b\"")
        #expect(CSVWriter.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVWriter.escape("two\nlines") == "\"two\nlines\"")
        #expect(CSVWriter.escape("cr\rlf\r\n") == "\"cr\rlf\r\n\"")
        // The delimiter decides what needs quotes.
        #expect(CSVWriter.escape("a,b", delimiter: UInt8(ascii: "|")) == "a,b")
        #expect(CSVWriter.escape("a|b", delimiter: UInt8(ascii: "|")) == "\"a|b\"")
        #expect(CSVWriter.escape("a\tb", delimiter: UInt8(ascii: "\t")) == "\"a\tb\"")
    }

    /// SPEC section 3: a cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`.
    @Test func neutralisesFormulas() {
        #expect(CSVWriter.escape("=SUM(A1:A9)") == "'=SUM(A1:A9)")
        #expect(CSVWriter.escape("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
        #expect(CSVWriter.escape("+8613800138000") == "'+8613800138000")
        #expect(CSVWriter.escape("@cmd") == "'@cmd")
        #expect(CSVWriter.escape("\t=1") == "'\t=1")
        #expect(CSVWriter.escape("\r=1") == "\"'\r=1\"")
        #expect(CSVWriter.escape("=1,2") == "\"'=1,2\"")
        // A plain negative number is data (CSV is for programs too); anything else after a minus is not.
        #expect(CSVWriter.escape("-5") == "-5" && CSVWriter.escape("-1234.50") == "-1234.50")
        #expect(CSVWriter.escape("-") == "'-" && CSVWriter.escape("-5+3") == "'-5+3" && CSVWriter.escape("-1e3") == "'-1e3")
        #expect(CSVWriter.escape("--5") == "'--5" && CSVWriter.escape("-5.") == "'-5." && CSVWriter.escape("-.5") == "'-.5" && CSVWriter.escape("-A1") == "'-A1")
        // Only the first character counts.
        #expect(CSVWriter.escape("a=b") == "a=b" && CSVWriter.escape(" =1") == " =1" && CSVWriter.escape("5-3") == "5-3")
    }

    @Test func rows() {
        #expect(CSVWriter.row(["a", "b,c", "-1", "-1-1"]) == "a,\"b,c\",-1,'-1-1\n")
        #expect(CSVWriter.row(["a", "b"], delimiter: UInt8(ascii: "\t")) == "a\tb\n")
        #expect(CSVWriter.row(["", ""]) == ",\n")
        // One empty field would be an empty line, which readers skip.
        #expect(CSVWriter.row([""]) == "\"\"\n")
    }

    @Test func writesToAStringAndReadsBack() throws {
        let writer = CSVWriter()
        try writer.write(["name", "phone", "note"])
        try writer.write(["张三", "138****8000", "said \"call back\",\nafter 6pm"])
        try writer.write(["=1+1", "", "-5"])
        #expect(writer.text == "name,phone,note\n张三,138****8000,\"said \"\"call back\"\",\nafter 6pm\"\n'=1+1,,-5\n")
        #expect(try parseCSV(Array(writer.text.utf8)) == [
            CSVRow(1, ["name", "phone", "note"]), CSVRow(2, ["张三", "138****8000", "said \"call back\",\nafter 6pm"]),
            CSVRow(4, ["'=1+1", "", "-5"]),
        ])
    }

    @Test func writesToAFileHandle() throws {
        let folder = try CSVTemporaryFolder()
        let path = folder.url.appendingPathComponent("out.csv").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let writer = CSVWriter(handle: handle, delimiter: UInt8(ascii: ";"))
        // Enough rows to pass the flush threshold several times.
        for i in 0..<10_000 { try writer.write([String(i), "客户;\(i)", "@\(i)"]) }
        try writer.flush()
        try handle.close()
        var reader = try CSVReader(path: path, delimiter: UInt8(ascii: ";"))
        var i = 0
        while let record = try reader.next() {
            #expect(record.fields == [String(i), "客户;\(i)", "'@\(i)"] && record.line == i + 1)
            i += 1
        }
        #expect(i == 10_000)
    }

    /// Whatever the fields hold, reading back what was written gives them back (with `'` in
    /// front of the formula-like ones).
    @Test func randomRowsRoundTrip() throws {
        var random = CSVTestRandom(seed: 3)
        let atoms = ["a", "7", " ", ",", ";", "|", "\t", "\"", "\"\"", "\r", "\n", "\r\n", "=", "+", "-", "@", "'", "张", "😀"]
        for _ in 0..<500 {
            let delimiter = random.pick([UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: "\t")])
            let rows = (0..<(1 + random.below(4))).map { _ in
                (0..<(1 + random.below(5))).map { _ in (0..<random.below(6)).map { _ in random.pick(atoms) }.joined() }
            }
            let writer = CSVWriter(delimiter: delimiter)
            for row in rows { try writer.write(row) }
            let back = try parseCSV(Array(writer.text.utf8), delimiter: delimiter, chunk: 1 + random.below(9))
            let expected = rows.map { $0.map { CSVWriter.needsPrefix($0) ? "'" + $0 : $0 } }
            #expect(back.map(\.fields) == expected, "\(writer.text.debugDescription)")
        }
    }
}
