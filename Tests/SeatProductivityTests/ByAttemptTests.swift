import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import LeadData
import Roster
import Testing

/// `leads stats --by attempt` on real data: UCI Bank Marketing's clients, each given `campaign`
/// calls, the last one a sale when `y` is yes.
@Suite struct ByAttemptTests {
    static let data = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/bank_marketing/bank-full.csv")

    @Test(.enabled(if: FileManager.default.fileExists(atPath: data.path), "needs ../shared/data/bank_marketing/bank-full.csv; absent here"))
    func reproducesBankMarketingRates() throws {
        let data = Self.data
        var reader = try CSVReader(path: data.path, delimiter: UInt8(ascii: ";"))
        let header = CSVHeader(try reader.next()!.fields)
        let campaign = header.column("campaign")!, y = header.column("y")!
        var clients: [(calls: Int, bought: Bool)] = []
        while let record = try reader.next() { clients.append((Int(record[campaign])!, record[y] == "yes")) }
        #expect(clients.count == 45_211)
        // Straight from the file: calls reaching attempt k, and sales made on attempt k.
        let most = clients.map(\.calls).max()!
        var expectedCalls = [Int](repeating: 0, count: most + 1), expectedSales = expectedCalls
        for c in clients {
            for k in 1...c.calls { expectedCalls[k] += 1 }
            if c.bought { expectedSales[c.calls] += 1 }
        }

        let db = try AppDatabase.inMemory(schema: FollowUpSchema.migrations)
        try db.transaction { db in
            try db.execute(sql: """
                INSERT INTO team (name) VALUES ('t');
                INSERT INTO agent (code, name, team_id, hire_date, status) VALUES ('A1', 'a', 1, '2020-01-01', 'active');
                INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('bank', 'bank-full.csv', 'x', '2014-01-01T00:00:00');
                """)
            let lead = try db.makeStatement(sql: "INSERT INTO lead (id, batch_id, phone, grade, score, status) VALUES (?, 1, ?, 'B', 0, ?)")
            let call = try db.makeStatement(sql: """
                INSERT INTO call (call_id, lead_id, agent_id, started_at, talk_seconds, disposition, contact, effective)
                VALUES (?, ?, 1, ?, 120, ?, 1, 1)
                """)
            for (i, c) in clients.enumerated() {
                try lead.execute(arguments: [i + 1, String(13_000_000_000 + i), c.bought ? "won" : "exhausted"])
                for k in 1...c.calls {
                    let sale = c.bought && k == c.calls
                    try call.execute(arguments: ["\(i)-\(k)", i + 1, String(format: "2014-05-01T%02d:%02d:00", k / 60, k % 60), sale ? "sale" : "connected"])
                }
            }
        }
        let rates = try db.read { db in try ActivityFigures.byAttempt(db) }
        #expect(rates.count == most)
        for rate in rates {
            #expect(rate.calls == expectedCalls[rate.attempt] && rate.sales == expectedSales[rate.attempt])
            #expect(rate.saleRate == Double(expectedSales[rate.attempt]) / Double(expectedCalls[rate.attempt]))
        }
        // Conversion falls with each call: the first call converts best.
        #expect(rates[0].saleRate > rates[4].saleRate)
    }

    /// `leads stats --by attempt --batch/--source`: LeadData gives the ids, FollowUp counts their calls.
    @Test func oneBatchOrSourceCountsOnlyItsLeadsCalls() throws {
        let db = try AppDatabase.inMemory(schema: FollowUpSchema.migrations)
        try db.transaction { db in
            try db.execute(sql: """
                INSERT INTO team (name) VALUES ('t');
                INSERT INTO agent (code, name, team_id, hire_date, status) VALUES ('A1', 'a', 1, '2020-01-01', 'active');
                INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('web', 'a.csv', 'x', '2026-01-01T00:00:00');
                INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('fair', 'b.csv', 'y', '2026-01-01T00:00:00');
                INSERT INTO lead (id, batch_id, phone, grade, score, status) VALUES (1, 1, '13000000001', 'B', 0, 'pool');
                INSERT INTO lead (id, batch_id, phone, grade, score, status) VALUES (2, 2, '13000000002', 'B', 0, 'pool');
                INSERT INTO call (call_id, lead_id, agent_id, started_at, talk_seconds, disposition, contact, effective) VALUES
                    ('a1', 1, 1, '2026-01-02T10:00:00', 60, 'connected', 1, 1),
                    ('b1', 2, 1, '2026-01-02T10:00:00', 60, 'connected', 1, 1),
                    ('b2', 2, 1, '2026-01-02T11:00:00', 60, 'sale', 1, 1);
                """)
        }
        try db.read { db in
            #expect(try ActivityFigures.byAttempt(db).map(\.calls) == [2, 1])
            #expect(try LeadStats.leadIDs(db, batch: nil, source: nil) == nil)
            let web = try LeadStats.leadIDs(db, batch: nil, source: "web")
            #expect(web == [1])
            #expect(try ActivityFigures.byAttempt(db, leads: web).map(\.calls) == [1])
            let fair = try LeadStats.leadIDs(db, batch: 2, source: nil)
            #expect(try ActivityFigures.byAttempt(db, leads: fair).map(\.sales) == [0, 1])
            #expect(try ActivityFigures.byAttempt(db, leads: LeadStats.leadIDs(db, batch: 1, source: "fair")).isEmpty)
        }
    }
}
