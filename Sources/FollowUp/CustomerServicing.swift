import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster

/// One hand-over of a customer to a new servicing agent.
public struct CustomerHandover: Encodable, Equatable, Sendable {
    public var customer: Int64
    /// The agent code of the new servicing agent.
    public var to: String
}

/// Who serves each customer (a lead with a policy in force) and the append-only ledger of
/// hand-overs (SPEC section 7, orphaned customers 孤儿单). Sales and persistency stay with the
/// selling agent (`policy.agent_id`); service work (stabilisation calls, renewal reminders, the
/// cross-sell queue) follows `policy.servicing_agent_id`.
public enum CustomerServicing {
    /// `policy.servicing_agent_id`, the seller by default, and `customer_ledger`.
    static let migration = Migration("followup.servicing") { db in
        // cross-module SQL: a shipped migration (frozen, STYLE 10); its trigger reads the
        // servicing agent's status inside SQLite on every policy insert, whoever inserts it.
        try db.execute(sql: """
            ALTER TABLE policy ADD COLUMN servicing_agent_id INTEGER REFERENCES agent(id);
            UPDATE policy SET servicing_agent_id = agent_id;
            -- A new policy is served by whoever serves the customer already, else by its seller,
            -- however the row is inserted.
            CREATE TRIGGER policy_servicing_default AFTER INSERT ON policy WHEN NEW.servicing_agent_id IS NULL
            BEGIN
                UPDATE policy SET servicing_agent_id = COALESCE(
                    (SELECT p.servicing_agent_id FROM policy AS p JOIN agent AS a ON a.id = p.servicing_agent_id
                     WHERE p.lead_id = NEW.lead_id AND p.id <> NEW.id AND p.status = 'in_force' AND a.status <> 'left'
                     ORDER BY p.id DESC LIMIT 1),
                    NEW.agent_id)
                WHERE id = NEW.id;
            END;
            CREATE INDEX policy_servicing_sold ON policy(servicing_agent_id, sold_at);
            CREATE INDEX policy_servicing_due ON policy(servicing_agent_id, next_due_on) WHERE status = 'in_force';

            CREATE TABLE customer_ledger (
                id INTEGER PRIMARY KEY,
                lead_id INTEGER NOT NULL REFERENCES lead(id),
                at TEXT NOT NULL,
                from_agent_id INTEGER REFERENCES agent(id),
                to_agent_id INTEGER NOT NULL REFERENCES agent(id),
                reason TEXT NOT NULL
            );
            CREATE INDEX customer_ledger_lead ON customer_ledger(lead_id);
            CREATE TRIGGER customer_ledger_append_only_update BEFORE UPDATE ON customer_ledger
                BEGIN SELECT RAISE(ABORT, 'the customer ledger is append-only'); END;
            CREATE TRIGGER customer_ledger_append_only_delete BEFORE DELETE ON customer_ledger
                BEGIN SELECT RAISE(ABORT, 'the customer ledger is append-only'); END;
            """)
    }

    /// `callops check`: every customer has a servicing agent on the roster.
    static let invariant = Invariant("every customer has a servicing agent") { db in
        // One line per customer, from its first policy in force (as GROUP BY lead_id gave).
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, lead_id, servicing_agent_id FROM policy WHERE status = 'in_force' ORDER BY lead_id, id
            """)
        let standings = try Roster.standings(db, ids: rows.compactMap { try StoredValue.optionalInt64($0, "servicing_agent_id", table: "policy") })
        let codes = try Roster.codes(db, ids: standings.filter { $0.value.status == .left }.keys)
        let tenures = codes.isEmpty ? [:] : try Roster.tenures(db)
        var seen = Set<Int64>()
        var lines: [String] = []
        for row in rows {
            let customer = try StoredValue.int64(row, "lead_id", table: "policy")
            let agent = try StoredValue.optionalInt64(row, "servicing_agent_id", table: "policy")
            let standing = agent.flatMap { standings[$0] }
            guard standing == nil || standing?.status == .left, seen.insert(customer).inserted else { continue }
            if let agent, let code = codes[agent] {
                // The departure's own day hands over what is left (`Departure.leave`); an agent
                // marked left without one is given it by the same command. A named successor
                // always works (a team with no active agent has no one else to give it to).
                let day = tenures[agent]?.leftOn.map { $0.description } ?? "FIRST_DAY_AWAY"
                lines.append("customer (lead \(customer)) is served by agent \(code), who has left; hand the customer over with `callops roster leave --agent \(code) --date \(day) --to AGENT`")
            } else {
                lines.append("customer (lead \(customer)) has no servicing agent recorded")
            }
        }
        return lines
    }

    /// The customers an agent serves (leads with a policy in force), by lead id.
    public static func customers(_ db: Database, servedBy agent: Int64) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT DISTINCT lead_id FROM policy WHERE servicing_agent_id = ? AND status = 'in_force' ORDER BY lead_id
            """, arguments: [agent])
    }

    /// How many customers each of these agents serves now.
    public static func customerCounts(_ db: Database, agents: [Int64]) throws -> [Int64: Int] {
        var counts = Dictionary(uniqueKeysWithValues: agents.map { ($0, 0) })
        let rows = try Row.fetchAll(db, sql: """
            SELECT MIN(id) AS id, servicing_agent_id AS agent, COUNT(DISTINCT lead_id) AS n FROM policy
            WHERE status = 'in_force' GROUP BY servicing_agent_id
            """)
        for row in rows {
            guard let agent = try StoredValue.optional(Int64.self, row, "agent", table: "policy"), counts[agent] != nil else { continue }
            counts[agent] = try StoredValue.value(Int.self, row, "n", table: "policy")
        }
        return counts
    }

    /// Hands one customer to a new servicing agent, with its ledger line.
    public static func handOver(_ db: Database, customer: LeadID, from: AgentID?, to: AgentID, reason: String, clock: Clock) throws {
        try db.execute(sql: "UPDATE policy SET servicing_agent_id = ? WHERE lead_id = ?", arguments: [to, customer])
        var entry = CustomerLedgerEntry(leadID: customer.rawValue, at: clock.nowTimestamp, fromAgentID: from?.rawValue, toAgentID: to.rawValue, reason: reason)
        try entry.insert(db)
    }

    /// A customer's hand-overs, oldest first, as lines of the lead's story (`leads why`).
    public static func history(_ db: Database, customer: Int64) throws -> [LeadLedger.Event] {
        let entries = try CustomerLedgerEntry.filter(CustomerLedgerEntry.Columns.leadID == customer)
            .order(CustomerLedgerEntry.Columns.id).fetchAll(db)
        let codes = try Roster.codes(db, ids: entries.flatMap { [$0.toAgentID] + ($0.fromAgentID.map { [$0] } ?? []) })
        return entries.compactMap { entry in
            guard let taker = codes[entry.toAgentID] else { return nil }
            let giver = entry.fromAgentID.flatMap { codes[$0] } ?? "nobody"
            return LeadLedger.Event(at: entry.at, event: "handed_over", agentCode: taker,
                                    reason: "customer handed over from \(giver) to \(taker): \(entry.reason)")
        }
    }

    /// The agent on the roster who serves the customer now (their latest policy in force served
    /// by one who has not left), nil when none does: then a new policy is served by its seller,
    /// else by this agent (the policy table's trigger).
    public static func servingAgentOnRoster(_ db: Database, customer: Int64) throws -> Int64? {
        let servers = try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT servicing_agent_id FROM policy WHERE lead_id = ? AND status = 'in_force' AND servicing_agent_id IS NOT NULL ORDER BY id DESC
            """), arguments: [customer])
        guard !servers.isEmpty else { return nil }
        let standings = try Roster.standings(db, ids: servers)
        return servers.first { standings[$0].map { $0.status != .left } ?? false }
    }

    /// Whether the agent serves this customer (a policy of theirs in force).
    public static func serves(_ db: Database, agent: Int64, customer: Int64) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT 1 FROM policy WHERE lead_id = ? AND servicing_agent_id = ? AND status = 'in_force' LIMIT 1
            """), arguments: [customer, agent]) ?? false
    }

    /// Refuses a lead id that names no lead, so an unknown customer is not mistaken for a lead
    /// without a policy.
    public static func requireLead(_ db: Database, _ customer: Int64) throws {
        guard try LeadProgress.lead(db, id: customer) != nil else {
            throw CallOpsError.notFound(kind: "lead", key: String(customer), hint: "see `callops customers programme` for customers; nothing was changed")
        }
    }

    /// The agent code serving a customer now, nil when the lead is no customer.
    public static func servingAgent(_ db: Database, customer: Int64) throws -> String? {
        guard let agent = try Int64.fetchOne(db, sql: """
            SELECT servicing_agent_id FROM policy
            WHERE lead_id = ? AND status = 'in_force' AND servicing_agent_id IS NOT NULL ORDER BY id DESC LIMIT 1
            """, arguments: [customer]) else { return nil }
        return try Roster.codes(db, ids: [agent])[agent]
    }
}
