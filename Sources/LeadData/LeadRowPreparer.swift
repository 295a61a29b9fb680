import CallOpsCore
import CallOpsStore
import Foundation

/// A row of a lead file that was not taken, for the rejects file.
struct Rejection: Sendable {
    var line: Int
    var reason: RejectReason
    var detail: String
    /// The row as it was (empty when no rejects file is written).
    var fields: [String]
    /// The number of a row rejected as `dnc` or `out_of_age_range` when the reading thread could
    /// not ask whether it is already a lead: the insert asks, and `duplicate_existing` comes first.
    var unconfirmedPhone: UInt64? = nil
}

/// A run of consecutive records of a lead file, made ready on the reading thread: the rows to
/// insert (sorted by phone, so each lands in the phone index near the one before) and the
/// records rejected on the way, in line order.
struct PreparedChunk: Sendable {
    /// Measured on a million rows: 16,384-row runs 5.6 s, 32,768 5.1 s, 65,536 5.0 s, 131,072
    /// no faster.
    static let defaultRecords = 65_536

    var rows: PackedRows
    var rejections: [Rejection] = []
    /// Rows kept with a value dropped (an income that is not an amount), in line order.
    var warnings: [ImportWarning] = []
    var records = 0
    /// Bytes of the file read so far, for progress.
    var bytesRead = 0

    init(records: Int) { rows = PackedRows(capacity: records) }
}

/// Everything the import decides about one record that needs no database: the field count,
/// the phone number, duplicates within the file, the do-not-call list (loaded beforehand), the
/// age range, the profile and its grade; and whether the number is already a lead, when it can
/// ask the committed database (`LeadPresence`). Otherwise, or when a lead appears in between, the
/// insert finds it.
struct LeadRowPreparer {

    let rules: Settings.LeadRules
    let validator: MobileValidator
    let clock: Clock
    let format: LeadFileFormat
    let dnc: PhoneSet
    /// Keep each row's fields for the rejects file (a duplicate of an existing lead is only
    /// known at insert time).
    let keepFields: Bool
    /// Records per chunk.
    var chunkRecords = PreparedChunk.defaultRecords
    private var seen = PhoneSet()
    /// The number of the record prepared last.
    private var seenLast: UInt64?
    private var grading: LeadGrading.Cached

    init(rules: Settings.LeadRules, validator: MobileValidator, clock: Clock, format: LeadFileFormat, dnc: PhoneSet, keepFields: Bool) {
        self.rules = rules
        self.validator = validator
        self.clock = clock
        self.format = format
        self.dnc = dnc
        self.keepFields = keepFields
        self.grading = LeadGrading.Cached(rules: rules.grading)
    }

    /// Adds the record to `rows`, or says why it is rejected; a value the row is kept without
    /// goes to `warnings`.
    mutating func prepare(
        _ record: CSVRecord, presence: LeadPresence?, into rows: inout PackedRows, warnings: inout [ImportWarning]
    ) throws -> (RejectReason, String)? {
        if format.hasHeader ? record.count != format.fieldCount : record.count < 25 {
            let expected = format.hasHeader ? "the header's \(format.fieldCount)" : "VICIdial's 25"
            return (.malformedRow, "\(record.count) fields; expected \(expected)")
        }
        // A 10 MB name or note is not stored (SPEC section 12: every field has a sane size).
        if let (index, characters) = record.overlongField() {
            let name = index < format.names.count && !format.names[index].isEmpty ? format.names[index] : "column \(index + 1)"
            return (.malformedRow, "field \"\(Quoted.value(name))\" has \(characters) characters; at most \(InputRange.maximumFieldCharacters)")
        }
        let columns = format.columns
        func field(_ index: Int?) -> String? {
            guard let index, index < record.count else { return nil }
            let value = LeadProfileParsing.trimmed(record[index])
            return value.isEmpty ? nil : value
        }
        let phone: String
        switch PhoneNumber.normalizeFast(field(columns.phone) ?? "", validator: validator) {
        case .missing: return (.missingPhone, "no phone number")
        case let .invalid(why): return (.invalidPhone, why)
        case let .valid(digits): phone = digits
        }
        let key = UInt64(phone)!
        seenLast = key
        if !seen.insert(key) {
            return (.duplicateInFile, "\(PhoneNumber.mask(phone)) appears earlier in the file")
        }
        // SPEC section 5's order is the precedence: an existing lead is `duplicate_existing`
        // before it is `dnc` or `out_of_age_range`.
        if let presence, try presence.contains(phone) {
            return (.duplicateExisting, "\(PhoneNumber.mask(phone)) is already a lead")
        }
        if dnc.contains(key) {
            return (.dnc, "\(PhoneNumber.mask(phone)) is on the do-not-call list")
        }
        let age = field(columns.age).flatMap(LeadProfileParsing.age)
            ?? field(columns.birthDate).flatMap { LeadProfileParsing.age(birthDate: $0, on: clock.now, calendar: clock.calendar) }
        if let age, age < rules.minAge || age > rules.maxAge {
            return (.outOfAgeRange, "age \(age) is outside \(rules.minAge)–\(rules.maxAge)")
        }
        // A whole number no one's age can be (-1, 200, 10^20) is a known age outside the range,
        // not a missing one (SPEC section 12: numbers are range-checked where they are parsed).
        if age == nil, let text = field(columns.age), LeadProfileParsing.isWholeNumber(text) {
            return (.outOfAgeRange, "age \"\(Quoted.value(text))\" is outside \(rules.minAge)–\(rules.maxAge)")
        }
        var leadClass = format.defaultClass
        if let text = field(columns.leadClass) {
            guard let given = LeadClass(text: text) else {
                return (.malformedRow, "class \"\(text)\" is not warm (缘故), referral (转介绍) or cold (陌生)")
            }
            leadClass = given
        }
        let incomeText = field(columns.income)
        let income = incomeText.flatMap(LeadProfileParsing.income)
        if let incomeText, income == nil, let index = columns.income {
            let name = index < format.names.count ? format.names[index] : "income"
            warnings.append(ImportWarning(line: record.line, field: name, value: incomeText,
                                          problem: "is not an amount in yuan from 0 to 100,000,000; the lead is kept without an income"))
        }
        // An age or a number of children that cannot be read is dropped with a warning naming the
        // line and field, as an income is: the lead is kept, and the loss is counted and said.
        if age == nil, let text = field(columns.age), let index = columns.age {
            let name = index < format.names.count ? format.names[index] : "age"
            warnings.append(ImportWarning(line: record.line, field: name, value: text,
                                          problem: "is not an age in whole years; the lead is kept without an age", kind: .age))
        }
        let married = field(columns.marital).flatMap(LeadProfileParsing.married)
        let childrenText = field(columns.children)
        let children = childrenText.flatMap(LeadProfileParsing.children)
        if let childrenText, children == nil, let index = columns.children {
            let name = index < format.names.count ? format.names[index] : "children"
            warnings.append(ImportWarning(line: record.line, field: name, value: childrenText,
                                          problem: "is not a number of children from 0 to 19; the lead is kept without it", kind: .children))
        }
        let occupation = field(columns.occupation)
        let scored = grading.grade(LeadProfile(age: age, annualIncome: income, occupation: occupation, married: married, children: children))
        var extra: String?
        if !columns.extra.isEmpty {
            var object: [String: String] = [:]
            for (name, index) in columns.extra { if let value = field(index) { object[name] = value } }
            if !object.isEmpty {
                extra = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
            }
        }
        let name: String? = columns.name != nil ? field(columns.name) : columns.nameParts.compactMap { field($0) }.joined(separator: " ")
        // A row's fields are kept for the rejects file only when the insert may be the one to find
        // its number taken (no read connection to ask): a million rows' fields are memory.
        rows.startRow(line: record.line, phone: key, grade: scored.grade, fields: keepFields && presence == nil ? record.fields : nil)
        rows.append(phone)
        rows.append(name?.isEmpty == true ? nil : name)
        rows.append(field(columns.gender).flatMap(LeadProfileParsing.gender)?.rawValue)
        rows.append(age.map(Int64.init))
        rows.append(field(columns.city))
        rows.append(occupation)
        rows.append(income.map { Money(yuan: $0).fen })
        rows.append(married.map { $0 ? 1 : 0 } as Int64?)
        rows.append(children.map(Int64.init))
        rows.append(field(columns.externalID))
        rows.append(extra)
        rows.append(scored.grade.rawValue)
        rows.append(Int64(scored.score))
        rows.append(leadClass.rawValue)
        return nil
    }

    /// Reads `reader` to the end in chunks, handing each to `send`; stops early when `send`
    /// returns false (the consumer failed).
    mutating func prepareAll<Reader: RecordReader>(_ reader: inout Reader, presence: LeadPresence?, send: (PreparedChunk) -> Bool) throws {
        // The first chunk is small, so the database thread starts inserting early instead of
        // waiting for a whole chunk to be read, and each next one a quarter larger, up to
        // `chunkRecords`: the two threads go at about one pace on the bench's file (2.5 µs a
        // row each), so each chunk is ready as the one before it is in. Timed chunk by chunk
        // (2026-11-30): going from 8,192 rows straight to 65,536, the database thread waited
        // 0.10 s, idle, for the second; with the ramp it waits 0.05 s in all.
        var target = min(chunkRecords, 8_192)
        var chunk = PreparedChunk(records: target)
        while let record = try reader.next() {
            chunk.records += 1
            if let (reason, detail) = try prepare(record, presence: presence, into: &chunk.rows, warnings: &chunk.warnings) {
                var rejection = Rejection(line: record.line, reason: reason, detail: detail, fields: keepFields ? record.fields : [])
                if presence == nil && (reason == .dnc || reason == .outOfAgeRange) { rejection.unconfirmedPhone = seenLast }
                chunk.rejections.append(rejection)
            }
            if chunk.records == target {
                chunk.rows.sortByPhone()
                chunk.bytesRead = reader.bytesRead
                guard send(chunk) else { return }
                target = min(chunkRecords, target + target / 4)
                chunk = PreparedChunk(records: target)
            }
        }
        if chunk.records > 0 {
            chunk.rows.sortByPhone()
            chunk.bytesRead = reader.bytesRead
            _ = send(chunk)
        }
    }
}

/// Whether a number is already a lead, asked of the committed database through a connection of
/// the reading thread's own (the import's transaction holds the write lock, so nothing commits
/// in between).
final class LeadPresence {
    private let statement: BulkStatement

    init(_ db: Database) throws {
        statement = try BulkStatement(db, sql: "SELECT 1 FROM lead WHERE phone = ?")
    }

    func contains(_ phone: String) throws -> Bool {
        statement.bind(1, phone)
        return try statement.exists()
    }
}
