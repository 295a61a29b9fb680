import CallOpsCore
import Foundation

/// Where each known field sits in a lead file.
struct LeadColumns: Sendable {
    var phone: Int?
    var name: Int?
    /// VICIdial splits the name: first and last.
    var nameParts: [Int] = []
    var gender: Int?
    var age: Int?
    var birthDate: Int?
    var city: Int?
    var occupation: Int?
    var income: Int?
    var marital: Int?
    var children: Int?
    var externalID: Int?
    /// The lead's class (seed 003: 缘故, 转介绍, 陌生).
    var leadClass: Int?
    /// Other columns, kept as they are (name → index).
    var extra: [(String, Int)] = []

    /// Header names, English or Chinese, case-insensitive (SPEC section 5).
    nonisolated(unsafe) static let aliases: [(WritableKeyPath<LeadColumns, Int?>, [String])] = [
        (\.phone, ["phone", "mobile", "手机", "手机号", "手机号码", "电话", "电话号码", "联系电话", "移动电话"]),
        (\.name, ["name", "姓名", "客户姓名"]),
        (\.gender, ["gender", "sex", "性别"]),
        (\.age, ["age", "年龄"]),
        (\.birthDate, ["birth_date", "出生日期"]),
        (\.city, ["city", "城市"]),
        (\.occupation, ["occupation", "job", "职业"]),
        (\.income, ["income", "annual_income", "年收入", "年薪"]),
        (\.marital, ["marital", "婚姻状况", "婚姻", "婚否", "婚姻情况"]),
        (\.children, ["children", "子女数", "子女", "子女数量", "子女人数", "孩子数"]),
        (\.externalID, ["external_id", "vendor_lead_code"]),
        (\.leadClass, ["class", "客户类别", "类别"]),
    ]

    init(header: CSVHeader) {
        var used = Set<Int>()
        for (path, names) in Self.aliases {
            if let index = header.column(names) {
                self[keyPath: path] = index
                used.insert(index)
            }
        }
        extra = header.names.enumerated().filter { !used.contains($0.offset) && !$0.element.isEmpty }.map { ($0.element, $0.offset) }
    }

    /// VICIdial's standard 25 fields.
    static let vicidialFields = VicidialLeadFields.names

    static var vicidial: LeadColumns {
        var columns = LeadColumns(header: CSVHeader([]))
        columns.externalID = 0
        columns.phone = 4
        columns.nameParts = [6, 8]
        columns.city = 12
        columns.gender = 17
        columns.birthDate = 18
        let used: Set<Int> = [0, 4, 6, 8, 12, 17, 18]
        // The loader's extra fields past the 25th (called_count, status, alternate numbers) are kept too.
        columns.extra = vicidialFields.enumerated().filter { !used.contains($0.offset) }.map { ($0.element, $0.offset) }
            + (25..<40).map { ("field_\($0 + 1)", $0) }
        return columns
    }
}

/// The shape of a lead file: delimiter, header or VICIdial layout, and its columns.
struct LeadFileFormat: Sendable {
    var delimiter: UInt8
    var hasHeader: Bool
    var fieldCount: Int
    var columns: LeadColumns
    var layoutName: String
    /// The header's names, for messages (VICIdial's field names for a list without a header).
    var names: [String] = LeadColumns.vicidialFields
    /// An xlsx workbook (detected by content), read at `sheet` or its first sheet.
    var workbook = false
    var sheet: String?
    /// The class of a row without its own (`--class`, else cold: a bought list).
    var defaultClass = LeadClass.cold

    /// Reads the first record to decide the delimiter and layout; refuses a file with no phone column.
    static func sniff(path: String, encoding: TextEncoding, layout: ImportOptions.Layout, fileName: String, sheet: String? = nil) throws -> LeadFileFormat {
        if try TabularKind.of(path: path) == .xlsx {
            var reader = try XLSXReader(path: path, sheet: sheet)
            guard let first = try reader.next() else {
                throw CallOpsError.badFile(file: fileName, message: "has an empty sheet \"\(reader.sheetName)\"; a lead file needs a header with a phone column and one row per lead")
            }
            var format = try choose(first, delimiter: UInt8(ascii: ","), layout: layout, fileName: fileName)
            format.workbook = true
            format.sheet = sheet
            return format
        }
        var probe = try CSVReader(path: path, delimiter: UInt8(ascii: ","), encoding: encoding)
        guard let first = try probe.next() else {
            throw CallOpsError.badFile(file: fileName, message: "is empty; a lead file needs a header with a phone column and one row per lead")
        }
        let line = first.fields.joined(separator: ",")
        // The delimiter that splits the first line most: Excel in Europe writes `;`, dialers `|` or tab.
        let candidates: [UInt8] = layout == .vicidial ? [UInt8(ascii: "|"), UInt8(ascii: "\t")]
            : [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]
        let delimiter = candidates.max { a, b in
            line.utf8.filter { $0 == a }.count < line.utf8.filter { $0 == b }.count
        }!
        var reader = try CSVReader(path: path, delimiter: delimiter, encoding: encoding)
        return try choose(try reader.next()!, delimiter: delimiter, layout: layout, fileName: fileName)
    }

    /// The layout of a file whose first record is `record`.
    private static func choose(_ record: CSVRecord, delimiter: UInt8, layout: ImportOptions.Layout, fileName: String) throws -> LeadFileFormat {
        let vicidial = LeadFileFormat(delimiter: delimiter, hasHeader: false, fieldCount: 25, columns: .vicidial, layoutName: "vicidial")
        if layout == .vicidial { return vicidial }
        let header = CSVHeader(record.fields)
        let columns = LeadColumns(header: header)
        if columns.phone != nil {
            var format = LeadFileFormat(delimiter: delimiter, hasHeader: true, fieldCount: record.count, columns: columns, layoutName: "header")
            format.names = record.fields
            return format
        }
        if delimiter != UInt8(ascii: ","), delimiter != UInt8(ascii: ";"), record.count >= 25 {
            return vicidial
        }
        throw CallOpsError.badFile(
            file: fileName,
            message: "has no phone column; the header must name one of phone, mobile, 手机, 手机号, 电话, 联系电话 (or use --layout vicidial for a VICIdial list)")
    }
}

/// Writes rejected rows for the data officer to fix: line, reason, detail, then the row. The
/// rows hold phone numbers: the file is created 0600, never over the database or the file being
/// imported, and appears only whole, put in place as the import's last step before it commits.
struct RejectsWriter {
    let path: String
    private let file: OutputFile
    private var buffer = ""
    private(set) var count = 0

    init(path: String, database: String?, input: String) throws {
        file = try OutputFile(path: path, option: "--rejects", database: database, inputs: [input], isPrivate: true)
        self.path = path
        buffer = CSVWriter.row(["line", "reason", "detail", "row"])
    }

    mutating func write(line: Int, reason: RejectReason, detail: String, fields: [String]) throws {
        count += 1
        buffer += CSVWriter.row([String(line), reason.rawValue, detail] + fields)
        if buffer.utf8.count > 1 << 16 { try flush() }
    }

    mutating func flush() throws {
        try file.write(buffer)
        buffer = ""
    }

    /// Writes the rest and puts the file on disk; a full disk throws here, inside the import's
    /// transaction, so the import is undone with it.
    mutating func finish() throws {
        try flush()
        try file.synchronize()
    }

    /// Puts the file in place (the import's last step before its commit, so a file that cannot
    /// be put in place rolls the import back); `revert` takes it back if the commit then fails,
    /// `settle` keeps it once the import has committed.
    func place() throws { try file.place() }

    func revert() { file.revert() }

    func settle() { file.settle() }

    /// Drops the file; an existing file of that name stays as it was.
    func discard() { file.discard() }
}
