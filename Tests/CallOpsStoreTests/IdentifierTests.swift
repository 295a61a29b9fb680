import Foundation
import GRDB
import Testing

@testable import CallOpsCore
@testable import CallOpsStore

@Suite struct IdentifierTests {
    @Test func typedIDsAreStoredAndEncodedAsTheirIntegers() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE handover (lead_id INTEGER NOT NULL, agent_id INTEGER NOT NULL)")
            try db.execute(sql: "INSERT INTO handover VALUES (?, ?)", arguments: [LeadID(7), AgentID(3)])
            let row = try #require(try Row.fetchOne(db, sql: "SELECT lead_id, agent_id, typeof(lead_id) AS kind FROM handover"))
            #expect(row["lead_id"] as LeadID == LeadID(7))
            #expect(row["agent_id"] as AgentID == AgentID(3))
            #expect(row["kind"] as String == "integer")
        }
        let json = String(decoding: try JSONEncoder().encode([LeadID(7)]), as: UTF8.self)
        #expect(json == "[7]")
        #expect(try JSONDecoder().decode([AgentID].self, from: Data("[3]".utf8)) == [AgentID(3)])
    }
}
