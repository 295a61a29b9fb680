import CallOpsCore
import CallOpsStore
import Foundation

/// How to read a lead file.
public struct ImportOptions: Sendable {
    public enum Layout: String, Sendable, CaseIterable { case auto, vicidial }
    public enum Encoding: String, Sendable, CaseIterable { case auto, utf8, gb18030 }

    public var source: String
    public var costPerLead: Money = .zero
    public var encoding: Encoding = .auto
    public var layout: Layout = .auto
    public var force = false
    public var dryRun = false
    /// Where rejected rows go (CSV: line, reason, detail, then the row as it was).
    public var rejectsPath: String?

    public init(source: String) { self.source = source }
}

/// `callops leads import`: validate, normalise, dedupe, grade and insert a lead file in one
/// transaction, streaming it row by row (SPEC section 5).
public struct LeadImporter {
    let settings: Settings
    let clock: Clock
    let validator: MobileValidator

    public init(settings: Settings, clock: Clock) throws {
        self.settings = settings
        self.clock = clock
        do {
            self.validator = try MobileValidator(pattern: settings.leads.mobilePattern)
        } catch {
            throw CallOpsError.invalidValue(field: "leads.mobile_pattern", value: settings.leads.mobilePattern, expected: "a valid regular expression")
        }
    }

    /// Imports `path` into `db`; a dry run does the same work and rolls it back.
    public func run(path: String, options: ImportOptions, db: AppDatabase, progress: ProgressBar? = nil) throws -> ImportSummary {
        let (fileName, hash, encoding, format) = try prepare(path: path, options: options)
        var summary = ImportSummary(source: options.source, fileName: fileName, encoding: encoding.rawValue, layout: format.layoutName)
        summary.dryRun = options.dryRun
        var rejects = try options.rejectsPath.map { try RejectsWriter(path: $0) }
        defer { try? rejects?.close() }

        summary = try db.transaction(dryRun: options.dryRun) { db in
            try importFile(db, path: path, hash: hash, encoding: encoding, format: format, options: options,
                           summary: summary, rejects: &rejects, progress: progress)
        }
        // A dry run wrote no batch.
        if options.dryRun { summary.batchID = nil }
        progress?.finish()
        return summary
    }

    /// Reads what the import needs before it starts: the file's hash, encoding and layout.
    private func prepare(path: String, options: ImportOptions) throws -> (String, String, TextEncoding, LeadFileFormat) {
        let fileName = (path as NSString).lastPathComponent
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CallOpsError.badFile(file: path, message: "cannot be read (missing, or no permission)")
        }
        let (hash, detected) = try TextEncoding.fingerprint(path: path)
        let encoding: TextEncoding
        switch options.encoding {
        case .auto: encoding = detected
        case .utf8: encoding = .utf8
        case .gb18030: encoding = .gb18030
        }
        let format = try LeadFileFormat.sniff(path: path, encoding: encoding, layout: options.layout, fileName: fileName)
        return (fileName, hash, encoding, format)
    }

    /// Imports `path` inside the caller's transaction (the demo builds a whole center in one).
    public func importFile(_ db: Database, path: String, options: ImportOptions) throws -> ImportSummary {
        let (fileName, hash, encoding, format) = try prepare(path: path, options: options)
        var rejects: RejectsWriter?
        let summary = ImportSummary(source: options.source, fileName: fileName, encoding: encoding.rawValue, layout: format.layoutName)
        return try importFile(db, path: path, hash: hash, encoding: encoding, format: format, options: options, summary: summary,
                              rejects: &rejects, progress: nil)
    }

    private func importFile(
        _ db: Database, path: String, hash: String, encoding: TextEncoding, format: LeadFileFormat, options: ImportOptions,
        summary start: ImportSummary, rejects: inout RejectsWriter?, progress: ProgressBar?
    ) throws -> ImportSummary {
        var summary = start
        let fileName = summary.fileName
        if !options.force, let earlier = try Row.fetchOne(db, sql: "SELECT id, received_at FROM lead_batch WHERE file_hash = ? ORDER BY id LIMIT 1", arguments: [hash]) {
            throw CallOpsError.refused("\(fileName) was already imported as batch \(earlier["id"] as Int64) on \(earlier["received_at"] as String) (same SHA-256); nothing was changed; use --force to import it again")
        }
        try db.execute(
            sql: "INSERT INTO lead_batch (source, file_name, file_hash, received_at, cost_per_lead_fen) VALUES (?, ?, ?, ?, ?)",
            arguments: [options.source, fileName, hash, clock.nowTimestamp, options.costPerLead.fen])
        let batchID = db.lastInsertedRowID
        try insertRows(db, path: path, encoding: encoding, format: format, batchID: batchID, summary: &summary, rejects: &rejects, progress: progress)
        try db.execute(sql: """
            UPDATE lead_batch SET rows = ?, accepted = ?, missing_phone = ?, invalid_phone = ?, duplicate_in_file = ?,
                duplicate_existing = ?, dnc = ?, out_of_age_range = ?, malformed_row = ? WHERE id = ?
            """, arguments: [summary.rows, summary.accepted, summary.rejected[.missingPhone], summary.rejected[.invalidPhone],
                             summary.rejected[.duplicateInFile], summary.rejected[.duplicateExisting], summary.rejected[.dnc],
                             summary.rejected[.outOfAgeRange], summary.rejected[.malformedRow], batchID])
        if let rejects, rejects.count > 0 {
            try AuditLog.record(db, command: "leads import --rejects \(rejects.path)", numbers: rejects.count, clock: clock)
        }
        summary.batchID = batchID
        return summary
    }

    private func insertRows(
        _ db: Database, path: String, encoding: TextEncoding, format: LeadFileFormat, batchID: Int64,
        summary: inout ImportSummary, rejects: inout RejectsWriter?, progress: ProgressBar?
    ) throws {
        let rules = settings.leads
        // Every DNC number, as an integer: a million fit in a few megabytes.
        var dnc = Set<UInt64>()
        let dncPhones = try String.fetchCursor(db, sql: "SELECT phone FROM dnc")
        while let phone = try dncPhones.next() {
            if let value = UInt64(phone) { dnc.insert(value) }
        }
        // A million inserts into the phone index thrash SQLite's default 2 MB page cache; 16 MB
        // holds the pages they touch (measured: faster than 64 MB, at 78 MB of peak memory).
        try db.execute(sql: "PRAGMA cache_size = -16384")
        var seen = Set<UInt64>()
        var grading = LeadGrading.Cached(rules: rules.grading)
        var batch = try LeadInsertBatch(db, batchID: batchID)
        func existing(_ row: LeadInsertBatch.Pending) throws {
            summary.rejected[.duplicateExisting, default: 0] += 1
            try rejects?.write(line: row.line, reason: .duplicateExisting, detail: "\(PhoneNumber.mask(row.phone)) is already a lead", fields: row.rawFields)
        }
        func accepted(_ row: LeadInsertBatch.Pending) {
            summary.accepted += 1
            summary.grades[row.grade, default: 0] += 1
        }
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var reader = try CSVReader(path: path, delimiter: format.delimiter, encoding: encoding)
        if format.hasHeader { _ = try reader.next() }
        var bytesSeen = 0
        let columns = format.columns
        while let record = try reader.next() {
            summary.rows += 1
            if summary.rows & 0x3FFF == 0, let progress, fileSize > 0 {
                progress.update(min(99, bytesSeen * 100 / fileSize))
            }
            func reject(_ reason: RejectReason, _ detail: String) throws {
                summary.rejected[reason, default: 0] += 1
                try rejects?.write(line: record.line, reason: reason, detail: detail, fields: record.fields)
            }
            if format.hasHeader ? record.count != format.fieldCount : record.count < 25 {
                let expected = format.hasHeader ? "the header's \(format.fieldCount)" : "VICIdial's 25"
                try reject(.malformedRow, "\(record.count) fields; expected \(expected)")
                continue
            }
            func field(_ index: Int?) -> String? {
                guard let index, index < record.count else { return nil }
                let value = LeadProfileParsing.trimmed(record[index])
                return value.isEmpty ? nil : value
            }
            bytesSeen += record.count * 8
            let phone: String
            switch PhoneNumber.normalizeFast(field(columns.phone) ?? "", validator: validator) {
            case .missing:
                try reject(.missingPhone, "no phone number")
                continue
            case let .invalid(why):
                try reject(.invalidPhone, why)
                continue
            case let .valid(digits):
                phone = digits
            }
            let key = UInt64(phone)!
            if !seen.insert(key).inserted {
                try reject(.duplicateInFile, "\(PhoneNumber.mask(phone)) appears earlier in the file")
                continue
            }
            if dnc.contains(key) {
                try reject(.dnc, "\(PhoneNumber.mask(phone)) is on the do-not-call list")
                continue
            }
            let age = field(columns.age).flatMap(LeadProfileParsing.age)
                ?? field(columns.birthDate).flatMap { LeadProfileParsing.age(birthDate: $0, on: clock.now, calendar: clock.calendar) }
            if let age, age < rules.minAge || age > rules.maxAge {
                try reject(.outOfAgeRange, "age \(age) is outside \(rules.minAge)–\(rules.maxAge)")
                continue
            }
            let income = field(columns.income).flatMap(LeadProfileParsing.income)
            let married = field(columns.marital).flatMap(LeadProfileParsing.married)
            let children = field(columns.children).flatMap(LeadProfileParsing.children)
            let occupation = field(columns.occupation)
            let scored = grading.grade(
                LeadProfile(age: age, annualIncome: income, occupation: occupation, married: married, children: children))
            var extra: String?
            if !columns.extra.isEmpty {
                var object: [String: String] = [:]
                for (name, index) in columns.extra { if let value = field(index) { object[name] = value } }
                if !object.isEmpty {
                    extra = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
                }
            }
            let name: String? = columns.name != nil ? field(columns.name) : columns.nameParts.compactMap { field($0) }.joined(separator: " ")
            try batch.add(LeadInsertBatch.Pending(
                line: record.line, phone: phone,
                values: [
                    .text(name?.isEmpty == true ? nil : name), .text(field(columns.gender).flatMap(LeadProfileParsing.gender)?.rawValue),
                    .int(age.map(Int64.init)), .text(field(columns.city)), .text(occupation), .int(income.map { Money(yuan: $0).fen }),
                    .int(married.map { $0 ? 1 : 0 }), .int(children.map(Int64.init)), .text(field(columns.externalID)), .text(extra),
                    .text(scored.grade.rawValue), .int(Int64(scored.score)),
                ],
                rawFields: rejects == nil ? [] : record.fields, grade: scored.grade), existing: existing, accepted: accepted)
        }
        try batch.flush(existing: existing, accepted: accepted)
    }
}
