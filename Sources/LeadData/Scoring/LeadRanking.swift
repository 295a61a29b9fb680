import CallOpsCore
import CallOpsStore
import Foundation

/// The order fresh work is taken in: the rule grades (A, B, C), or with `[leads] rank_by =
/// "score"` and a newest model that beats the grades on its hold-out, expected premium: the
/// learned score × the average premium of the lead's class. Leads without a score follow, in
/// grade order.
///
/// The class is SPEC section 7's: warm (缘故), referral (转介绍) or cold (陌生); a warm lead that
/// buys tends to buy more than a cold one, and the average premium of each class's won leads says
/// by how much in this center.
public enum LeadRanking {
    /// Expected premium (yuan) as SQL over `lead`: the score × its class's average premium as the
    /// newest model recorded it when trained; nil when ranking is by grade. Only the newest
    /// model's own scores count (a lead scored by an older model, one that may have lost to the
    /// grades, is unscored here). One primary-key read, so a queue stays an index seek however
    /// large the lead table.
    static func expectedPremiumSQL(_ db: Database, settings: Settings) throws -> String? {
        guard let model = try rankingModel(db, settings: settings) else { return nil }
        return "(CASE WHEN lead.propensity_model_id = \(model.id) THEN lead.propensity END) * \(model.classPremium)"
    }

    /// The model that orders the work, when `rank_by = "score"` and the newest model beats the
    /// grades' AUC on its hold-out: its id and its class premium as SQL.
    static func rankingModel(_ db: Database, settings: Settings) throws -> (id: Int64, classPremium: String)? {
        guard settings.leads.rankBy == "score",
            let row = try Row.fetchOne(db, sql: """
                SELECT id, auc, grade_auc, json_extract(card, '$.class_premiums') FROM lead_model WHERE id = (SELECT MAX(id) FROM lead_model)
                """),
            let id = try StoredValue.optional(Int64.self, row, at: 0, table: "lead_model"),
            let auc = try StoredValue.value(Double?.self, row, "auc", table: "lead_model", expected: "a number from 0 to 1 or NULL"),
            auc > (try StoredValue.value(Double?.self, row, "grade_auc", table: "lead_model", expected: "a number from 0 to 1 or NULL") ?? 0.5)
        else { return nil }
        let stored = ((try StoredValue.optional(String.self, row, at: 3, table: "lead_model")).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Double]) ?? [:]
        let all = stored["*"] ?? settings.planning.averagePremium
        func literal(_ value: Double) -> String { String(format: "%.2f", value.isFinite ? value : 0) }
        let cases = LeadClass.allCases.map { "WHEN '\($0.rawValue)' THEN \(literal(stored[$0.rawValue] ?? all))" }.joined(separator: " ")
        return (id, "(CASE lead.class \(cases) ELSE \(literal(all)) END)")
    }

    /// Whether the config asks for score ranking and the newest model earns it (beats the
    /// grades' AUC on its hold-out).
    public static func scoreRankingInForce(_ db: Database, settings: Settings) throws -> Bool {
        try expectedPremiumSQL(db, settings: settings) != nil
    }

    /// Average premium (fen) of won leads per class, and `*` for all of them; the config's
    /// planning average where nothing was sold yet. Read once, when a model is trained.
    static func classPremiums(_ db: Database, settings: Settings) throws -> [String: Int64] {
        let fallback = Money(yuan: settings.planning.averagePremium).fen
        var result: [String: Int64] = ["*": fallback]
        var total: Int64 = 0, count: Int64 = 0
        for row in try Row.fetchAll(db, sql: """
            SELECT class, SUM(premium_fen), COUNT(*) FROM lead WHERE status = 'won' AND premium_fen > 0 GROUP BY class
            """) {
            let sum: Int64 = row[1], n: Int64 = row[2]
            result[row[0]] = sum / n
            total += sum
            count += n
        }
        if count > 0 { result["*"] = total / count }
        for leadClass in LeadClass.allCases where result[leadClass.rawValue] == nil { result[leadClass.rawValue] = result["*"] }
        return result
    }

    /// The pool's order for allocation: `ORDER BY` text over `lead`.
    public static func poolOrder(_ db: Database, settings: Settings) throws -> String {
        guard let model = try rankingModel(db, settings: settings), let expected = try expectedPremiumSQL(db, settings: settings) else {
            return "grade, batch_id DESC, id"
        }
        return "(lead.propensity_model_id IS NOT \(model.id)), \(expected) DESC, grade, batch_id DESC, id"
    }

    /// With score ranking in force, the place of each of the agent's open scored leads by
    /// expected premium (0 the first); nil when ranking is by grade.
    public static func freshRanks(_ db: Database, settings: Settings, agent: Int64) throws -> [Int64: Int]? {
        guard let model = try rankingModel(db, settings: settings), let expected = try expectedPremiumSQL(db, settings: settings) else { return nil }
        let ids = try Int64.fetchAll(db, sql: """
            SELECT id FROM lead WHERE agent_id = ? AND status = 'open' AND propensity_model_id = \(model.id) ORDER BY \(expected) DESC, id
            """, arguments: [agent])
        return Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
    }
}
