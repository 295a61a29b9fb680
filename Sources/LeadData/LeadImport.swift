import CallOpsCore
import CallOpsStore
import Foundation

/// How to read a lead file.
public struct ImportOptions: Sendable {
    public enum Layout: String, Sendable, CaseIterable { case auto, vicidial }
    public enum Encoding: String, Sendable, CaseIterable {
        case auto, utf8, gb18030

        /// The encoding given, or nil to detect it.
        var fixed: TextEncoding? {
            switch self {
            case .auto: nil
            case .utf8: .utf8
            case .gb18030: .gb18030
            }
        }
    }

    public var source: String
    public var costPerLead: Money = .zero
    public var encoding: Encoding = .auto
    public var layout: Layout = .auto
    public var force = false
    public var dryRun = false
    /// Where rejected rows go (CSV: line, reason, detail, then the row as it was).
    public var rejectsPath: String?
    /// The sheet of an xlsx workbook to read (default its first).
    public var sheet: String?
    /// The class of every row without a `class` column value (default cold: a bought list).
    public var leadClass: LeadClass?

    public init(source: String) { self.source = source }
}

/// `callops leads import`: validate, normalise, dedupe, grade and insert a lead file in one
/// transaction, streaming it row by row (SPEC section 5).
public struct LeadImporter {
    let settings: Settings
    let clock: Clock
    let validator: MobileValidator
    /// Records read ahead and inserted together (small in tests, to cross chunk edges).
    var chunkRecords = PreparedChunk.defaultRecords

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
    ///
    /// The file's SHA-256 and the check that all of it is UTF-8 run on a thread of their own
    /// beside the import (one read of the file fewer before it starts). The encoding is taken
    /// from the file's head meanwhile; in the rare file whose head is UTF-8 and whose rest is
    /// not, the import is rolled back and made again as GB18030. Only when an earlier batch has
    /// the file's size (or was imported before sizes were kept) can it be the same file: then
    /// the import waits for the hash and refuses a file seen before, before writing anything.
    public func run(path: String, options: ImportOptions, db: AppDatabase, progress: ProgressBar? = nil) throws -> ImportSummary {
        let (fileName, fileBytes) = try checkReadable(path)
        let fingerprint = BackgroundWork { try TextEncoding.fingerprint(path: path) }
        defer { _ = try? fingerprint.value() }
        var encoding = try options.encoding.fixed ?? TextEncoding.detect(head: path)
        while true {
            do {
                return try attempt(path: path, fileName: fileName, fileBytes: fileBytes, encoding: encoding, fingerprint: fingerprint,
                                   options: options, db: db, progress: progress)
            } catch let mismatch as EncodingMismatch {
                encoding = mismatch.encoding
            }
        }
    }

    /// The file is not in the encoding its head suggested.
    private struct EncodingMismatch: Error {
        let encoding: TextEncoding
    }

    /// Records in the audit log the numbers a rejects file holds (none when it holds none).
    private func auditRejects(_ db: Database, _ rejects: RejectsWriter?, dryRun: Bool) throws {
        guard let rejects, rejects.count > 0 else { return }
        try AuditLog.record(db, command: "leads import\(dryRun ? " --dry-run" : "") --rejects \(rejects.path)", numbers: rejects.count, clock: clock)
    }

    private func attempt(
        path: String, fileName: String, fileBytes: Int, encoding: TextEncoding, fingerprint: BackgroundWork<(sha256: String, encoding: TextEncoding)>,
        options: ImportOptions, db: AppDatabase, progress: ProgressBar?
    ) throws -> ImportSummary {
        let format = try LeadFileFormat.sniff(path: path, encoding: encoding, layout: options.layout, fileName: fileName, sheet: options.sheet)
        var summary = ImportSummary(source: options.source, fileName: fileName, encoding: format.workbook ? "xlsx" : encoding.rawValue, layout: format.layoutName)
        summary.dryRun = options.dryRun
        var rejects = try options.rejectsPath.map { try RejectsWriter(path: $0, database: db.path, input: path) }
        defer { rejects?.discard() }
        // This import owns its transaction, so what is committed is every lead but its own:
        // the reading thread may ask a connection of its own whether a number is a lead.
        let committed = db
        do {
            // Every reference the import writes it made itself in this transaction (each lead's
            // batch_id is the batch row inserted first; agent ids are NULL; lead_batch and the
            // audit log reference nothing), so SQLite's foreign key checks are off for it, as they
            // are in the shell's loader it is measured against: a seek into lead_batch per lead,
            // about 0.5 s of CPU in a million (README, "Lead import, where the time went").
            summary = try db.transaction(dryRun: options.dryRun, checkingForeignKeys: false) { db in
                let sameSize = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM lead_batch WHERE file_bytes = ? OR file_bytes IS NULL)",
                                                 arguments: [fileBytes]) ?? true
                if !options.force && sameSize { try refuseIfImported(db, fileName: fileName, hash: fingerprint.value().sha256) }
                let done = try importFile(db, path: path, fileBytes: fileBytes, encoding: encoding, format: format, options: options, summary: summary,
                                          rejects: &rejects, progress: progress, committed: committed) {
                    let (hash, whole) = try fingerprint.value()
                    // A workbook's XML is UTF-8 inside its zip, whatever the zip's bytes look like.
                    if options.encoding == .auto && !format.workbook && whole != encoding { throw EncodingMismatch(encoding: whole) }
                    try refuseIfNotUTF8(path: path, fileName: fileName, declared: options.encoding, found: whole, format: format)
                    return hash
                }
                try rejects?.finish()
                // The rejects file is put in place before the import commits: one that cannot be
                // rolls the import back, so the command completes or changes nothing (SPEC section 3).
                try rejects?.place()
                // Its numbers are audited once it is in place, in the import's own transaction:
                // the file, the import and the audit line stand or fall together.
                if !options.dryRun { try auditRejects(db, rejects, dryRun: false) }
                return done
            }
            // A dry run's transaction is rolled back: its file is audited on its own.
            if options.dryRun { try db.transaction { db in try auditRejects(db, rejects, dryRun: true) } }
        } catch {
            // The commit (or the audit) failed after the file was placed: it goes too (an
            // earlier file of that name returns).
            rejects?.revert()
            throw error
        }
        rejects?.settle()
        // A dry run wrote no batch.
        if options.dryRun { summary.batchID = nil }
        progress?.finish()
        return summary
    }

    /// The file's name and size, once it is known to be a file callops can read twice: a lead
    /// file is read once for its fingerprint and once for its rows, so a pipe or a device
    /// (`/dev/stdin`, `<(...)`) would give its rows to the fingerprint and none to the import.
    /// The size is the file's, through any symbolic link (the link's own size let a file
    /// imported through a link be taken for a new one).
    private func checkReadable(_ path: String) throws -> (name: String, bytes: Int) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CallOpsError.badFile(file: path, message: "cannot be read (missing, or no permission)")
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw CallOpsError.badFile(
                file: path,
                message: "is not a regular file (a pipe, a device or a folder); a lead file is read twice, for its fingerprint and for its rows: save it to a file and import that")
        }
        return ((path as NSString).lastPathComponent, Int(info.st_size))
    }

    /// Refuses a file given as `--encoding utf8` that is not UTF-8 (`found`, from the read that
    /// hashes it), naming the line and field where it stops being so: its bytes would otherwise
    /// be stored as U+FFFD. The file is read again to find the place only when it is refused.
    private func refuseIfNotUTF8(path: String, fileName: String, declared: ImportOptions.Encoding, found: TextEncoding, format: LeadFileFormat) throws {
        guard declared == .utf8, found != .utf8, !format.workbook else { return }
        let place = try CSVReader.firstNonUTF8Field(path: path, delimiter: format.delimiter)
        let field = place.map { "field \($0.name.map { "\"\(Quoted.value($0))\"" } ?? "\($0.field + 1)") is" } ?? "it is"
        throw CallOpsError.badFile(
            file: fileName + (place.map { ":\($0.line)" } ?? ""),
            message: "\(field) not UTF-8, as --encoding utf8 says; save the file as UTF-8, or import it with --encoding gb18030 (or auto, which reads a file that is not UTF-8 as GB18030)")
    }

    private func refuseIfImported(_ db: Database, fileName: String, hash: String) throws {
        if let earlier = try LeadBatchRecord.filter(LeadBatchRecord.Columns.fileHash == hash).order(LeadBatchRecord.Columns.id).fetchOne(db) {
            throw CallOpsError.refused("\(fileName) was already imported as batch \(earlier.id ?? 0) on \(earlier.receivedAt) (same SHA-256); nothing was changed; use --force to import it again")
        }
    }

    /// Imports `path` inside the caller's transaction (the demo builds a whole center in one);
    /// after an error some of its rows may be written: the caller rolls back.
    public func importFile(_ db: Database, path: String, options: ImportOptions) throws -> ImportSummary {
        let (fileName, fileBytes) = try checkReadable(path)
        let (hash, detected) = try TextEncoding.fingerprint(path: path)
        let encoding = options.encoding.fixed ?? detected
        let format = try LeadFileFormat.sniff(path: path, encoding: encoding, layout: options.layout, fileName: fileName, sheet: options.sheet)
        try refuseIfNotUTF8(path: path, fileName: fileName, declared: options.encoding, found: detected, format: format)
        if !options.force { try refuseIfImported(db, fileName: fileName, hash: hash) }
        var rejects: RejectsWriter?
        let summary = ImportSummary(source: options.source, fileName: fileName, encoding: format.workbook ? "xlsx" : encoding.rawValue, layout: format.layoutName)
        return try importFile(db, path: path, fileBytes: fileBytes, encoding: encoding, format: format, options: options, summary: summary,
                              rejects: &rejects, progress: nil, committed: nil) { hash }
    }

    /// Writes the batch and its leads; `finish` gives the file's hash once the rows are in, or
    /// throws to undo them.
    private func importFile(
        _ db: Database, path: String, fileBytes: Int, encoding: TextEncoding, format: LeadFileFormat, options: ImportOptions,
        summary start: ImportSummary, rejects: inout RejectsWriter?, progress: ProgressBar?, committed: AppDatabase?,
        finish: () throws -> String
    ) throws -> ImportSummary {
        var summary = start
        // The batch's own row through its record (one insert and one update an import); the
        // leads go in by the measured bulk statements of `insertRows`.
        var batch = LeadBatchRecord(source: options.source, fileName: summary.fileName, fileBytes: Int64(fileBytes), receivedAt: clock.nowTimestamp,
                                    costPerLead: options.costPerLead)
        try batch.insert(db)
        let batchID = batch.id ?? db.lastInsertedRowID
        var format = format
        format.defaultClass = options.leadClass ?? .cold
        try insertRows(db, path: path, fileBytes: fileBytes, encoding: encoding, format: format, batchID: batchID, summary: &summary,
                       rejects: &rejects, progress: progress, committed: committed)
        let hash = try finish()
        let rejected = summary.rejected
        try batch.updateChanges(db) {
            $0.fileHash = hash
            $0.rows = summary.rows
            $0.accepted = summary.accepted
            $0.missingPhone = rejected[.missingPhone] ?? 0
            $0.invalidPhone = rejected[.invalidPhone] ?? 0
            $0.duplicateInFile = rejected[.duplicateInFile] ?? 0
            $0.duplicateExisting = rejected[.duplicateExisting] ?? 0
            $0.dnc = rejected[.dnc] ?? 0
            $0.outOfAgeRange = rejected[.outOfAgeRange] ?? 0
            $0.malformedRow = rejected[.malformedRow] ?? 0
        }
        summary.batchID = batchID
        return summary
    }

    /// Reads, validates and grades the file on a second thread (`LeadRowPreparer`) while this
    /// one inserts the previous chunk: on two cores the import takes about as long as SQLite's
    /// own work.
    private func insertRows(
        _ db: Database, path: String, fileBytes: Int, encoding: TextEncoding, format: LeadFileFormat, batchID: Int64,
        summary: inout ImportSummary, rejects: inout RejectsWriter?, progress: ProgressBar?, committed: AppDatabase?
    ) throws {
        // Every DNC number, as an integer: a million fit in a few megabytes.
        var dnc = PhoneSet()
        let dncPhones = try String.fetchCursor(db, sql: "SELECT phone FROM dnc")
        while let phone = try dncPhones.next() {
            if let value = UInt64(phone) { dnc.insert(value) }
        }
        // A million inserts into the phone index thrash SQLite's default 2 MB page cache and
        // spill half-done pages to the WAL again and again. Measured on a million rows (three
        // runs each, alternating): 32 MB 5.26 s at 130 MB peak, 64 MB 4.95 s at 168 MB peak.
        try db.execute(sql: "PRAGMA cache_size = -65536")
        // The leads go in without the lead table's CHECKs compiled into the insert, as they go in
        // without foreign key checks: every value it writes that a CHECK constrains is spelt by
        // its type (grade, class and gender are enums; status and the cadence's columns take the
        // table's defaults), and `LeadImportChecksTests` holds the table's CHECKs to that list.
        // The stored rows are still checked, by the next bulk writer's quick check and by
        // `callops check`. Measured on the bench's 1,000,000 rows (2026-11-30, four alternating
        // pairs): 0.14-0.27 s less, about 0.3 s less CPU, of about 3.2 s. SQLite reads the flag
        // when it compiles a statement, so it is on before the insert's statements are compiled
        // and until the last chunk is in; nothing but leads is written meanwhile.
        try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
        var ignoringChecks = true
        defer { if ignoringChecks { try? db.execute(sql: "PRAGMA ignore_check_constraints = OFF") } }
        let batch = try LeadInsertBatch(db, batchID: batchID)
        var preparer = LeadRowPreparer(rules: settings.leads, validator: validator, clock: clock, format: format, dnc: dnc, keepFields: rejects != nil)
        preparer.chunkRecords = chunkRecords
        try Pipeline.run(capacity: 1, produce: { [preparer] send in
            var preparer = preparer
            func prepare(_ reader: inout some RecordReader) throws {
                if format.hasHeader { _ = try reader.next() }
                let asked: Bool? = try committed?.withSeparateReader { db in
                    try preparer.prepareAll(&reader, presence: try LeadPresence(db), send: send)
                    return true
                }
                if asked == nil { try preparer.prepareAll(&reader, presence: nil, send: send) }
            }
            if format.workbook {
                var reader = try XLSXReader(path: path, sheet: format.sheet)
                try prepare(&reader)
            } else {
                var reader = try CSVReader(path: path, delimiter: format.delimiter, encoding: encoding)
                try prepare(&reader)
            }
        }, consume: { (chunk: PreparedChunk) in
            let existing = try batch.insert(chunk.rows)
            summary.rows += chunk.records
            summary.accepted += chunk.rows.count - existing.count
            for row in chunk.rows.rows { summary.grades[row.grade, default: 0] += 1 }
            for i in existing { summary.grades[chunk.rows.rows[i].grade, default: 0] -= 1 }
            summary.rejected[.duplicateExisting, default: 0] += existing.count
            var rejections = chunk.rejections
            for i in rejections.indices {
                guard let phone = rejections[i].unconfirmedPhone else { continue }
                let text = String(phone)
                if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM lead WHERE phone = ?"), arguments: [text]) == true {
                    rejections[i].reason = .duplicateExisting
                    rejections[i].detail = "\(PhoneNumber.mask(text)) is already a lead"
                }
            }
            for rejection in rejections { summary.rejected[rejection.reason, default: 0] += 1 }
            summary.warn(chunk.warnings)
            if rejects != nil {
                // The chunk's rejections in line order, any found by the insert among them.
                var all = rejections
                for i in existing {
                    let phone = chunk.rows.phoneText(i)
                    all.append(Rejection(line: chunk.rows.rows[i].line, reason: .duplicateExisting,
                                         detail: "\(PhoneNumber.mask(phone)) is already a lead", fields: chunk.rows.fields(ofRow: i)))
                }
                if !existing.isEmpty { all.sort { $0.line < $1.line } }
                for r in all { try rejects?.write(line: r.line, reason: r.reason, detail: r.detail, fields: r.fields) }
            }
            if let progress, fileBytes > 0 { progress.update(min(99, chunk.bytesRead * 100 / fileBytes)) }
            // A test's kill point: a chunk's rows written, the transaction still open.
            FaultPoint.reach("leads.import.after-chunk")
        })
        try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        ignoringChecks = false
    }
}
