import CallOpsCore
import CallOpsStore
import Foundation
import GRDB
import Testing

@testable import LeadData

/// Expected premium takes SPEC section 7's classes (warm, referral, cold): each class's average
/// premium of won leads, the center's average for a class with none sold.
@Suite struct ClassPremiumTests {
    @Test func eachClassHasItsOwnAveragePremium() throws {
        let f = try LeadFixture()
        var text = "phone,name,class\n"
        for i in 0..<6 { text += "1390000100\(i),客户\(i),\(i < 2 ? "缘故" : "陌生")\n" }
        _ = try f.importLeads(try f.write("leads.csv", text))
        try f.db.transaction { db in
            // Two warm buyers at 5,000 and 3,000; two cold ones at 1,000; one cold lead lost.
            for (phone, fen) in [("13900001000", 500_000), ("13900001001", 300_000), ("13900001002", 100_000), ("13900001003", 100_000)] {
                try db.execute(sql: "UPDATE lead SET status = 'won', premium_fen = ? WHERE phone = ?", arguments: [fen, phone])
            }
            try db.execute(sql: "UPDATE lead SET status = 'lost' WHERE phone = '13900001004'")
        }
        let premiums = try f.db.read { db in try LeadRanking.classPremiums(db, settings: f.settings) }
        #expect(premiums["warm"] == 400_000)
        #expect(premiums["cold"] == 100_000)
        #expect(premiums["referral"] == 250_000, "no referral sold: the center's average")
        #expect(premiums["*"] == 250_000)
    }
}

/// Only the newest model's own scores order the work (an audit found leads ordered by the scores
/// of an older model that had lost to the grades).
@Suite struct RankingModelTests {
    @Test func scoresOfAnOlderModelDoNotOrderTheWork() throws {
        let f = try LeadFixture()
        var text = "phone,name\n"
        for i in 0..<4 { text += "1390000200\(i),客户\(i)\n" }
        _ = try f.importLeads(try f.write("leads.csv", text))
        f.settings.leads.rankBy = "score"
        let order = try f.db.transaction { db -> [String] in
            // Model 1 lost to the grades; model 2, the newest, beats them.
            for (id, auc) in [(1, 0.51), (2, 0.74)] {
                try db.execute(sql: """
                    INSERT INTO lead_model (id, trained_at, leads, sales, auc, grade_auc, card, model)
                    VALUES (?, '2026-11-20T10:00:00', 300, 210, ?, 0.53, '{"class_premiums": {"*": 2000}}', '{}')
                    """, arguments: [id, auc])
            }
            // Leads 0 and 1 scored by the old model (high scores), 2 and 3 by the newest.
            for (i, model, p) in [(0, 1, 0.9), (1, 1, 0.8), (2, 2, 0.2), (3, 2, 0.4)] {
                try db.execute(sql: "UPDATE lead SET propensity = ?, propensity_model_id = ? WHERE phone = ?",
                               arguments: [p, model, "1390000200\(i)"])
            }
            let order = try LeadRanking.poolOrder(db, settings: f.settings)
            return try String.fetchAll(db, sql: "SELECT phone FROM lead ORDER BY \(order)")
        }
        #expect(Array(order.prefix(2)) == ["13900002003", "13900002002"], "\(order)")
    }
}

/// A file column named like one of the lead's own fields never takes its place (an audit found a
/// vendor's `来源` column replacing the batch's source in training, scores and `leads why`).
@Suite struct FileColumnNameTests {
    @Test func aVendorsSourceColumnIsAFeatureOfItsOwn() throws {
        let f = try LeadFixture()
        _ = try f.importLeads(try f.write("leads.csv", "phone,name,来源\n13900003000,客户,平安合作渠道\n"), source: "低价名单")
        let record = try #require(try f.db.read { db in try LeadScoring.record(db, lead: 1) })
        #expect(record["来源"] == "低价名单")
        #expect(record["来源 (文件列)"] == "平安合作渠道")
    }
}

/// `leads stats --by score-decile` judges a model on what came after it (an audit found contacts
/// made before the model counted).
@Suite struct ScoreDecileAfterTheFactTests {
    @Test func onlyContactsAndSalesAfterTheModelCount() throws {
        let f = try LeadFixture()
        _ = try f.importLeads(try f.write("leads.csv", "phone,name\n13900004000,甲\n13900004001,乙\n13900004002,丙\n"))
        let deciles = try f.db.transaction { db -> [ScoreDecileStats] in
            try db.execute(sql: """
                INSERT INTO lead_model (id, trained_at, leads, sales, auc, grade_auc, card, model)
                VALUES (1, '2026-11-20T10:00:00', 300, 210, 0.7, 0.5, '{}', '{}')
                """)
            try db.execute(sql: "UPDATE lead SET propensity = 0.5, propensity_model_id = 1")
            // 甲 was contacted before the model only; 乙 after it; 丙 bought after it.
            try db.execute(sql: "UPDATE lead SET last_contact_at = '2026-11-19T10:00:00' WHERE phone = '13900004000'")
            try db.execute(sql: "UPDATE lead SET last_contact_at = '2026-11-21T10:00:00' WHERE phone = '13900004001'")
            try db.execute(sql: """
                UPDATE lead SET last_contact_at = '2026-11-22T10:00:00', status = 'won', closed_at = '2026-11-22T10:00:00', premium_fen = 300000
                WHERE phone = '13900004002'
                """)
            return try LeadScoring.deciles(db, batch: nil)
        }
        #expect(deciles.map(\.leads).reduce(0, +) == 3)
        #expect(deciles.map(\.contacted).reduce(0, +) == 2)
        #expect(deciles.map(\.sold).reduce(0, +) == 1)
        // An unknown batch is refused, as `leads score apply` refuses it.
        #expect(throws: CallOpsError.self) { try f.db.read { db in try LeadScoring.deciles(db, batch: 99) } }
    }
}

/// An age no one can be is a known age out of range, not a missing one (outside audit of issue 14:
/// age -1 was graded C).
@Suite struct ImpossibleAgeTests {
    @Test func wholeNumbersNoOneCanBeAreOutOfAgeRange() throws {
        let f = try LeadFixture()
        let summary = try f.importLeads(try f.write("leads.csv", """
            phone,name,age
            13900005000,甲,-1
            13900005001,乙,200
            13900005002,丙,99999999999999999999
            13900005003,丁,不详
            13900005004,戊,30岁
            """))
        #expect(summary.rejected[.outOfAgeRange] == 3)
        #expect(summary.accepted == 2)
    }
}
