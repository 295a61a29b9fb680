import CallOpsCore
import Foundation
import LeadData

/// What the fuzzers feed arbitrary bytes to (SPEC section 12: every input is an error or a
/// value, never a crash). Each target also checks what must hold for any input it accepts.
/// `callops-fuzz` runs one under libFuzzer; `FuzzTests` replays the regression corpus.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The CSV reader, in both encodings and with the delimiters lead files use.
    case csv
    /// Phone normalisation, and the lead profile's fields beside it (age, income, gender).
    case phone
    /// Money parsing: a parsed amount lies in range and prints back to itself.
    case money
    /// The config: TOML parsing, merging over the defaults, the range and rule checks.
    case config
    /// The xlsx reader: the bytes as a workbook file, and (split at the first zero byte) as the
    /// sheet XML and shared strings of a well-formed stored workbook.
    case xlsx

    /// The target named by `$CALLOPS_FUZZ_TARGET` (csv by default), for the libFuzzer entry.
    public static let selected = FuzzTarget(rawValue: ProcessInfo.processInfo.environment["CALLOPS_FUZZ_TARGET"] ?? "csv") ?? .csv

    private static let validator = try! MobileValidator(pattern: Settings.defaults.leads.mobilePattern)

    /// Feeds `bytes` to the target; traps only when a property fails (a real finding).
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .csv:
            for (delimiter, encoding) in [(UInt8(ascii: ","), TextEncoding.utf8), (UInt8(ascii: ";"), .gb18030), (UInt8(ascii: "\t"), .utf8)] {
                guard var reader = try? CSVReader(bytes: bytes, delimiter: delimiter, encoding: encoding) else { continue }
                var last = 0
                while let record = try? reader.next() {
                    precondition(record.line > last, "CSV lines go forward")
                    last = record.line
                    _ = record.fields
                }
            }
        case .phone:
            let text = String(decoding: bytes, as: UTF8.self)
            if case let .valid(phone) = PhoneNumber.normalize(text, validator: Self.validator) {
                precondition(phone.utf8.count == 11 && phone.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }, "a valid mobile is 11 digits")
                precondition(PhoneNumber.mask(phone).utf8.count == 11, "a masked mobile keeps its length")
            }
            if let age = LeadProfileParsing.age(text) { precondition((0...130).contains(age)) }
            _ = LeadProfileParsing.gender(text)
            _ = LeadProfileParsing.married(text)
        case .money:
            let text = String(decoding: bytes, as: UTF8.self)
            if let money = Money(parsingYuan: text) {
                precondition(abs(money.yuan) <= Money.maximumYuan, "a parsed amount lies in range")
                precondition(Money(parsingYuan: money.description) == money, "an amount prints back to itself")
                _ = money + money
                _ = money - Money(fen: .max)
            }
            if let income = LeadProfileParsing.income(text) {
                precondition(income >= 0 && income <= Money.maximumYuan, "an income lies in range")
                _ = Money(yuan: income)
            }
            _ = InputRange.talkSeconds(text)
        case .config:
            _ = try? Settings.parse(toml: String(decoding: bytes, as: UTF8.self), file: "fuzz.toml")
        case .xlsx:
            let split = bytes.firstIndex(of: 0) ?? bytes.endIndex
            let wrapped = StoredWorkbook.make(sheet: Array(bytes[..<split]), strings: split < bytes.endIndex ? Array(bytes[(split + 1)...]) : [])
            for file in [bytes, wrapped] { Self.readWorkbook(file) }
        }
    }

    /// Reads every row of the workbook `bytes` (the reader takes a path: a scratch file of this
    /// process's own, removed after).
    private static func readWorkbook(_ bytes: [UInt8]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("callops-fuzz-\(getpid()).xlsx").path
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        defer { unlink(path) }
        guard var reader = try? XLSXReader(path: path) else { return }
        precondition(reader.sheetNames.contains(reader.sheetName), "the sheet read is one of the workbook's")
        var last = 0
        while let record = try? reader.next() {
            precondition(record.line > last && record.line <= 1_048_576, "rows are numbered 1 to 1,048,576, going forward")
            last = record.line
            _ = record.fields
        }
    }
}
