import Foundation
import Testing

@testable import CallOpsCore

/// A parsed record in a form `#expect` can compare and print.
struct CSVRow: Equatable, CustomStringConvertible {
    var line: Int
    var fields: [String]
    init(_ line: Int, _ fields: [String]) {
        self.line = line
        self.fields = fields
    }
    var description: String { "\(line):\(fields.debugDescription)" }
}

/// Reads every record of `bytes`, cut into chunks of `chunk` bytes.
func parseCSV(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), chunk: Int = 1 << 20, encoding: TextEncoding = .utf8) throws -> [CSVRow] {
    var reader = try CSVReader(bytes: bytes, delimiter: delimiter, encoding: encoding, chunkSize: chunk)
    var rows: [CSVRow] = []
    while let record = try reader.next() { rows.append(CSVRow(record.line, record.fields)) }
    // Past the end it stays at the end.
    #expect(try reader.next() == nil)
    return rows
}

func parseCSV(_ text: String, delimiter: Character = ",", chunk: Int = 1 << 20) throws -> [CSVRow] {
    try parseCSV(Array(text.utf8), delimiter: delimiter.asciiValue!, chunk: chunk)
}

/// A deterministic generator (SplitMix64), so a failing input can be reproduced.
struct CSVTestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// The reader's rules written as plainly as possible, on the whole input at once, to check
/// the chunked state machine against.
func referenceParseCSV(_ input: [UInt8], delimiter d: UInt8) -> [CSVRow] {
    let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    let b = input.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(input.dropFirst(3)) : input
    let n = b.count
    var rows: [CSVRow] = []
    var i = 0, line = 1
    func skipNewline() {
        if b[i] == cr && i + 1 < n && b[i + 1] == lf { i += 2 } else { i += 1 }
        line += 1
    }
    while i < n {
        if b[i] == cr || b[i] == lf {
            skipNewline()
            continue
        }
        let start = line
        var fields: [String] = []
        while true {
            var field: [UInt8] = []
            if i < n && b[i] == quote {
                i += 1
                while i < n {
                    if b[i] == quote {
                        if i + 1 < n && b[i + 1] == quote {
                            field.append(quote)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    if b[i] == cr {
                        field.append(cr)
                        i += 1
                        line += 1
                        if i < n && b[i] == lf {
                            field.append(lf)
                            i += 1
                        }
                        continue
                    }
                    if b[i] == lf { line += 1 }
                    field.append(b[i])
                    i += 1
                }
            }
            while i < n && b[i] != d && b[i] != cr && b[i] != lf {
                field.append(b[i])
                i += 1
            }
            fields.append(String(decoding: field, as: UTF8.self))
            if i >= n { break }
            if b[i] == d {
                i += 1
                if i >= n {
                    fields.append("")
                    break
                }
                continue
            }
            skipNewline()
            break
        }
        rows.append(CSVRow(start, fields))
    }
    return rows
}

/// Where the shared real-data folder is: `../shared/data` from the package root (found through
/// this file's path, symlinks resolved, so a scratch package that links this file finds it too).
let csvSharedData: URL = {
    var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    for _ in 0..<3 { url.deleteLastPathComponent() }  // CSVReaderTests.swift, CallOpsCoreTests, Tests
    return url.deletingLastPathComponent().appendingPathComponent("shared/data")
}()
let csvSharedDataPresent = FileManager.default.fileExists(atPath: csvSharedData.path)

@Suite struct CSVReaderTests {
    @Test func quotedDelimitersAndQuoteEscapes() throws {
        #expect(try parseCSV("a,\"b,c\",d\n") == [CSVRow(1, ["a", "b,c", "d"])])
        #expect(try parseCSV("\"say \"\"hi\"\"\",\"\"\"\",\"\"\n") == [CSVRow(1, ["say \"hi\"", "\"", ""])])
        #expect(try parseCSV("\"a|b\"|c\n", delimiter: "|") == [CSVRow(1, ["a|b", "c"])])
    }

    @Test func embeddedNewlinesAreOneRecordAndAdvanceTheLineCount() throws {
        let text = "id,note\n1,\"two\nlines\"\n2,\"crlf\r\ninside\"\r\n3,\"cr\ronly\"\n4,\"\n\n\"\n5,x\n"
        #expect(try parseCSV(text) == [
            CSVRow(1, ["id", "note"]), CSVRow(2, ["1", "two\nlines"]), CSVRow(4, ["2", "crlf\r\ninside"]),
            CSVRow(6, ["3", "cr\ronly"]), CSVRow(8, ["4", "\n\n"]), CSVRow(11, ["5", "x"]),
        ])
    }

    @Test func lineEndings() throws {
        let expected = [CSVRow(1, ["a", "b"]), CSVRow(2, ["1", "2"])]
        #expect(try parseCSV("a,b\r\n1,2\r\n") == expected)
        #expect(try parseCSV("a,b\n1,2\n") == expected)
        #expect(try parseCSV("a,b\r1,2\r") == expected)  // old Mac line ends
        #expect(try parseCSV("a,b\r\n1,2") == expected)  // no newline at the end
        #expect(try parseCSV("a,b\n\"1\",\"2\"") == expected)
        #expect(try parseCSV("a,b\n1,\"2") == expected)  // unclosed quote at the very end
    }

    @Test func byteOrderMarkIsSkippedOnlyAtTheStart() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        for chunk in [1, 2, 3, 4, 1 << 20] {
            #expect(try parseCSV(bom + Array("姓名,手机号\n张三,13800138000\n".utf8), chunk: chunk)
                == [CSVRow(1, ["姓名", "手机号"]), CSVRow(2, ["张三", "13800138000"])])
            #expect(try parseCSV(bom, chunk: chunk) == [])
            #expect(try parseCSV(bom + [0x61], chunk: chunk) == [CSVRow(1, ["a"])])
            #expect(try parseCSV([0xEF, 0xBB], chunk: chunk) == [CSVRow(1, ["\u{FFFD}"])])
        }
        // A BOM later in the file is data.
        #expect(try parseCSV(Array("a\n".utf8) + bom + [0x62, 0x0A]) == [CSVRow(1, ["a"]), CSVRow(2, ["\u{FEFF}b"])])
    }

    @Test func emptyFields() throws {
        #expect(try parseCSV(",,\n") == [CSVRow(1, ["", "", ""])])
        #expect(try parseCSV("a,,\"\",b\n") == [CSVRow(1, ["a", "", "", "b"])])
        #expect(try parseCSV("a,\n") == [CSVRow(1, ["a", ""])])
        #expect(try parseCSV("a,") == [CSVRow(1, ["a", ""])])
        #expect(try parseCSV(",") == [CSVRow(1, ["", ""])])
        // A quoted empty field is a record, not a blank line.
        #expect(try parseCSV("\"\"\n\"\"") == [CSVRow(1, [""]), CSVRow(2, [""])])
    }

    @Test func emptyInputAndBlankLines() throws {
        #expect(try parseCSV("") == [])
        #expect(try parseCSV("\n\r\n\n\r") == [])
        #expect(try parseCSV("a\n\n\nb\r\n\r\nc") == [CSVRow(1, ["a"]), CSVRow(4, ["b"]), CSVRow(6, ["c"])])
        #expect(try parseCSV("\n\na,b\n") == [CSVRow(3, ["a", "b"])])
        // Spaces are data: a line of them is a record.
        #expect(try parseCSV(" \n") == [CSVRow(1, [" "])])
    }

    @Test func otherDelimiters() throws {
        #expect(try parseCSV("a\tb\n1\t2,3\n", delimiter: "\t") == [CSVRow(1, ["a", "b"]), CSVRow(2, ["1", "2,3"])])
        #expect(try parseCSV("a|b||\n", delimiter: "|") == [CSVRow(1, ["a", "b", "", ""])])
        #expect(try parseCSV("\"age\";\"job\"\r\n56;\"house;maid\"\r\n", delimiter: ";")
            == [CSVRow(1, ["age", "job"]), CSVRow(2, ["56", "house;maid"])])
    }

    @Test func malformedQuotingIsReadLeniently() throws {
        // A quote inside an unquoted field is text.
        #expect(try parseCSV("a\"b,c\"\n") == [CSVRow(1, ["a\"b", "c\""])])
        // Text after a closing quote is appended to the field.
        #expect(try parseCSV("\"ab\"cd,e\n") == [CSVRow(1, ["abcd", "e"])])
        #expect(try parseCSV("\"ab\" \"cd\",e\n") == [CSVRow(1, ["ab \"cd\"", "e"])])
        // An unclosed quote runs to the end of the input.
        #expect(try parseCSV("x,\"unterminated\nmore,stuff\n") == [CSVRow(1, ["x", "unterminated\nmore,stuff\n"])])
        #expect(try parseCSV("\"") == [CSVRow(1, [""])])
        #expect(try parseCSV("\"\"\"") == [CSVRow(1, ["\""])])
        // Invalid UTF-8 does not stop the file: it reads as U+FFFD.
        #expect(try parseCSV([0x61, 0xFF, 0x2C, 0x62, 0x0A]) == [CSVRow(1, ["a\u{FFFD}", "b"])])
    }

    @Test func recordAccessors() throws {
        var reader = try CSVReader(bytes: Array("张三,,\"q\"\"x\"\n".utf8))
        let record = try #require(try reader.next())
        #expect(record.count == 3 && record[0] == "张三" && record[1] == "" && record[2] == "q\"x")
        #expect(Array(record.bytes(0)) == Array("张三".utf8) && record.bytes(1).isEmpty)
        #expect(record.field(2) == "q\"x" && record.field(3) == nil && record.field(-1) == nil)
        #expect(record == CSVRecord(line: 1, fields: ["张三", "", "q\"x"]))
        #expect(record != CSVRecord(line: 1, fields: ["张三", "", "q", "x"]))
    }

    @Test func fieldBytesWithoutStrings() throws {
        var reader = try CSVReader(bytes: Array("13800138000,\"张\"\n".utf8))
        let record = try #require(try reader.next())
        let digits = record.withBytes(0) { bytes in bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        #expect(digits && record.withBytes(1) { $0.count } == 3)
    }

    @Test func aFieldPastTheEndTraps() async {
        await #expect(processExitsWith: .failure) {
            let record = CSVRecord(line: 1, fields: ["a"])
            _ = record[1]
        }
    }

    /// Records longer than the reader's first buffer (bytes and field count) grow it.
    @Test func largeRecords() throws {
        // 3,000 bytes: past the first buffer, within the field cap (a longer field is cut:
        // `CSVFieldCapTests`).
        let long = String(repeating: "长", count: 1_000)
        let many = (0..<100).map(String.init)
        let text = "a,b\n" + many.joined(separator: ",") + "\n\"" + long + "\",x\nc,d\n" + long + "\n"
        for chunk in [3, 1 << 20] {
            var reader = try CSVReader(bytes: Array(text.utf8), chunkSize: chunk)
            var kept: [CSVRecord] = []
            while let record = try reader.next() { kept.append(record) }
            #expect(kept.map(\.fields) == [["a", "b"], many, [long, "x"], ["c", "d"], [long]])
        }
    }

    /// The reader reuses its buffers; records the caller keeps must not change under it.
    @Test func keptRecordsStayIntact() throws {
        var reader = try CSVReader(bytes: Array("a,b\nc,d\ne,f\n".utf8), chunkSize: 2)
        var kept: [CSVRecord] = []
        while let record = try reader.next() { kept.append(record) }
        #expect(kept.map(\.fields) == [["a", "b"], ["c", "d"], ["e", "f"]])
        #expect(kept.map(\.line) == [1, 2, 3])
    }

    /// Chunks of 1 to 16 bytes cut fields, quotes, `""` escapes, CRLF and UTF-8 characters
    /// anywhere; every cut must read the same records as the whole buffer and the plain
    /// reference parser.
    @Test func chunkBoundariesFallAnywhere() throws {
        var random = CSVTestRandom(seed: 20_261_123)
        let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: "|"), UInt8(ascii: ";")]
        let fieldPieces = ["a", "longer unquoted text", "\"a longer quoted, field\"", "张三", "13800138000", " sp ", "", "\"q,\"\"x\"\"\"", "\"line\r\nbreak\"", "\"cr\ronly\"",
                           "\"lf\nonly\"", "\"\"", "\"D\"", "\"unfinished"]
        let newlines = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"]
        // Raw bytes in any order, for inputs no writer would produce.
        let atoms = ["a", "b", ",", "|", "\"", "\"\"", "\r", "\n", "\r\n", "张", "\t", ";"]
        for round in 0..<600 {
            let delimiter = random.pick(delimiters)
            var bytes: [UInt8] = random.below(5) == 0 ? [0xEF, 0xBB, 0xBF] : []
            if round % 2 == 0 {
                for _ in 0..<(1 + random.below(5)) {
                    let fields = (0..<(1 + random.below(4))).map { _ in random.pick(fieldPieces) }
                    bytes += Array(fields.joined(separator: String(UnicodeScalar(delimiter))).utf8)
                    bytes += Array(random.pick(newlines).utf8)
                }
                if random.below(3) == 0 { bytes.removeLast() }  // no final newline, or a CR without its LF
            } else {
                for _ in 0..<random.below(40) { bytes += Array(random.pick(atoms).utf8) }
            }
            let whole = try parseCSV(bytes, delimiter: delimiter)
            let input = String(decoding: bytes, as: UTF8.self).debugDescription
            #expect(whole == referenceParseCSV(bytes, delimiter: delimiter), "reference: \(input)")
            for chunk in [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16] {
                #expect(try parseCSV(bytes, delimiter: delimiter, chunk: chunk) == whole, "chunk \(chunk): \(input)")
            }
        }
    }

    @Test func readsAFileInChunksLikeMemory() throws {
        var text = "phone,name,note\n"
        for i in 0..<20_000 {
            text += "138\(String(format: "%08d", i)),客户\(i),\"note, with \"\"quotes\"\"\nand a newline\"\r\n"
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("leads.csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        for chunk in [7, 4096, 1 << 20] {
            var reader = try CSVReader(path: path, chunkSize: chunk)
            var rows = 0, last: CSVRecord?
            while let record = try reader.next() {
                #expect(record.count == 3)
                rows += 1
                last = record
            }
            #expect(rows == 20_001)
            #expect(last?.line == 1 + 2 * 20_000 - 1 && last?[1] == "客户19999" && last?[2] == "note, with \"quotes\"\nand a newline")
            #expect(reader.bytesRead == text.utf8.count)
        }
    }

    @Test func unreadableFilesNameThePathAndTheReason() throws {
        let missing = "/nonexistent-\(UUID().uuidString)/leads.csv"
        let error = try #require(throws: CSVError.self) { try CSVReader(path: missing) }
        #expect(error.description.contains(missing) && error.description.contains("No such file or directory"))
        let directory = try #require(throws: CSVError.self) { try CSVReader(path: NSTemporaryDirectory()) }
        #expect(directory.description.contains("directory"))
    }

    @Test(.enabled(if: csvSharedDataPresent, "skipped: ../shared/data (real sample files) is absent"))
    func vicidialLeadFiles() throws {
        var reader = try CSVReader(path: csvSharedData.appendingPathComponent("vicidial/test_VICIDIAL_lead_file.txt").path,
                                   delimiter: UInt8(ascii: "|"))
        var records: [CSVRecord] = []
        while let record = try reader.next() { records.append(record) }
        // 14 leads, VICIdial's 25 fields plus 2 more; phone_number is the 5th field.
        #expect(records.count == 14)
        #expect(records.allSatisfy { $0.count == 27 && $0[4] == "7275551213" })
        #expect(records.map(\.line) == Array(1...14))
        #expect(records.first?[8] == "SMITH01" && records.last?[8] == "SMITH14")

        // The multilingual sample starts with a BOM, which must not stick to the first field.
        var utf8 = try CSVReader(path: csvSharedData.appendingPathComponent("vicidial/UTF8_lead_file.txt").path,
                                 delimiter: UInt8(ascii: "|"))
        let first = try #require(try utf8.next())
        #expect(first[0] == "100001" && first[8] == "Ενεργές")
    }

    @Test(.enabled(if: csvSharedDataPresent, "skipped: ../shared/data (real sample files) is absent"))
    func bankMarketing() throws {
        // `;`-separated, CRLF, every text field quoted: 41,188 rows under a header.
        let path = csvSharedData.appendingPathComponent("bank_marketing/bank-additional-full.csv").path
        #expect(try TextEncoding.detect(path: path) == .utf8)
        var reader = try CSVReader(path: path, delimiter: UInt8(ascii: ";"))
        let header = try #require(try reader.next())
        #expect(header.count == 21 && header[0] == "age" && header[20] == "y")
        var rows = 0, yes = 0, lastLine = 0
        while let record = try reader.next() {
            #expect(record.count == header.count)
            rows += 1
            if record[20] == "yes" { yes += 1 }
            lastLine = record.line
        }
        #expect(rows == 41_188 && lastLine == 41_189)
        #expect(yes == 4_640)  // the data set's documented 11.3% positives

        // A truncated copy (a real broken file) reads to its end without trouble.
        var truncated = try CSVReader(path: csvSharedData.appendingPathComponent("bank_marketing/variants/bank-full.TRUNCATED.AbhilashSShirol.csv").path,
                                      delimiter: UInt8(ascii: ";"))
        var count = 0, last: CSVRecord?
        while let record = try truncated.next() {
            count += 1
            last = record
        }
        #expect(count == 21_220 && last?.count == 9 && last?[8] == "cellular")
    }
}

/// Audit defect 12: a field past the character limit is cut, not kept, so a 300 MB cell costs
/// no more memory than a 4 KB one, and the row is still refused for its length.
@Suite struct CSVFieldCapTests {
    @Test(arguments: [7, 1 << 20])
    func aHugeFieldIsCutButStillCountedAsOverlong(chunk: Int) throws {
        let cap = FieldSink.fieldByteCap
        // 3,000 CJK characters (9,000 bytes) after a name, then a normal field and a normal row.
        let huge = String(repeating: "张", count: 3_000)
        var reader = try CSVReader(bytes: Array("phone,name,x\n13800138001,\"\(huge)\",ok\n13800138002,李,y\n".utf8), chunkSize: chunk)
        _ = try reader.next()
        let record = try #require(try reader.next())
        #expect(record.count == 3 && record[0] == "13800138001" && record[2] == "ok")
        #expect(record.bytes(1).count <= cap && record.bytes(1).count > cap - 4)
        #expect(record[1].allSatisfy { $0 == "张" }, "a scalar is never split at the cut")
        let overlong = try #require(record.overlongField())
        #expect(overlong.index == 1 && overlong.characters == 3_000)
        // The next record is whole and not marked.
        let next = try #require(try reader.next())
        #expect(next.fields == ["13800138002", "李", "y"] && next.overlongField() == nil)
    }

    @Test func aFieldAtTheLimitIsNotCut() throws {
        // 1,000 four-byte characters: exactly the cap, kept whole and within the limit.
        let wide = String(repeating: "😀", count: 1_000)
        var reader = try CSVReader(bytes: Array("\(wide),\(String(repeating: "a", count: 1_001))\n".utf8), chunkSize: 5)
        let record = try #require(try reader.next())
        #expect(record[0] == wide)
        let overlong = try #require(record.overlongField())
        #expect(overlong.index == 1 && overlong.characters == 1_001)
    }
}
