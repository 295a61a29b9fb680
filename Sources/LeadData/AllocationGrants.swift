import CallOpsCore
import CallOpsStore

/// Who was given which leads, one row per moment and agent: an allocation run writes a row per
/// agent with the ids of its leads (a JSON array), a callback taken over or a referral a row
/// with one lead. It answers the per-agent questions ("how many leads did A get today", "how
/// many distinct leads did A get this month") that an index on the ledger by agent answered
/// before: that index cost a random insert per lead, measured as the most of the ledger's cost
/// on a 1,000,000-lead allocation (15–20 s against 4 s for the ledger with its lead index only,
/// in the sqlite3 shell on the shared 2-core machine, load 8–10). The ledger keeps its line per
/// lead (`leads why`, the batch statistics and the former holders read it by lead); a check
/// holds the two together.
public enum AllocationGrants {
    /// The table, filled from the ledger's assignments, and the ledger's agent index dropped.
    static let migration = Migration("leads.allocation-grants") { db in
        try db.execute(sql: """
            CREATE TABLE allocation_grant (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                agent_id INTEGER NOT NULL REFERENCES agent(id),
                leads INTEGER NOT NULL CHECK (leads > 0),
                -- The leads' ids, a JSON array (expanded with json_each).
                lead_ids TEXT NOT NULL
            );
            CREATE INDEX allocation_grant_at ON allocation_grant(at, agent_id);
            INSERT INTO allocation_grant (at, agent_id, leads, lead_ids)
            SELECT at, agent_id, COUNT(*), json_group_array(lead_id)
            FROM (SELECT at, agent_id, lead_id FROM lead_ledger WHERE event = 'assigned' AND agent_id IS NOT NULL ORDER BY id)
            GROUP BY at, agent_id;
            DROP INDEX lead_ledger_agent;
            """)
    }

    /// Records that `agent` was given `leads` at `at`, in the caller's transaction.
    static func record(_ db: Database, at: String, agent: Int64, leads: [Int64]) throws {
        try db.execute(sql: "INSERT INTO allocation_grant (at, agent_id, leads, lead_ids) VALUES (?, ?, ?, ?)",
                       arguments: [at, agent, leads.count, "[" + leads.map(String.init).joined(separator: ",") + "]"])
    }

    /// Leads given to each agent since `from` (each grant's count: a lead given twice counts twice).
    static func givenSince(_ db: Database, from: String) throws -> [Int64: Int] {
        var result: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT agent_id, SUM(leads), MIN(id) AS id FROM allocation_grant WHERE at >= ? GROUP BY agent_id", arguments: [from]) {
            result[try StoredValue.int64(row, "agent_id", table: "allocation_grant")] = row[1]
        }
        return result
    }

    /// Distinct leads given to each agent over [from, to).
    static func distinctLeads(_ db: Database, from: String, to: String) throws -> [Int64: Int] {
        var result: [Int64: Int] = [:]
        // json_each on a malformed list fails with SQLite's "malformed JSON" and the query's
        // text: the named error instead.
        if let bad = try Row.fetchOne(db, sql: "SELECT id, lead_ids FROM allocation_grant WHERE at >= ? AND at < ? AND NOT json_valid(lead_ids) LIMIT 1",
                                      arguments: [from, to]) {
            throw StoredValueError(table: "allocation_grant", row: StoredValue.text(bad, "id"), column: "lead_ids",
                                   value: StoredValue.text(bad, "lead_ids"), expected: "a JSON array of lead ids")
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT g.agent_id, COUNT(DISTINCT j.value), MIN(g.id) AS id FROM allocation_grant AS g, json_each(g.lead_ids) AS j
            WHERE g.at >= ? AND g.at < ? GROUP BY g.agent_id
            """, arguments: [from, to]) {
            result[try StoredValue.int64(row, "agent_id", table: "allocation_grant")] = row[1]
        }
        return result
    }

    /// Distinct leads given over [from, to) to any agent of each group (`groups[i]`'s count at
    /// index `i`): a lead given twice in the period, or to two agents of a group, counts once
    /// for it. One pass over the period's grants in lead order, whatever the number of groups:
    /// an agent may be in several (a team and the center), and each lead is counted once for
    /// each group any of its holders is in.
    ///
    /// A `COUNT(DISTINCT)` per team over the ledger read the whole ledger once per team (it has
    /// no index by agent since the grants): at 3,000 agents in 30 teams after a `daily`
    /// (339,000 ledger lines) 0.09 s a team, twice with the month before, most of the seat
    /// report's 5 s; at 5,000 agents its 59 s. SQLite 3.40 would not join the groups by
    /// agent without scanning them for every grant (a `json_each` or a materialized CTE gets no
    /// automatic index: 0.9–1.4 s in the shell for the same 31 counts).
    static func distinctLeads(_ db: Database, from: String, to: String, groups: [[Int64]]) throws -> [Int] {
        var groupsOf: [Int64: [Int]] = [:]
        for (index, agents) in groups.enumerated() {
            for agent in Set(agents) { groupsOf[agent, default: []].append(index) }
        }
        var counts = Array(repeating: 0, count: groups.count)
        guard !groupsOf.isEmpty else { return counts }
        // The lead last counted for each group: rows come in lead order, so a lead is counted
        // once per group however many of its grants fall in the group.
        var counted = Array(repeating: DatabaseValue.null, count: groups.count)
        let rows = try Row.fetchCursor(db, sql: """
            SELECT j.value AS lead, g.agent_id FROM allocation_grant AS g, json_each(g.lead_ids) AS j
            WHERE g.at >= ? AND g.at < ? ORDER BY lead
            """, arguments: [from, to])
        while let row = try rows.next() {
            guard let agent = try StoredValue.optional(Int64.self, row, at: 1, table: "allocation_grant"), let indexes = groupsOf[agent] else { continue }
            let lead: DatabaseValue = row[0]
            for index in indexes where counted[index] != lead {
                counted[index] = lead
                counts[index] += 1
            }
        }
        return counts
    }

    /// `callops check`: every assignment in the ledger is in a grant and every grant's leads in the ledger.
    static let invariant = Invariant("the allocation grants agree with the ledger's assignments", violationsSQL: """
        WITH ledger AS (SELECT at, agent_id, lead_id FROM lead_ledger WHERE event = 'assigned' AND agent_id IS NOT NULL),
        granted AS (SELECT g.at, g.agent_id, j.value AS lead_id FROM allocation_grant AS g, json_each(g.lead_ids) AS j WHERE json_valid(g.lead_ids)),
        missing AS (SELECT * FROM ledger EXCEPT SELECT * FROM granted
                    -- a grant whose list is malformed is named by check's JSON line, not lead by lead
                    EXCEPT SELECT l.* FROM ledger AS l JOIN allocation_grant AS g ON g.at = l.at AND g.agent_id = l.agent_id WHERE NOT json_valid(g.lead_ids)),
        extra AS (SELECT * FROM granted EXCEPT SELECT * FROM ledger)
        SELECT 'lead ' || lead_id || ' assigned to agent id ' || agent_id || ' at ' || at || ' is in the ledger but in no grant' FROM missing
        UNION ALL
        SELECT 'lead ' || lead_id || ' granted to agent id ' || agent_id || ' at ' || at || ' is not in the ledger' FROM extra
        UNION ALL
        SELECT 'grant ' || id || ' says ' || leads || ' leads but lists ' || json_array_length(lead_ids) FROM allocation_grant
        WHERE json_valid(lead_ids) AND leads <> json_array_length(lead_ids)
        """)
}
