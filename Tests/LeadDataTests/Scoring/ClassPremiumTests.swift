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
