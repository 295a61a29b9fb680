import CallOpsCore
import CallOpsStore
import Foundation
import GRDB
import Testing

@testable import LeadData

/// A sold lead is a dialed and contacted lead in every `leads stats` grouping (an outside audit
/// found `--by class` at 200%: two leads sold, one of them with `sales record` and no call, over
/// one contact).
@Suite struct LeadStatsFunnelTests {
    /// Three leads of one batch: 甲 called, contacted and sold; 乙 sold with no call logged; 丙 untouched.
    func funnel() throws -> LeadFixture {
        let f = try LeadFixture()
        _ = try f.importLeads(try f.write("leads.csv", "phone,name\n13900006000,甲\n13900006001,乙\n13900006002,丙\n"), source: "平安合作")
        try f.db.transaction { db in
            try db.execute(sql: """
                INSERT INTO lead_model (id, trained_at, leads, sales, auc, grade_auc, card, model)
                VALUES (1, '2026-11-20T10:00:00', 300, 210, 0.7, 0.5, '{}', '{}')
                """)
            try db.execute(sql: "UPDATE lead SET propensity = 0.5, propensity_model_id = 1")
            try db.execute(sql: """
                UPDATE lead SET attempts = 1, last_contact_at = '2026-11-21T10:00:00', status = 'won', closed_at = '2026-11-21T10:05:00',
                premium_fen = 70000 WHERE phone = '13900006000'
                """)
            try db.execute(sql: """
                UPDATE lead SET status = 'won', closed_at = '2026-11-22T10:00:00', premium_fen = 70000 WHERE phone = '13900006001'
                """)
        }
        return f
    }

    @Test func byBatchAndBySourceASaleIsAContact() throws {
        let f = try funnel()
        for rows in [try f.db.read { db in try LeadStats.batches(db) }, try f.db.read { db in try LeadStats.batches(db, source: "平安合作") },
                     try f.db.read { db in try LeadStats.batches(db, batch: 1) }] {
            let row = try #require(rows.first)
            #expect(rows.count == 1)
            #expect(row.sold == 2 && row.contacted == 2 && row.dialed == 2, "\(row)")
        }
    }

    @Test func byClassTheConversionIsAFraction() throws {
        let f = try funnel()
        let cold = try #require(try f.db.read { db in try LeadStats.byClass(db) }.first { $0.leadClass == "cold" })
        #expect(cold.sold == 2 && cold.contacted == 2 && cold.dialed == 2, "\(cold)")
        #expect(cold.conversionRate == 1)
        let bySource = try #require(try f.db.read { db in try LeadStats.byClass(db, source: "平安合作") }.first { $0.leadClass == "cold" })
        #expect(bySource.conversionRate == 1)
    }

    @Test func byScoreDecileASaleAfterTheModelIsAContactAfterIt() throws {
        let f = try funnel()
        let deciles = try f.db.read { db in try LeadScoring.deciles(db, batch: nil) }
        #expect(deciles.map(\.sold).reduce(0, +) == 2)
        #expect(deciles.map(\.contacted).reduce(0, +) == 2)
        for decile in deciles { #expect(decile.contacted >= decile.sold, "\(decile)") }
    }
}
