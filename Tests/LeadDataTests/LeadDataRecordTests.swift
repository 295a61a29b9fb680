import CallOpsCore
import CallOpsStore
import Foundation
import GRDB
import Roster
import Testing

@testable import LeadData

/// The lead data's typed records write the columns SPEC section 2 names and read them back.
@Suite struct LeadDataRecordTests {
    /// A trained model's row in SPEC section 2's columns; `newest` decodes its card and weights.
    @Test func aLeadModelRoundTrips() throws {
        let db = try AppDatabase.inMemory(schema: LeadDataSchema.migrations)
        try db.transaction { db in
            var first = LeadModelRecord(trainedAt: "2026-11-01T09:00:00", since: nil, leads: 10, sales: 1, auc: 0.7, gradeAUC: nil, card: "{}", model: "{}")
            try first.insert(db)
            var second = first
            second.id = nil
            second.trainedAt = "2026-11-02T09:00:00"
            second.since = "2026-06-01"
            try second.insert(db)
            #expect(first.id == 1 && second.id == 2)
            #expect(try LeadModelRecord.fetchOne(db, key: 1) == first)
            #expect(try LeadModelRecord.all().newestFirst().fetchOne(db) == second)
            let stored = try #require(try Row.fetchOne(db, sql: """
                SELECT trained_at, since, typeof(leads) AS l, typeof(sales) AS s, typeof(auc) AS a, typeof(grade_auc) AS g FROM lead_model WHERE id = 2
                """))
            #expect(stored == ["trained_at": "2026-11-02T09:00:00", "since": "2026-06-01", "l": "integer", "s": "integer", "a": "real", "g": "null"])
            // A card that does not decode is refused with the row's name (what `newest` did before).
            #expect(throws: CallOpsError.self) { try LeadScoring.newest(db) }
        }
    }

    @Test func aBatchALedgerLineAndADNCEntryRoundTrip() throws {
        let db = try AppDatabase.inMemory(schema: LeadDataSchema.migrations)
        try db.transaction { db in
            var batch = LeadBatchRecord(source: "vendor", fileName: "leads.csv", fileHash: "ab", fileBytes: 120, receivedAt: "2026-11-23T10:00:00",
                                        costPerLead: Money(yuan: 1.5))
            batch.rows = 3
            batch.accepted = 2
            batch.invalidPhone = 1
            try batch.insert(db)
            #expect(batch.id == 1)
            #expect(try LeadBatchRecord.fetchOne(db, key: 1) == batch)
            // The names outside readers use (the sqlite3 shell, BI tools).
            let stored = try Row.fetchOne(db, sql: "SELECT source, file_name, cost_per_lead_fen, rows, accepted, invalid_phone FROM lead_batch")!
            #expect(stored == ["source": "vendor", "file_name": "leads.csv", "cost_per_lead_fen": 150, "rows": 3, "accepted": 2, "invalid_phone": 1])
            #expect(try Leads.lastBatchID(db) == 1 && Leads.batchIDs(db, after: 0) == [1] && Leads.accepted(db, batchesAfter: 0) == [1: 2])

            try db.execute(sql: "INSERT INTO lead (batch_id, phone, grade, score) VALUES (1, '13900000001', 'B', 50)")
            var line = LeadLedgerRecord(leadID: 1, at: "2026-11-23T10:00:00", event: "state", agentID: nil, reason: "test")
            try line.insert(db)
            #expect(try LeadLedgerRecord.all().forLead(1).fetchAll(db) == [line])
            #expect(try LeadLedger.history(db, lead: 1).map(\.reason) == ["test"])

            let entry = DoNotCall.Entry(phone: "13900000001", addedAt: "2026-11-23T10:00:00", source: "customer")
            try entry.insert(db)
            #expect(try DoNotCall.entries(db) == [entry] && DoNotCall.contains(db, phone: "13900000001"))
            #expect(try !DoNotCall.contains(db, phone: "13900000002"))
        }
    }
}
