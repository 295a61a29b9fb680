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
}
