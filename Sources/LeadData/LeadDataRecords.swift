import CallOpsCore
import CallOpsStore
import Foundation
import GRDB

// The lead data's tables as typed records, for the reads and writes of one row or a handful.
// The bulk paths keep their measured SQL: the lead import's rows (`LeadInsertBatch`),
// the allocation's write (`Allocation`, `AllocationGrants`), the ledger's line per lead
// (`LeadLedger.record`, a cached statement run once per call and per allocated lead).

/// A row of `lead_batch`: one delivered file and what became of its rows.
public struct LeadBatchRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "lead_batch"
    public var id: Int64?
    public var source: String
    public var fileName: String
    /// The file's SHA-256, empty for a batch made by callops (referrals).
    public var fileHash: String
    public var fileBytes: Int64?
    public var receivedAt: String
    public var costPerLeadFen: Int64
    public var rows: Int
    public var accepted: Int
    public var missingPhone: Int
    public var invalidPhone: Int
    public var duplicateInFile: Int
    public var duplicateExisting: Int
    public var dnc: Int
    public var outOfAgeRange: Int
    public var malformedRow: Int

    enum CodingKeys: String, CodingKey {
        case id, source, rows, accepted, dnc
        case fileName = "file_name"
        case fileHash = "file_hash"
        case fileBytes = "file_bytes"
        case receivedAt = "received_at"
        case costPerLeadFen = "cost_per_lead_fen"
        case missingPhone = "missing_phone"
        case invalidPhone = "invalid_phone"
        case duplicateInFile = "duplicate_in_file"
        case duplicateExisting = "duplicate_existing"
        case outOfAgeRange = "out_of_age_range"
        case malformedRow = "malformed_row"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let source = Column(CodingKeys.source)
        public static let fileName = Column(CodingKeys.fileName)
        public static let fileHash = Column(CodingKeys.fileHash)
        public static let rows = Column(CodingKeys.rows)
        public static let accepted = Column(CodingKeys.accepted)
    }

    /// A batch with no rows yet.
    public init(source: String, fileName: String, fileHash: String = "", fileBytes: Int64? = nil, receivedAt: String, costPerLead: Money = .zero) {
        self.source = source
        self.fileName = fileName
        self.fileHash = fileHash
        self.fileBytes = fileBytes
        self.receivedAt = receivedAt
        self.costPerLeadFen = costPerLead.fen
        (rows, accepted, missingPhone, invalidPhone, duplicateInFile, duplicateExisting, dnc, outOfAgeRange, malformedRow) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
    }

    /// Reads the row through `StoredValue`: text in a count or the cost is the error naming the
    /// batch and the column (through `Decodable` it read as 0).
    public init(row: Row) throws {
        let table = Self.databaseTableName
        id = try StoredValue.int64(row, "id", table: table)
        source = try StoredValue.value(String.self, row, "source", table: table, expected: "a source name")
        fileName = try StoredValue.value(String.self, row, "file_name", table: table, expected: "a file name")
        fileHash = try StoredValue.value(String.self, row, "file_hash", table: table, expected: "a SHA-256 in hex")
        fileBytes = try StoredValue.optionalInt64(row, "file_bytes", table: table)
        receivedAt = try StoredValue.value(String.self, row, "received_at", table: table, expected: "a local time")
        costPerLeadFen = try StoredValue.money(row, "cost_per_lead_fen", table: table).fen
        rows = try StoredValue.count(row, "rows", table: table)
        accepted = try StoredValue.count(row, "accepted", table: table)
        missingPhone = try StoredValue.count(row, "missing_phone", table: table)
        invalidPhone = try StoredValue.count(row, "invalid_phone", table: table)
        duplicateInFile = try StoredValue.count(row, "duplicate_in_file", table: table)
        duplicateExisting = try StoredValue.count(row, "duplicate_existing", table: table)
        dnc = try StoredValue.count(row, "dnc", table: table)
        outOfAgeRange = try StoredValue.count(row, "out_of_age_range", table: table)
        malformedRow = try StoredValue.count(row, "malformed_row", table: table)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A line of `lead_ledger` (append-only: inserted, never updated or deleted).
public struct LeadLedgerRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "lead_ledger"
    public var id: Int64?
    public var leadID: Int64
    public var at: String
    /// `assigned`, `released`, `recycled`, `retired` or `state`.
    public var event: String
    public var agentID: Int64?
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case id, at, event, reason
        case leadID = "lead_id"
        case agentID = "agent_id"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let leadID = Column(CodingKeys.leadID)
        public static let event = Column(CodingKeys.event)
        public static let agentID = Column(CodingKeys.agentID)
    }

    public init(id: Int64? = nil, leadID: Int64, at: String, event: String, agentID: Int64?, reason: String) {
        self.id = id
        self.leadID = leadID
        self.at = at
        self.event = event
        self.agentID = agentID
        self.reason = reason
    }

    /// Reads the line through `StoredValue`: text in `lead_id` or `agent_id` names the line.
    public init(row: Row) throws {
        let table = Self.databaseTableName
        id = try StoredValue.int64(row, "id", table: table)
        leadID = try StoredValue.int64(row, "lead_id", table: table)
        at = try StoredValue.value(String.self, row, "at", table: table, expected: "a local time")
        event = try StoredValue.value(String.self, row, "event", table: table, expected: "a ledger event")
        agentID = try StoredValue.optionalInt64(row, "agent_id", table: table)
        reason = try StoredValue.value(String.self, row, "reason", table: table, expected: "a reason")
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension DerivableRequest<LeadLedgerRecord> {
    /// One lead's lines, oldest first.
    public func forLead(_ lead: Int64) -> Self {
        filter(LeadLedgerRecord.Columns.leadID == lead).order(LeadLedgerRecord.Columns.id)
    }
}
