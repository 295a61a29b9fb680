import CallOpsCore
import CallOpsStore
import Foundation
import Roster

/// `callops leads why LEAD`: one lead's story in words, from the ledger.
public struct LeadExplanation: Encodable, Sendable {
    public var leadID: Int64
    public var name: String?
    public var batch: String
    public var grade: String
    public var score: Int
    public var status: String
    public var owner: String?
    public var history: [LeadLedger.Event]
    /// Whether the lead is in a queue now, and why or why not.
    public var queueNow: String
    /// The learned score and its three strongest reasons, when a scoring model exists.
    public var learnedScore: LeadScoreExplanation? = nil

    enum CodingKeys: String, CodingKey {
        case leadID = "lead_id"
        case name, batch, grade, score, status, owner, history
        case queueNow = "queue_now"
        case learnedScore = "learned_score"
    }

    /// Explains a lead; `windows` bound when it may be called.
    public static func explain(_ db: Database, lead id: Int64, clock: Clock, windows: CallingWindows) throws -> LeadExplanation {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT lead.*, b.source, b.file_name, b.received_at, (SELECT 1 FROM dnc WHERE dnc.phone = lead.phone) AS on_dnc
            FROM lead JOIN lead_batch b ON b.id = lead.batch_id
            WHERE lead.id = ?
            """, arguments: [id])
        else {
            throw CallOpsError.notFound(kind: "lead", key: String(id), hint: "lead ids are in `callops queue next` and the rejects and stats outputs")
        }
        let status = try StoredValue.enum(LeadStatus.self, row["status"], table: "lead", column: "status", id: id)
        let owner = try StoredValue.optionalInt64(row, "agent_id", table: "lead").map { try Roster.agent(db, id: $0) }
        let agentCode = owner?.code
        var explanation = LeadExplanation(
            leadID: id, name: row["name"],
            batch: "batch \(try StoredValue.int64(row, "batch_id", table: "lead")) from \(StoredValue.text(row, "source")) (\(StoredValue.text(row, "file_name")), received \(StoredValue.text(row, "received_at")))",
            grade: row["grade"], score: Int(try StoredValue.int64(row, "score", table: "lead")), status: status.rawValue, owner: agentCode,
            history: try LeadLedger.history(db, lead: id), queueNow: "")
        explanation.queueNow = try queueReason(row: row, status: status, agentCode: agentCode, ownerLeft: owner?.status == .left, clock: clock, windows: windows)
        explanation.learnedScore = try LeadScoring.explain(db, lead: id)
        return explanation
    }

    private static func queueReason(row: Row, status: LeadStatus, agentCode: String?, ownerLeft: Bool, clock: Clock, windows: CallingWindows) throws -> String {
        if (row["on_dnc"] as Int?) != nil { return "not queued: the number is on the do-not-call list" }
        switch status {
        case .pool:
            if let until: String = row["locked_until"], until > clock.nowTimestamp {
                return "not queued: in the pool, waiting for allocation (not to its previous agent before \(until.hasPrefix("9999") ? "ever" : until))"
            }
            return "not queued: in the pool, waiting for allocation (`callops leads allocate`)"
        case .won: return "not queued: won (a sale); it now lives on as a customer"
        case .lost: return "not queued: the customer refused"
        case .exhausted: return "not queued: exhausted (the cadence ended without a sale); it returns to the pool after the cool-down"
        case .retired: return "not queued: retired after its recycles"
        case .dnc: return "not queued: the customer asked not to be called"
        case .invalid: return "not queued: the number is not in service"
        case .open: break
        }
        let owner = agentCode ?? "?"
        if ownerLeft { return "not queued: held by agent \(owner), who has left; the next recycle moves it" }
        // Read as times, not compared as text: a malformed one is the named error, never "not due until 2026-13-45".
        for column in ["callback_at", "next_due_at", "last_attempt_at", "assigned_at"] where !(row[column] as DatabaseValue).isNull {
            _ = try StoredValue.time(row, column, clock: clock, table: "lead")
        }
        let due: String? = row["callback_at"] ?? row["next_due_at"]
        if let due, due > clock.nowTimestamp {
            return "not queued now: held by agent \(owner), not due until \(due)"
        }
        if !windows.contains(clock.now, clock: clock) {
            return "not queued now: outside the calling window; it is due again at \(clock.timestamp(windows.nextOpen(atOrAfter: clock.now, clock: clock))) in agent \(owner)'s queue"
        }
        if try StoredValue.count(row, "attempts", table: "lead") == 0 || (try StoredValue.optional(String.self, row, "last_attempt_at", table: "lead")).map({ $0 < (try StoredValue.optional(String.self, row, "assigned_at", table: "lead") ?? "") }) == true {
            return "in agent \(owner)'s queue now: a fresh lead, grade \(StoredValue.text(row, "grade"))"
        }
        return "in agent \(owner)'s queue now: due since \(due ?? "its assignment")"
    }
}
