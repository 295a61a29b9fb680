import CallOpsCore
import CallOpsStore
import Foundation
import GRDB
import Testing

@testable import FollowUp

/// The typed records of the FollowUp tables: what they write is what the SQL contract names
/// (SPEC section 2 and the migrations), and what they read back is what they wrote.
@Suite struct FollowUpRecordTests {
    /// The stored row of `table` with `id`, column by column, as `typeof` and text.
    func stored(_ day: AgentDay, _ table: String, key: String = "id", _ id: Int64) throws -> [String: String] {
        try day.db.read { (db: Database) throws in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM \(table) WHERE \(key) = ?", arguments: [id]))
            var columns: [String: String] = [:]
            for name in row.columnNames {
                let type = try String.fetchOne(db, sql: "SELECT typeof(\(name)) FROM \(table) WHERE \(key) = ?", arguments: [id]) ?? "?"
                columns[name] = "\(type):\(StoredValue.text(row, name))"
            }
            return columns
        }
    }

    @Test func eachRecordRoundTripsThroughItsTable() throws {
        let day = try AgentDay()
        try day.call(1, .sale, talk: 600, at: "2026-11-20T10:05", sale: SaleInput(product: "ACC01", premium: Money(yuan: 1_200), monthly: true))
        var member = FamilyMember(leadID: 1, relation: .child, age: 6, gender: "F")
        var entry = CustomerLedgerEntry(leadID: 1, at: "2026-11-20T11:00:00", fromAgentID: nil, toAgentID: 2, reason: "r")
        var touch = CustomerTouch(leadID: 1, agentID: 1, kind: .gift, onDay: CivilDay("2026-11-20")!, note: nil, recordedAt: "2026-11-20T12:00:00")
        let delivery = PolicyDelivery(policyID: 1, deliveredOn: CivilDay("2026-11-21")!, recordedAt: "2026-11-21T09:00:00")
        var payment = RenewalPayment(policyID: 1, installment: 1, dueOn: CivilDay("2026-12-20")!, amount: Money(yuan: 100),
                                     paidOn: CivilDay("2026-12-19")!, recordedAt: "2026-12-19T09:00:00")
        try day.db.transaction { db in
            try member.insert(db)
            try entry.insert(db)
            try touch.insert(db)
            try delivery.insert(db)
            try payment.insert(db)
        }
        #expect(member.id == 1 && entry.id == 1 && touch.id == 1 && payment.id == 1)
        try day.db.read { (db: Database) throws in
            #expect(try FamilyMember.fetchOne(db, key: 1) == member)
            #expect(try CustomerLedgerEntry.fetchOne(db, key: 1) == entry)
            #expect(try CustomerTouch.fetchOne(db, key: 1) == touch)
            #expect(try PolicyDelivery.fetchOne(db, key: 1) == delivery)
            #expect(try RenewalPayment.fetchOne(db, key: 1) == payment)
            #expect(try FamilyMember.of(lead: 1).fetchAll(db) == [member])
        }
        // Stored as the SQL contract says: cases and days as text, money in integer fen, NULL for nil.
        #expect(try stored(day, "family_member", 1) == ["id": "integer:1", "lead_id": "integer:1", "relation": "text:child", "age": "integer:6", "gender": "text:F"])
        #expect(try stored(day, "customer_ledger", 1) == ["id": "integer:1", "lead_id": "integer:1", "at": "text:2026-11-20T11:00:00",
                                                          "from_agent_id": "null:NULL", "to_agent_id": "integer:2", "reason": "text:r"])
        #expect(try stored(day, "customer_touch", 1) == ["id": "integer:1", "lead_id": "integer:1", "agent_id": "integer:1", "kind": "text:gift",
                                                         "on_day": "text:2026-11-20", "note": "null:NULL", "call_id": "null:NULL",
                                                         "recorded_at": "text:2026-11-20T12:00:00"])
        #expect(try stored(day, "policy_delivery", key: "policy_id", 1) == ["policy_id": "integer:1", "delivered_on": "text:2026-11-21",
                                                                             "recorded_at": "text:2026-11-21T09:00:00"])
        #expect(try stored(day, "renewal_payment", 1) == ["id": "integer:1", "policy_id": "integer:1", "installment": "integer:1",
                                                          "due_on": "text:2026-12-20", "amount_fen": "integer:10000", "paid_on": "text:2026-12-19",
                                                          "recorded_at": "text:2026-12-19T09:00:00"])
    }

    @Test func theStatusEnumsReadAsCasesOrTheNamedError() throws {
        let day = try AgentDay()
        try day.call(1, .sale, talk: 600, at: "2026-11-20T10:05", sale: SaleInput(product: "ACC01", premium: Money(yuan: 1_200), monthly: true))
        try day.db.read { (db: Database) throws in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT policy.id, policy.status, mode, insured, disposition FROM policy JOIN call ON call.lead_id = policy.lead_id"))
            #expect(try StoredValue.value(PolicyStatus.self, row, "status", table: "policy") == .inForce)
            #expect(try StoredValue.value(PremiumMode.self, row, "mode", table: "policy") == .monthly)
            #expect(try StoredValue.value(Insured.self, row, "insured", table: "policy") == .self)
            #expect(try StoredValue.value(Disposition.self, row, "disposition", table: "call") == .sale)
            // The sale's row, written by its record, reads back whole; the trigger put in the servicing agent.
            let policy = try #require(try StoredPolicy.fetchOne(db, key: 1))
            #expect(policy.leadID == 1 && policy.agentID == 1 && policy.servicingAgentID == 1 && policy.product == "ACC01")
            #expect(policy.premium == Money(yuan: 1_200) && policy.mode == .monthly && policy.insured == .self && policy.status == .inForce)
            #expect(policy.soldAt == "2026-11-20T10:05:00" && policy.nextDueOn == CivilDay("2026-12-20") && policy.renewalsPaid == 0)
            #expect(policy.lapsedOn == nil && policy.cancelledAt == nil && policy.commission.fen > 0)
            let odd = try #require(try Row.fetchOne(db, sql: "SELECT 1 AS id, 'gone' AS status"))
            #expect(throws: StoredValueError(table: "policy", row: "1", column: "status", value: "gone", expected: "one of in_force, cancelled, lapsed")) {
                try StoredValue.value(PolicyStatus.self, odd, "status", table: "policy")
            }
        }
        #expect(PolicyStatus.inForce.databaseValue == "in_force".databaseValue)
        #expect(TouchKind.fromDatabaseValue("call".databaseValue) == .call)
    }
}
