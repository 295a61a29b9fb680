import CallOpsCore
import CallOpsStore
import Foundation

/// Accepted rows of a lead file, inserted 64 at a time by one multi-row `INSERT ... ON CONFLICT
/// DO NOTHING RETURNING phone`: SQLite opens its cursors once per batch instead of once per row
/// (measured: the per-row statement work was most of the import's time). A row whose phone does
/// not come back was already a lead. Rows wait in chunks and go in phone order, so that each
/// insert lands in the phone index near the one before instead of anywhere in it.
struct LeadInsertBatch {
    static let size = 64
    static let chunk = 65_536
    static let columns = "batch_id, phone, name, gender, age, city, occupation, income_fen, married, children, external_id, extra, grade, score"

    enum Value {
        case text(String?)
        case int(Int64?)
    }

    struct Pending {
        var line: Int
        var phone: String
        /// The 12 values after batch_id and phone, in `columns` order.
        var values: [Value]
        var rawFields: [String]
        var grade: LeadGrade
    }

    private let db: Database
    private let batchID: Int64
    private let full: BulkStatement
    private var pending: [Pending] = []

    init(_ db: Database, batchID: Int64) throws {
        self.db = db
        self.batchID = batchID
        self.full = try BulkStatement(db, sql: Self.sql(rows: Self.size))
        pending.reserveCapacity(Self.chunk)
    }

    static func sql(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: 14).joined(separator: ",") + ")"
        return "INSERT INTO lead (\(columns)) VALUES " + Array(repeating: row, count: rows).joined(separator: ",")
            + " ON CONFLICT (phone) DO NOTHING RETURNING phone"
    }

    /// Queues a row; a full batch is written at once.
    mutating func add(_ row: Pending, existing: (Pending) throws -> Void, accepted: (Pending) -> Void) throws {
        pending.append(row)
        if pending.count == Self.chunk { try flush(existing: existing, accepted: accepted) }
    }

    /// Writes what is queued, in phone order.
    mutating func flush(existing: (Pending) throws -> Void, accepted: (Pending) -> Void) throws {
        pending.sort { $0.phone < $1.phone }
        var start = 0
        while start < pending.count {
            let end = min(start + Self.size, pending.count)
            try write(pending[start..<end], existing: existing, accepted: accepted)
            start = end
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func write(_ rows: ArraySlice<Pending>, existing: (Pending) throws -> Void, accepted: (Pending) -> Void) throws {
        let statement = rows.count == Self.size ? full : try BulkStatement(db, sql: Self.sql(rows: rows.count))
        var index: Int32 = 1
        for row in rows {
            statement.bind(index, batchID)
            statement.bind(index + 1, row.phone)
            index += 2
            for value in row.values {
                switch value {
                case let .text(text): statement.bind(index, text)
                case let .int(number): statement.bind(index, number)
                }
                index += 1
            }
        }
        let inserted = Set(try statement.returningText())
        for row in rows {
            if inserted.contains(row.phone) { accepted(row) } else { try existing(row) }
        }
    }
}
