import Foundation
import Testing

@testable import CallOpsCore

/// Properties over many seeded random values: what the CSV writer writes the reader reads back,
/// and money prints back to itself.
@Suite struct PropertyTests {
    /// Characters that stress RFC 4180: quotes, delimiters, both newlines, formula starters,
    /// Chinese, a BOM-like character, control characters.
    static let alphabet: [Character] = Array("ab,;\"\r\n\t =+-@'张三¥\u{FEFF}\u{1B}\u{07}0129 ") + ["\r\n"]

    func randomField(_ random: inout SeededRandom) -> String {
        let length = Int(random.next() % 12)
        return String((0..<length).map { _ in Self.alphabet[Int(random.next() % UInt64(Self.alphabet.count))] })
    }

    /// What the reader gives back for a written field: the field, with the formula guard's `'`
    /// (not before a plain negative number such as `-12.50`, which is data).
    func neutralised(_ field: String) -> String {
        guard let first = field.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else { return field }
        if first == "-", field.range(of: #"^-[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil { return field }
        return "'" + field
    }

    @Test func csvReadsBackWhatItWrites() throws {
        var random = SeededRandom(seed: 14)
        for _ in 0..<300 {
            let rows = (0..<(1 + Int(random.next() % 5))).map { _ in
                (0..<(1 + Int(random.next() % 4))).map { _ in randomField(&random) }
            }.filter { !($0.count == 1 && $0[0].isEmpty) }
            let text = rows.map { CSVWriter.row($0) }.joined()
            var reader = try CSVReader(bytes: Array(text.utf8))
            var read: [[String]] = []
            while let record = try reader.next() { read.append(record.fields) }
            var expected = rows.map { $0.map(neutralised) }
            // A byte-order mark that opens the file is the encoding's mark, not data: the reader drops one.
            if text.unicodeScalars.first == "\u{FEFF}" { expected[0][0].unicodeScalars.removeFirst() }
            #expect(read == expected, "\(text.debugDescription)")
        }
    }

    @Test func moneyPrintsBackToItselfAndSumsNeverTrap() {
        var random = SeededRandom(seed: 15)
        for _ in 0..<2_000 {
            let fen = Int64(bitPattern: random.next()) % 10_000_000_001
            let money = Money(fen: fen)
            #expect(Money(parsingYuan: money.description) == money, "\(money)")
            #expect(Money(yuan: money.yuan) == money)
            let big = Money(fen: Int64(bitPattern: random.next()))
            let sum = big + big
            #expect(sum.fen == big.fen.addingReportingOverflow(big.fen).partialValue || sum.fen == .max || sum.fen == .min)
        }
    }

    @Test func quotedValuesAreShortAndFreeOfControls() {
        #expect(Quoted.value(String(repeating: "x", count: 10_000)).count < 120)
        #expect(Quoted.escapingControls("\u{1B}[2J\u{1B}]0;owned\u{07}EVIL") == "\\x1B[2J\\x1B]0;owned\\x07EVIL")
        #expect(Quoted.message("a\nb \"\(String(repeating: "y", count: 500))\"").count < 200)
        #expect(Quoted.escapingControls("张三 ok") == "张三 ok")
        // A newline or carriage return inside a value is escaped, never a line break (the audit of SPEC 12).
        #expect(Quoted.value("\u{1B}[31m\nBAD\r") == "\\x1B[31m\\nBAD\\r")
        #expect(!Quoted.value("a\n" + String(repeating: "z", count: 500)).contains("\n"))
    }

    /// A `callops check` line made by SQL: each quoted value cut to 80 characters and escaped,
    /// newlines included, the words around it kept.
    @Test func aCheckLineCutsAndEscapesItsQuotedValues() {
        let value = "\u{1B}[31m\nBAD" + String(repeating: "F", count: 600)
        let line = Quoted.line("lead row 7, column grade: \"\(value)\" is not one of A, B, C")
        #expect(!line.contains("\n") && !line.contains("\u{1B}"), "\(line)")
        #expect(line.hasPrefix("lead row 7, column grade: \"\\x1B[31m\\nBAD"), "\(line)")
        #expect(line.hasSuffix("…\" (613 characters) is not one of A, B, C"), "\(line)")
        #expect(line.count < 160, "\(line.count): \(line)")
        #expect(Quoted.line("row 1: \"short\" is not \"x\"") == "row 1: \"short\" is not \"x\"")
    }
}
