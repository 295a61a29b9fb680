import CallOpsCore
import CallOpsStore
import Foundation

/// A lead's class (seed 003: 缘故 warm, 转介绍 referral, 陌生 cold).
public enum LeadClass: String, Codable, CaseIterable, Sendable {
    case warm, referral, cold

    /// Reads the English word or the seed's Chinese one (缘故, 转介/转介绍, 陌生).
    public init?(text: String) {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "warm", "缘故": self = .warm
        case "referral", "转介", "转介绍": self = .referral
        case "cold", "陌生": self = .cold
        default: return nil
        }
    }
}

extension LeadDataSchema {
    /// Every lead has a class (`cold` for what was bought); a referral names the customer who gave it.
    static let classMigration = Migration("leads.class") { db in
        try db.execute(sql: """
            ALTER TABLE lead ADD COLUMN class TEXT NOT NULL DEFAULT 'cold' CHECK (class IN ('warm', 'referral', 'cold'));
            ALTER TABLE lead ADD COLUMN referred_by INTEGER REFERENCES lead(id);
            """)
    }
}

/// One class's leads from bought to sold (`leads stats --by class`).
public struct ClassStats: Encodable, Equatable, Sendable {
    public var leadClass: String
    public var leads: Int
    public var allocated: Int
    public var dialed: Int
    public var contacted: Int
    public var sold: Int
    public var premium: Money
    /// Sold over dialed (leads worked, a sale included); nil when none was dialed.
    public var conversionRate: Double? { dialed > 0 ? Double(sold) / Double(dialed) : nil }

    enum CodingKeys: String, CodingKey {
        case leadClass = "class", leads, allocated, dialed, contacted, sold, premium
        case conversionRate = "conversion_rate"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(leadClass, forKey: .leadClass)
        try c.encode(leads, forKey: .leads)
        try c.encode(allocated, forKey: .allocated)
        try c.encode(dialed, forKey: .dialed)
        try c.encode(contacted, forKey: .contacted)
        try c.encode(sold, forKey: .sold)
        try c.encode(premium.yuan, forKey: .premium)
        try c.encode(conversionRate, forKey: .conversionRate)
    }
}

extension LeadStats {
    /// One row per class (warm, referral, cold), every class present; only one batch's or one
    /// source's leads when given.
    public static func byClass(_ db: Database, batch: Int64? = nil, source: String? = nil) throws -> [ClassStats] {
        try LeadStats.verifyReportedColumns(db, batch: batch, source: source)
        var rows: [String: ClassStats] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT l.class, COUNT(*) AS leads,
                (SELECT COUNT(DISTINCT g.lead_id) FROM lead_ledger g JOIN lead x ON x.id = g.lead_id JOIN lead_batch y ON y.id = x.batch_id
                    WHERE x.class = l.class AND g.event = 'assigned' AND (?1 IS NULL OR x.batch_id = ?1) AND (?2 IS NULL OR y.source = ?2)) AS allocated,
                COALESCE(SUM(\(LeadStats.dialedSQL)), 0) AS dialed,
                COALESCE(SUM(\(LeadStats.contactedSQL)), 0) AS contacted,
                COALESCE(SUM(l.status = 'won'), 0) AS sold,
                COALESCE(SUM(l.premium_fen), 0) AS premium_fen
            FROM lead l JOIN lead_batch b ON b.id = l.batch_id
            WHERE (?1 IS NULL OR l.batch_id = ?1) AND (?2 IS NULL OR b.source = ?2)
            GROUP BY l.class
            """, arguments: [batch, source]) {
            let name: String = row["class"]
            rows[name] = ClassStats(leadClass: name, leads: row["leads"], allocated: row["allocated"], dialed: row["dialed"],
                                    contacted: row["contacted"], sold: row["sold"],
                                    premium: Money(fen: try StoredValue.sum(db, row, "premium_fen", table: "lead")))
        }
        return LeadClass.allCases.map { rows[$0.rawValue] ?? ClassStats(leadClass: $0.rawValue, leads: 0, allocated: 0, dialed: 0, contacted: 0, sold: 0, premium: .zero) }
    }
}

extension ClassStats: TabularRow {
    public static var blank: ClassStats { ClassStats(leadClass: "", leads: 0, allocated: 0, dialed: 0, contacted: 0, sold: 0, premium: .zero) }
}

extension LeadStats {
    /// The class of each of these leads (the seat report's `--by class`), the ids passed as one
    /// JSON array through `json_each`: ids cross the module boundary, never SQL naming `lead`.
    public static func classes(_ db: Database, leads: [Int64]) throws -> [Int64: LeadClass] {
        guard !leads.isEmpty else { return [:] }
        var result: [Int64: LeadClass] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, class FROM lead WHERE id IN (SELECT value FROM json_each(?))",
                                    arguments: ["[" + leads.map(String.init).joined(separator: ",") + "]"]) {
            let id = try StoredValue.int64(row, "id", table: "lead")
            result[id] = try StoredValue.enum(LeadClass.self, row, "class", table: "lead")
        }
        return result
    }
}
