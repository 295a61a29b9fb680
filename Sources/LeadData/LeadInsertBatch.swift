import CallOpsCore
import CallOpsStore
import Foundation

/// Rows of a lead file ready to insert, packed for the database thread: their values back to
/// back in one byte buffer (a tag byte, then 8 bytes for an integer or a 4-byte length and the
/// UTF-8 for text), and a small record per row that is what gets sorted. No row owns an
/// allocation, so a chunk of 65,536 rows is about 9 MB and binding it copies nothing SQLite does
/// not copy itself.
struct PackedRows: Sendable {
    /// The values after batch_id, in `LeadInsertBatch.columns` order: phone, name, gender, age,
    /// city, occupation, income_fen, married, children, external_id, extra, grade, score, class.
    static let valuesPerRow = 14

    enum Tag: UInt8 { case null, int, text }

    struct Row: Sendable {
        var line: Int
        var phone: UInt64
        var grade: LeadGrade
        /// Offset of its first value (the phone) in `bytes`.
        var offset: Int32
        /// Index of its fields in `fields` (-1 when they are not kept).
        var fieldsIndex: Int32
    }

    private(set) var bytes: [UInt8] = []
    var rows: [Row] = []
    /// The rows as they were in the file, for the rejects file (only when one is written).
    private(set) var fields: [[String]] = []

    init(capacity: Int) {
        rows.reserveCapacity(capacity)
        bytes.reserveCapacity(capacity * 128)
    }

    var count: Int { rows.count }

    /// Starts a row; its `valuesPerRow` values follow through `append`.
    mutating func startRow(line: Int, phone: UInt64, grade: LeadGrade, fields rowFields: [String]?) {
        var index: Int32 = -1
        if let rowFields {
            index = Int32(fields.count)
            fields.append(rowFields)
        }
        rows.append(Row(line: line, phone: phone, grade: grade, offset: Int32(bytes.count), fieldsIndex: index))
    }

    mutating func append(_ value: String?) {
        guard var value else {
            bytes.append(Tag.null.rawValue)
            return
        }
        bytes.append(Tag.text.rawValue)
        value.withUTF8 { text in
            appendRaw(UInt32(text.count).littleEndian)
            bytes.append(contentsOf: text)
        }
    }

    /// A value's bytes as they are in memory, copied as a typed buffer (one copy; the raw
    /// buffer's `append(contentsOf:)` went byte by byte).
    @inline(__always)
    private mutating func appendRaw<T>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
    }

    mutating func append(_ value: Int64?) {
        guard let value else {
            bytes.append(Tag.null.rawValue)
            return
        }
        bytes.append(Tag.int.rawValue)
        appendRaw(value.littleEndian)
    }

    /// Row `i`'s phone number as text.
    func phoneText(_ i: Int) -> String {
        let start = Int(rows[i].offset)
        let length = bytes[start + 1..<start + 5].withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        return String(decoding: bytes[start + 5..<start + 5 + length], as: UTF8.self)
    }

    func fields(ofRow i: Int) -> [String] {
        rows[i].fieldsIndex < 0 ? [] : fields[Int(rows[i].fieldsIndex)]
    }

    /// Puts the rows in phone order (their values stay where they are).
    mutating func sortByPhone() {
        rows.sort { $0.phone < $1.phone }
    }

    /// Reads the values of the row at `offset` in `bytes` (from `withUnsafeBytes`), calling
    /// `value` with each one's position (0-based), and returns the offset past the row.
    @inline(__always)
    static func readRow(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ value: (Int, Value) -> Void) -> Int {
        var at = offset
        for position in 0..<valuesPerRow {
            switch Tag(rawValue: bytes[at]) {
            case .int:
                value(position, .int(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 1, as: Int64.self))))
                at += 9
            case .text:
                let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 1, as: UInt32.self)))
                value(position, .text(bytes.baseAddress!.advanced(by: at + 5).assumingMemoryBound(to: UInt8.self), length))
                at += 5 + length
            case .null, nil:
                value(position, .null)
                at += 1
            }
        }
        return at
    }

    enum Value {
        case null
        case int(Int64)
        case text(UnsafePointer<UInt8>, Int)
    }
}

/// Inserts packed rows 64 at a time by one multi-row `INSERT ... ON CONFLICT DO NOTHING`:
/// SQLite opens its cursors once per batch instead of once per row (measured: the per-row
/// statement work was most of the import's time). Text is bound in place (`SQLITE_STATIC`),
/// not copied first, and cleared once the chunk is in; the batch id is part of the SQL and a
/// parameter already NULL is not bound again (a file without a gender column skips a million
/// calls). When fewer rows go in than were sent, the numbers that were already leads are looked up (`RETURNING` would say, but costs an ephemeral table per statement: 0.4 s in
/// a million rows). Rows come in phone order, so each lands in the phone index near the one
/// before.
///
/// `OR FAIL` (the phone's conflict is still DO NOTHING): a row failing another constraint ends
/// the statement with the rows before it kept, and the error ends the import, whose transaction
/// is rolled back whole (inside a caller's transaction, as the demo's, the caller must roll back
/// too). So SQLite keeps no statement journal of the pages each 64-row statement changes, as the
/// default `OR ABORT` must: it spilled to a temporary file, 965 MB written in 470,000 calls for
/// a 1,000,000-row file (README, "Lead import, where the time went").
struct LeadInsertBatch {
    static let size = 64
    static let columns = "batch_id, phone, name, gender, age, city, occupation, income_fen, married, children, external_id, extra, grade, score, class"

    private let db: Database
    private let batchID: Int64
    private let full: BulkStatement
    private let owner: BulkStatement

    init(_ db: Database, batchID: Int64) throws {
        self.db = db
        self.batchID = batchID
        self.full = try BulkStatement(db, sql: Self.sql(rows: Self.size, batchID: batchID))
        self.owner = try BulkStatement(db, sql: "SELECT 1 FROM lead WHERE phone = ? AND batch_id <> ?")
    }

    static func sql(rows: Int, batchID: Int64) -> String {
        let row = "(\(batchID)," + Array(repeating: "?", count: PackedRows.valuesPerRow).joined(separator: ",") + ")"
        return "INSERT OR FAIL INTO lead (\(columns)) VALUES " + Array(repeating: row, count: rows).joined(separator: ",")
            + " ON CONFLICT (phone) DO NOTHING"
    }

    /// Inserts `packed` in its row order; returns the indexes of rows whose number was already a lead.
    func insert(_ packed: PackedRows) throws -> [Int] {
        var existing: [Int] = []
        // Which parameters of `full` hold NULL now: all of them after a clear.
        var fullIsNull = [Bool](repeating: true, count: Self.size * PackedRows.valuesPerRow)
        try packed.bytes.withUnsafeBytes { bytes in
            // Every statement rebinds all its parameters before it runs, so the text bound in place
            // is cleared once, before this chunk's bytes go away, not after each statement.
            defer {
                full.clearBindings()
                owner.clearBindings()
            }
            var start = 0
            while start < packed.count {
                let end = min(start + Self.size, packed.count)
                if end - start == Self.size {
                    try bind(packed, start..<end, bytes, to: full, isNull: &fullIsNull)
                } else {
                    let partial = try BulkStatement(db, sql: Self.sql(rows: end - start, batchID: batchID))
                    var isNull = [Bool](repeating: true, count: (end - start) * PackedRows.valuesPerRow)
                    try bind(packed, start..<end, bytes, to: partial, isNull: &isNull)
                    partial.clearBindings()
                }
                start = end
            }
        }
        return existing

        /// Binds rows `range` and runs the statement; looks up the numbers that did not go in.
        func bind(_ packed: PackedRows, _ range: Range<Int>, _ bytes: UnsafeRawBufferPointer, to statement: BulkStatement, isNull: inout [Bool]) throws {
            isNull.withUnsafeMutableBufferPointer { isNull in
                var slot = 0
                for row in packed.rows[range] {
                    _ = PackedRows.readRow(bytes, at: Int(row.offset)) { position, value in
                        let parameter = slot + position
                        switch value {
                        case .null:
                            if !isNull[parameter] {
                                statement.bindNull(Int32(parameter + 1))
                                isNull[parameter] = true
                            }
                        case let .int(number):
                            statement.bind(Int32(parameter + 1), number)
                            isNull[parameter] = false
                        case let .text(pointer, count):
                            statement.bindStatic(Int32(parameter + 1), pointer, count: count)
                            isNull[parameter] = false
                        }
                    }
                    slot += PackedRows.valuesPerRow
                }
            }
            guard try statement.step() < range.count else { return }
            for i in range {
                _ = PackedRows.readRow(bytes, at: Int(packed.rows[i].offset)) { position, value in
                    if position == 0, case let .text(pointer, count) = value { owner.bindStatic(1, pointer, count: count) }
                }
                owner.bind(2, batchID)
                if try owner.exists() { existing.append(i) }
            }
        }
    }
}
