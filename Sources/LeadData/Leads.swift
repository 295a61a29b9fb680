import CallOpsCore
import CallOpsStore
import Foundation

/// Facts about leads and batches that other modules show or count: they hold lead ids in their
/// own tables (calls, policies) and ask here instead of naming `lead` or `lead_batch` in SQL.
public enum Leads {
    /// Ids per query: under SQLite's 32,766 variables however long the list.
    static let chunk = 10_000

    /// Runs `select` (which ends in `IN (`) on the ids, `chunk` at a time.
    static func byID(_ db: Database, ids: some Sequence<Int64>, select: String, _ read: (Row) -> Void) throws {
        let ids = Array(Set(ids))
        for start in stride(from: 0, to: ids.count, by: chunk) {
            let part = Array(ids[start..<min(start + chunk, ids.count)])
            let rows = try Row.fetchCursor(db, sql: select + databaseQuestionMarks(count: part.count) + ")", arguments: StatementArguments(part))
            while let row = try rows.next() { read(row) }
        }
    }

    /// The name of each of these leads that has one (a customer's name in renewal lists).
    public static func names(_ db: Database, ids: some Sequence<Int64>) throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        try byID(db, ids: ids, select: "SELECT id, name FROM lead WHERE name IS NOT NULL AND id IN (") { names[$0["id"]] = $0["name"] }
        return names
    }

    /// The status of each of these leads.
    public static func statuses(_ db: Database, ids: some Sequence<Int64>) throws -> [Int64: String] {
        var statuses: [Int64: String] = [:]
        try byID(db, ids: ids, select: "SELECT id, status FROM lead WHERE id IN (") { statuses[$0["id"]] = $0["status"] }
        return statuses
    }

    /// How many leads there are, or how many have this status.
    public static func count(_ db: Database, status: LeadStatus? = nil) throws -> Int {
        guard let status else { return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lead") ?? 0 }
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lead WHERE status = ?", arguments: [status.rawValue]) ?? 0
    }

    /// The lead with this phone number, if any.
    public static func id(_ db: Database, phone: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM lead WHERE phone = ?", arguments: [phone])
    }

    /// The leads whose number is on the do-not-call list, with when it was listed.
    public static func onDoNotCallList(_ db: Database) throws -> [(lead: Int64, listedAt: String)] {
        try Row.fetchAll(db, sql: "SELECT lead.id, dnc.added_at FROM lead JOIN dnc ON dnc.phone = lead.phone ORDER BY lead.id")
            .map { ($0["id"], $0["added_at"]) }
    }

    /// The newest batch's id (0 when there is none).
    public static func lastBatchID(_ db: Database) throws -> Int64 {
        try LeadBatchRecord.select(max(LeadBatchRecord.Columns.id), as: Int64.self).fetchOne(db) ?? 0
    }

    /// The batches newer than `batch`, oldest first.
    public static func batchIDs(_ db: Database, after batch: Int64) throws -> [Int64] {
        try LeadBatchRecord.filter(LeadBatchRecord.Columns.id > batch).order(LeadBatchRecord.Columns.id)
            .select(LeadBatchRecord.Columns.id, as: Int64.self).fetchAll(db)
    }

    /// The accepted leads of each batch newer than `batch`.
    public static func accepted(_ db: Database, batchesAfter batch: Int64) throws -> [Int64: Int] {
        var accepted: [Int64: Int] = [:]
        for record in try LeadBatchRecord.filter(LeadBatchRecord.Columns.id > batch).fetchAll(db) {
            accepted[record.id ?? 0] = record.accepted
        }
        return accepted
    }

    /// The leads of the batches newer than `batch`: id, batch and status.
    public static func leads(_ db: Database, batchesAfter batch: Int64) throws -> [(id: Int64, batch: Int64, status: String)] {
        try Row.fetchAll(db, sql: "SELECT id, batch_id, status FROM lead WHERE batch_id > ?", arguments: [batch])
            .map { ($0["id"], try StoredValue.int64($0, "batch_id", table: "lead"), $0["status"]) }
    }

    /// Adds a referred person as an open `referral` lead of `agent`, in the one batch of source
    /// `referral` (made on the first referral); returns the lead's id. The caller has checked the
    /// number (a valid mobile, not on the do-not-call list, not already a lead).
    public static func addReferral(
        _ db: Database, phone: String, name: String, extra: String?, grade: LeadGrade, score: Int,
        agent: Int64, referredBy customer: Int64, clock: Clock
    ) throws -> Int64 {
        let batch = try referralBatch(db, clock: clock)
        try db.execute(sql: """
            INSERT INTO lead (batch_id, phone, name, extra, grade, score, status, agent_id, assigned_at, class, referred_by)
            VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, 'referral', ?)
            """, arguments: [batch, phone, name, extra, grade.rawValue, score, agent, clock.nowTimestamp, customer])
        let lead = db.lastInsertedRowID
        try LeadBatchRecord.filter(key: batch).updateAll(db, LeadBatchRecord.Columns.rows += 1, LeadBatchRecord.Columns.accepted += 1)
        return lead
    }

    /// Referrals live in one batch of source `referral`, made on the first one.
    private static func referralBatch(_ db: Database, clock: Clock) throws -> Int64 {
        let name = "customers referral add"
        if let id = try LeadBatchRecord.filter(LeadBatchRecord.Columns.source == "referral" && LeadBatchRecord.Columns.fileName == name)
            .select(LeadBatchRecord.Columns.id, as: Int64.self).fetchOne(db) { return id }
        return try LeadBatchRecord(source: "referral", fileName: name, receivedAt: clock.nowTimestamp).inserted(db).id ?? db.lastInsertedRowID
    }
}
