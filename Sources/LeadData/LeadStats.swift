import CallOpsCore
import CallOpsStore
import Foundation

/// How a batch (and so its vendor) performed: from rows bought to premium sold. The batch's own
/// columns are its stored record (`stats.source`, `stats.rows` read through it); the figures
/// summed over its leads are the query's.
@dynamicMemberLookup
public struct BatchStats: Encodable, Equatable, Sendable {
    public var batch: LeadBatchRecord
    public var allocated: Int
    public var dialed: Int
    public var contacted: Int
    public var effective: Int
    public var interested: Int
    public var sold: Int
    public var premiumFen: Int64

    public subscript<T>(dynamicMember keyPath: KeyPath<LeadBatchRecord, T>) -> T { batch[keyPath: keyPath] }

    public var batchID: Int64 { batch.id ?? 0 }
    /// What the batch cost: cost per lead × rows delivered (a vendor bills for what it sends).
    public var costFen: Int64 { batch.costPerLeadFen * Int64(batch.rows) }
    public var premium: Money { Money(fen: premiumFen) }
    public var cost: Money { Money(fen: costFen) }
    /// Cost per sale; nil when nothing sold.
    public var costPerSale: Money? { sold > 0 ? Money(fen: costFen / Int64(sold)) : nil }
    /// Premium per accepted lead; nil when none accepted.
    public var premiumPerLead: Money? { batch.accepted > 0 ? Money(fen: premiumFen / Int64(batch.accepted)) : nil }
    /// Data usage rate: leads dialed / leads allocated.
    public var dataUsageRate: Double? { allocated > 0 ? Double(dialed) / Double(allocated) : nil }
    public var rejected: Int { batch.rows - batch.accepted }
    /// The rejects by reason in SPEC section 5's order, those that occurred: `invalid_phone 2, dnc 1`, or `-`.
    public var rejectsByReason: String {
        let counts = [("malformed_row", batch.malformedRow), ("missing_phone", batch.missingPhone), ("invalid_phone", batch.invalidPhone),
                      ("duplicate_in_file", batch.duplicateInFile), ("duplicate_existing", batch.duplicateExisting), ("dnc", batch.dnc),
                      ("out_of_age_range", batch.outOfAgeRange)].filter { $0.1 > 0 }
        return counts.isEmpty ? "-" : counts.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
    }

    /// The contract of SPEC section 13, plus the rest: money in yuan, rates as fractions.
    public func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey {
            case batchID = "batch_id", source, fileName = "file_name", receivedAt = "received_at", rows, accepted, rejected
            case allocated, dialed, contacted, effective, interested, sold, premium, cost
            case costPerSale = "cost_per_sale", premiumPerLead = "premium_per_lead", dataUsageRate = "data_usage_rate"
        }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(batchID, forKey: .batchID)
        try c.encode(batch.source, forKey: .source)
        try c.encode(batch.fileName, forKey: .fileName)
        try c.encode(batch.receivedAt, forKey: .receivedAt)
        try c.encode(batch.rows, forKey: .rows)
        try c.encode(batch.accepted, forKey: .accepted)
        try c.encode([
            "missing_phone": batch.missingPhone, "invalid_phone": batch.invalidPhone, "duplicate_in_file": batch.duplicateInFile,
            "duplicate_existing": batch.duplicateExisting, "dnc": batch.dnc, "out_of_age_range": batch.outOfAgeRange, "malformed_row": batch.malformedRow,
        ], forKey: .rejected)
        try c.encode(allocated, forKey: .allocated)
        try c.encode(dialed, forKey: .dialed)
        try c.encode(contacted, forKey: .contacted)
        try c.encode(effective, forKey: .effective)
        try c.encode(interested, forKey: .interested)
        try c.encode(sold, forKey: .sold)
        try c.encode(premium.yuan, forKey: .premium)
        try c.encode(cost.yuan, forKey: .cost)
        try c.encode(costPerSale?.yuan, forKey: .costPerSale)
        try c.encode(premiumPerLead?.yuan, forKey: .premiumPerLead)
        try c.encode(dataUsageRate, forKey: .dataUsageRate)
    }
}

/// `callops leads stats`.
public enum LeadStats {
    /// A lead worked, as SQL on `lead AS l`: dialed, or sold. A sale recorded with `sales record`
    /// logs no call, yet nobody sells without reaching the customer (the seat report counts the
    /// same sale as a lead worked), so every grouping's funnel keeps sold ≤ contacted ≤ dialed and
    /// no rate over them exceeds 1.
    static let dialedSQL = "l.attempts > 0 OR l.status = 'won'"
    /// A lead contacted, as SQL on `lead AS l`: a contact logged, or a sale (see `dialedSQL`).
    static let contactedSQL = "l.last_contact_at IS NOT NULL OR l.status = 'won'"

    /// One row per batch, newest first; only one batch or one source when given.
    public static func batches(_ db: Database, batch: Int64? = nil, source: String? = nil) throws -> [BatchStats] {
        try LeadCost.validateCosts(db)
        try verifyReportedColumns(db, batch: batch, source: source)
        return try Row.fetchAll(db, sql: """
            SELECT b.*,
                (SELECT COUNT(DISTINCT g.lead_id) FROM lead_ledger g JOIN lead x ON x.id = g.lead_id
                    WHERE x.batch_id = b.id AND g.event = 'assigned') AS allocated,
                COALESCE(SUM(\(LeadStats.dialedSQL)), 0) AS dialed,
                COALESCE(SUM(\(LeadStats.contactedSQL)), 0) AS contacted,
                COALESCE(SUM(l.effective_at IS NOT NULL), 0) AS effective,
                COALESCE(SUM(l.interested_at IS NOT NULL), 0) AS interested,
                COALESCE(SUM(l.status = 'won'), 0) AS sold,
                COALESCE(SUM(l.premium_fen), 0) AS premium_fen
            FROM lead_batch b LEFT JOIN lead l ON l.batch_id = b.id
            WHERE (?1 IS NULL OR b.id = ?1) AND (?2 IS NULL OR b.source = ?2)
            GROUP BY b.id ORDER BY b.id DESC
            """, arguments: [batch, source]).map { try BatchStats(row: $0, db) }
    }
}

extension LeadStats {
    /// The ids of one batch's or one source's leads (both: the batch's, if it is that source's),
    /// for figures kept by other modules; nil when neither is given (every lead). Ids cross the
    /// module boundary, never SQL text naming `lead` or `lead_batch`.
    public static func leadIDs(_ db: Database, batch: Int64?, source: String?) throws -> [Int64]? {
        guard batch != nil || source != nil else { return nil }
        return try Int64.fetchAll(db, sql: """
            SELECT lead.id FROM lead JOIN lead_batch ON lead_batch.id = lead.batch_id
            WHERE (?1 IS NULL OR lead.batch_id = ?1) AND (?2 IS NULL OR lead_batch.source = ?2) ORDER BY lead.id
            """, arguments: [batch, source])
    }

    /// Leads allocated per agent over [from, to): distinct leads of the allocation grants.
    public static func allocatedPerAgent(_ db: Database, from: String, to: String) throws -> [Int64: Int] {
        try AllocationGrants.distinctLeads(db, from: from, to: to)
    }
}

extension LeadStats {
    /// Distinct leads assigned over [from, to) to any agent of each group (the seat report's
    /// team and center rows), in the groups' order: a lead recycled and allocated again in the
    /// period counts once. One read of the period's allocation grants for all the groups.
    public static func allocatedLeads(_ db: Database, from: String, to: String, groups: [[Int64]]) throws -> [Int] {
        try AllocationGrants.distinctLeads(db, from: from, to: to, groups: groups)
    }

    /// Leads accepted over every batch (plan sizing's leads per sale).
    public static func acceptedLeads(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(accepted), 0) FROM lead_batch") ?? 0
    }
}

extension BatchStats {
    /// Reads the batch's stored columns through `LeadBatchRecord` (text in a count of
    /// `lead_batch` read as 0 through `Decodable`); the premium summed over its leads names the
    /// first lead whose premium is not whole fen (SUM reads text as 0).
    init(row: Row, _ db: Database) throws {
        batch = try LeadBatchRecord(row: row)
        (allocated, dialed, contacted) = (row["allocated"], row["dialed"], row["contacted"])
        (effective, interested, sold) = (row["effective"], row["interested"], row["sold"])
        premiumFen = try StoredValue.sum(db, row, "premium_fen", table: "lead")
    }
}

extension BatchStats: TabularRow {
    public static var blank: BatchStats {
        BatchStats(batch: LeadBatchRecord(source: "", fileName: "", receivedAt: ""), allocated: 0, dialed: 0, contacted: 0, effective: 0,
                   interested: 0, sold: 0, premiumFen: 0)
    }
}

extension LeadStats {
    /// The guard before the lead reports (`leads stats`, by batch, class or score decile): the
    /// reports count by `status = 'won'` and group by class, so a status or class no callops
    /// writes (an outside tool's, past the CHECK) dropped a sale or a lead without a word; and
    /// the deciles order by propensity, where text or a number outside 0 to 1 moved a lead
    /// between deciles. The first such lead of the report's leads (one batch, one source, or
    /// every lead: the rows the report reads anyway) is the named `StoredValueError`.
    public static func verifyReportedColumns(_ db: Database, batch: Int64?, source: String?, propensity: Bool = false) throws {
        let statuses = LeadStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let classes = LeadClass.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let badStatus = "(status IS NULL OR status NOT IN (\(statuses)))"
        let badClass = "(class IS NULL OR class NOT IN (\(classes)))"
        let badPropensity = propensity
            ? "(propensity IS NOT NULL AND (typeof(propensity) NOT IN ('real', 'integer') OR propensity < 0 OR propensity > 1))" : "0"
        guard let row = try Row.fetchOne(db, sql: """
            SELECT id, status, class, propensity, \(badStatus) AS bad_status, \(badClass) AS bad_class
            FROM lead
            WHERE (?1 IS NULL OR batch_id = ?1) AND (?2 IS NULL OR batch_id IN (SELECT id FROM lead_batch WHERE source = ?2))
              AND (\(badStatus) OR \(badClass) OR \(badPropensity))
            LIMIT 1
            """, arguments: [batch, source]) else { return }
        let (column, expected) = row["bad_status"] as Int64? == 1
            ? ("status", "one of " + LeadStatus.allCases.map(\.rawValue).joined(separator: ", "))
            : row["bad_class"] as Int64? == 1 ? ("class", "one of " + LeadClass.allCases.map(\.rawValue).joined(separator: ", "))
            : ("propensity", "a number from 0 to 1 or NULL")
        throw StoredValueError(table: "lead", row: StoredValue.text(row, "id"), column: column,
                               value: StoredValue.text(row, column), expected: expected)
    }
}
