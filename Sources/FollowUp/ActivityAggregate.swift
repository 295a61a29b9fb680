import CallOpsCore
import CallOpsStore

/// The per-agent-per-day figures of the seat report, kept in the `activity_day` table so that a
/// month's report reads some 30,000 rows instead of ten million calls (SPEC section 11).
///
/// A row holds, for one agent and one local day: dials, contacts, effective calls and talk
/// seconds of the calls started that day; sales and premium of the policies sold that day and not
/// cancelled; and two distinct counts anchored on the calendar month:
/// - `leads_worked`: the leads whose first call by this agent in the day's month was that day;
/// - `proposals`: the leads whose first proposal event by this agent in the day's month was that
///   day, a proposal event being a call with disposition `proposal` or a policy sold and not
///   cancelled (the seat report's definition, `ActivityFigures.proposalsPerAgent`).
/// Summed from a month's first day to any later day of the same month they give the distinct
/// leads worked (or proposed to) over that span exactly; over other spans (from the middle of a
/// month, or across months) they do not, and `ActivityFigures` counts leads worked from the calls.
///
/// SQLite triggers on `call` and `policy` keep the table in step inside the very statement that
/// writes a call or a policy, so every writer (`calls log`, both calls imports, `sales record`, a
/// sale from a call row, `sales cancel`, renewals' lapses, an outside tool's `UPDATE`) moves it in
/// the same transaction. `callops check` compares it with a fresh count of the raw tables
/// (`invariant`) and `callops check --repair-aggregates` rebuilds it (`rebuild`).
public enum ActivityAggregate {
    /// The table, filled from the calls and policies already recorded, and its triggers.
    public static let migration = Migration("followup.activity_day.v1") { db in
        try db.execute(sql: """
            CREATE TABLE activity_day (
                day TEXT NOT NULL,
                agent_id INTEGER NOT NULL,
                dials INTEGER NOT NULL DEFAULT 0,
                contacts INTEGER NOT NULL DEFAULT 0,
                effective_calls INTEGER NOT NULL DEFAULT 0,
                talk_seconds INTEGER NOT NULL DEFAULT 0,
                leads_worked INTEGER NOT NULL DEFAULT 0,
                proposals INTEGER NOT NULL DEFAULT 0,
                sales INTEGER NOT NULL DEFAULT 0,
                premium_fen INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (day, agent_id)
            ) WITHOUT ROWID;
            INSERT INTO activity_day (\(columns)) \(recountSQL);
            \(triggersSQL)
            """)
    }

    static let columns = "day, agent_id, dials, contacts, effective_calls, talk_seconds, leads_worked, proposals, sales, premium_fen"

    /// The table's rows counted afresh from `call` and `policy` (the migration, the check and the
    /// repair share it, so there is one definition of each column).
    static let recountSQL = """
        SELECT day, agent_id, SUM(dials), SUM(contacts), SUM(effective_calls), SUM(talk_seconds), SUM(leads_worked),
               SUM(proposals), SUM(sales), SUM(premium_fen)
        FROM (
            SELECT substr(started_at, 1, 10) AS day, agent_id, COUNT(*) AS dials, SUM(contact) AS contacts,
                   SUM(effective) AS effective_calls, SUM(talk_seconds) AS talk_seconds, 0 AS leads_worked, 0 AS proposals,
                   0 AS sales, 0 AS premium_fen
            FROM call GROUP BY 1, 2
            UNION ALL
            SELECT day, agent_id, 0, 0, 0, 0, COUNT(*), 0, 0, 0
            FROM (SELECT agent_id, substr(MIN(started_at), 1, 10) AS day FROM call GROUP BY agent_id, lead_id, substr(started_at, 1, 7))
            GROUP BY day, agent_id
            UNION ALL
            SELECT day, agent_id, 0, 0, 0, 0, 0, COUNT(*), 0, 0
            FROM (SELECT agent_id, substr(MIN(at), 1, 10) AS day
                  FROM (SELECT agent_id, lead_id, started_at AS at FROM call WHERE disposition = 'proposal'
                        UNION ALL SELECT agent_id, lead_id, sold_at FROM policy WHERE status <> 'cancelled')
                  GROUP BY agent_id, lead_id, substr(at, 1, 7))
            GROUP BY day, agent_id
            UNION ALL
            SELECT substr(sold_at, 1, 10), agent_id, 0, 0, 0, 0, 0, 0, COUNT(*), SUM(premium_fen)
            FROM policy WHERE status <> 'cancelled' GROUP BY 1, 2
        )
        GROUP BY day, agent_id
        """

    /// A stored row that counts nothing is the same as no row (a cancelled sale leaves one).
    static let storedSQL = """
        SELECT \(columns) FROM activity_day
        WHERE dials <> 0 OR contacts <> 0 OR effective_calls <> 0 OR talk_seconds <> 0 OR leads_worked <> 0
           OR proposals <> 0 OR sales <> 0 OR premium_fen <> 0
        """

    /// The rows where the table and a fresh count disagree, each with both versions in words.
    static let differencesSQL = """
        WITH fresh(\(columns)) AS (\(recountSQL)),
        stored AS (\(storedSQL)),
        differing AS (
            SELECT day, agent_id FROM (SELECT * FROM fresh EXCEPT SELECT * FROM stored)
            UNION SELECT day, agent_id FROM (SELECT * FROM stored EXCEPT SELECT * FROM fresh))
        SELECT 'activity_day row (day ' || d.day || ', agent_id ' || d.agent_id || '): ' ||
               CASE WHEN s.day IS NOT NULL AND f.day IS NOT NULL AND s.dials IS NOT f.dials THEN 'column dials stored "' || COALESCE(s.dials, 0) || '", the calls and policies give "' || COALESCE(f.dials, 0) || '"; ' ELSE '' END ||
               CASE WHEN s.day IS NOT NULL AND f.day IS NOT NULL AND s.contacts IS NOT f.contacts THEN 'column contacts stored "' || COALESCE(s.contacts, 0) || '", the calls and policies give "' || COALESCE(f.contacts, 0) || '"; ' ELSE '' END ||
               CASE WHEN s.day IS NOT NULL AND f.day IS NOT NULL AND s.effective_calls IS NOT f.effective_calls THEN 'column effective_calls stored "' || COALESCE(s.effective_calls, 0) || '", the calls and policies give "' || COALESCE(f.effective_calls, 0) || '"; ' ELSE '' END ||
               CASE WHEN s.day IS NOT NULL AND f.day IS NOT NULL AND s.talk_seconds IS NOT f.talk_seconds THEN 'column talk_seconds stored "' || COALESCE(s.talk_seconds, 0) || '", the calls and policies give "' || COALESCE(f.talk_seconds, 0) || '"; ' ELSE '' END ||
               CASE WHEN s.day IS NOT NULL AND f.day IS NOT NULL AND s.leads_worked IS NOT f.leads_worked THEN 'column leads_worked stored "' || COALESCE(s.leads_worked, 0) || '", the calls and policies give "' || COALESCE(f.leads_worked, 0) || '"; ' ELSE '' END ||
               CASE WHEN s.day IS NOT NULL AND f.day IS NOT NULL AND s.proposals IS NOT f.proposals THEN 'column proposals stored "' || COALESCE(s.proposals, 0) || '", the calls and policies give "' || COALESCE(f.proposals, 0) || '"; ' ELSE '' END ||
               CASE WHEN s.day IS NOT NULL AND f.day IS NOT NULL AND s.sales IS NOT f.sales THEN 'column sales stored "' || COALESCE(s.sales, 0) || '", the calls and policies give "' || COALESCE(f.sales, 0) || '"; ' ELSE '' END ||
               CASE WHEN s.day IS NOT NULL AND f.day IS NOT NULL AND s.premium_fen IS NOT f.premium_fen THEN 'column premium_fen stored "' || COALESCE(s.premium_fen, 0) || '", the calls and policies give "' || COALESCE(f.premium_fen, 0) || '"; ' ELSE '' END ||
               'agent id ' || d.agent_id || ' on ' || d.day || ': stored ' ||
               CASE WHEN s.day IS NULL THEN 'nothing' ELSE
                   s.dials || ' dials, ' || s.contacts || ' contacts, ' || s.effective_calls || ' effective, ' || s.talk_seconds || ' s, '
                   || s.leads_worked || ' leads, ' || s.proposals || ' proposals, ' || s.sales || ' sales, ' || s.premium_fen || ' fen' END
               || '; the calls and policies give ' ||
               CASE WHEN f.day IS NULL THEN 'nothing' ELSE
                   f.dials || ' dials, ' || f.contacts || ' contacts, ' || f.effective_calls || ' effective, ' || f.talk_seconds || ' s, '
                   || f.leads_worked || ' leads, ' || f.proposals || ' proposals, ' || f.sales || ' sales, ' || f.premium_fen || ' fen' END
               || ' (callops check --repair-aggregates rebuilds it)'
        FROM differing AS d
        LEFT JOIN stored AS s ON s.day = d.day AND s.agent_id = d.agent_id
        LEFT JOIN fresh AS f ON f.day = d.day AND f.agent_id = d.agent_id
        ORDER BY d.day, d.agent_id
        """

    /// The guard before a report sums `activity_day` over the days [from, to): SUM reads text as
    /// 0 and adds a fraction or a negative, so the first of the period's rows (an index range on
    /// the primary key, the rows the report reads anyway) whose count or amount is not a whole
    /// number in its range is the named `StoredValueError`, column by column; talk seconds past
    /// 86,400 a dial (a call's talk_seconds written past its range, summed here by the trigger)
    /// name talk_seconds, or dials when the row has talk but no dial.
    public static func verifyPeriod(_ db: Database, from: String, to: String) throws {
        let counts = ["dials", "contacts", "effective_calls", "talk_seconds", "leads_worked", "proposals", "sales"]
        let ranged = counts.map { ($0, StoredValue.countRange.upperBound) } + [("premium_fen", StoredValue.maximumFen)]
        let cases = ranged.map { column, upper in
            "WHEN typeof(\(column)) <> 'integer' OR \(column) NOT BETWEEN 0 AND \(upper) THEN '\(column)'"
        }.joined(separator: "\n")
        guard let row = try Row.fetchOne(db, sql: """
            SELECT * FROM (
                SELECT day, agent_id, dials, contacts, effective_calls, talk_seconds, leads_worked, proposals, sales, premium_fen,
                       CASE \(cases)
                            WHEN talk_seconds > \(InputRange.maximumTalkSeconds) * dials THEN (CASE WHEN dials = 0 THEN 'dials' ELSE 'talk_seconds' END)
                       END AS bad
                FROM activity_day WHERE day >= ? AND day < ?)
            WHERE bad IS NOT NULL LIMIT 1
            """, arguments: [from, to]) else { return }
        let column = StoredValue.text(row, "bad")
        let talkSeconds = StoredValue.text(row, "talk_seconds")
        let inRange = StoredValue.text(row, column).allSatisfy(\.isNumber)
        let expected = switch column {
        case "premium_fen": "an amount in fen from 0 to \(StoredValue.maximumFen)"
        case "dials" where inRange: "at least 1 dial for its \(talkSeconds) talk seconds"
        case "talk_seconds" where inRange: "at most 86,400 seconds a call (a call's talk_seconds is out of range)"
        default: "a whole number from 0 to \(StoredValue.countRange.upperBound)"
        }
        throw StoredValueError(table: "activity_day",
                               row: "(day \(StoredValue.text(row, "day")), agent_id \(StoredValue.text(row, "agent_id")))",
                               column: column, value: StoredValue.text(row, column), expected: expected)
    }

    /// `callops check`: the table agrees with the calls and policies, agent by day.
    public static let invariant = Invariant("the per-agent-day activity agrees with the calls and policies", violationsSQL: differencesSQL)

    /// Rebuilds the table from the calls and policies, in the caller's transaction.
    /// - Returns: the agent-days that were wrong (missing, extra or different) before the rebuild.
    public static func rebuild(_ db: Database) throws -> Int {
        let wrong = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(differencesSQL))") ?? 0
        try db.execute(sql: "DELETE FROM activity_day; INSERT INTO activity_day (\(columns)) \(recountSQL)")
        return wrong
    }

    // MARK: - Bulk inserts of calls

    /// What a bulk insert of calls adds to `activity_day`, summed per agent and day in memory by
    /// the one who inserts them (the calls import, which reads each lead's calls anyway): 10,000
    /// agents on one day, or 1,000 over a month, is a small dictionary.
    struct CallDeltas {
        struct Key: Hashable, Comparable {
            var day: String
            var agent: Int64
            static func < (a: Key, b: Key) -> Bool { a.day != b.day ? a.day < b.day : a.agent < b.agent }
        }

        struct Amounts {
            var dials = 0, contacts = 0, effective = 0, talk = 0, leadsWorked = 0, proposals = 0
        }

        private(set) var rows: [Key: Amounts] = [:]

        /// One call's dial, contact, effective call and talk time on its agent's day.
        mutating func call(agent: Int64, day: String, contact: Bool, effective: Bool, talk: Int) {
            let key = Key(day: day, agent: agent)
            var a = rows[key] ?? Amounts()
            a.dials += 1
            a.contacts += contact ? 1 : 0
            a.effective += effective ? 1 : 0
            a.talk += talk
            rows[key] = a
        }

        /// A month-anchored distinct count (`leads_worked` or `proposals`) moved as the trigger
        /// moves it: an event of the agent on the lead on `day`, when the pair's first event that
        /// month so far (the table's and this insert's) is `first` (nil: none). Returns the pair's
        /// first day after it.
        mutating func first(_ column: WritableKeyPath<Amounts, Int>, agent: Int64, day: String, first: String?) -> String {
            guard first.map({ day < $0 }) ?? true else { return first! }
            rows[Key(day: day, agent: agent), default: Amounts()][keyPath: column] += 1
            if let first { rows[Key(day: first, agent: agent), default: Amounts()][keyPath: column] -= 1 }
            return day
        }
    }

    /// Runs `insert`, which inserts calls and sums what they add into the deltas it returns,
    /// with the call table's insert trigger set aside, then adds the deltas to `activity_day`
    /// and puts the trigger back, all in the caller's transaction.
    ///
    /// The trigger's upsert and probes per call were a quarter to a third of the bulk import's
    /// CPU; the deltas are one upsert per agent-day. Safe beside other writers: the DROP and the
    /// CREATE are part of the transaction, which holds the write lock from the DROP on, so no
    /// other connection (a `calls log`) can insert a call meanwhile, and readers see the schema
    /// as committed (with the trigger) until the commit, when it is back. A failure or a kill
    /// midway rolls the DROP back with the calls. The delete and update triggers stay: the bulk
    /// import only inserts calls; the policies its sales create after this still go through
    /// their own triggers, which need the calls' rows to be here first.
    static func insertingCalls(_ db: Database, _ insert: () throws -> CallDeltas) throws {
        try db.execute(sql: "DROP TRIGGER \(triggerName("call", "insert"))")
        let deltas = try insert()
        let upsert = try db.makeStatement(sql: """
            INSERT INTO activity_day (day, agent_id, dials, contacts, effective_calls, talk_seconds, leads_worked, proposals)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (day, agent_id) DO UPDATE SET dials = dials + excluded.dials, contacts = contacts + excluded.contacts,
                effective_calls = effective_calls + excluded.effective_calls, talk_seconds = talk_seconds + excluded.talk_seconds,
                leads_worked = leads_worked + excluded.leads_worked, proposals = proposals + excluded.proposals
            """)
        for key in deltas.rows.keys.sorted() {
            let a = deltas.rows[key]!
            try upsert.execute(arguments: [key.day, key.agent, a.dials, a.contacts, a.effective, a.talk, a.leadsWorked, a.proposals])
        }
        try db.execute(sql: insertTrigger(on: "call", callShare))
    }

    // MARK: - The triggers

    /// After an insert, a delete or an update of the columns that count, the row's share is taken
    /// out (`OLD`) and put in (`NEW`): an update is a delete and an insert. The month-anchored
    /// distinct counts move only when the row is, or was, the agent's first on the lead that month
    /// (probed through `call_lead_time` and `policy_lead`, a few rows per lead).
    static let triggersSQL = triggers(on: "call", "lead_id, agent_id, started_at, talk_seconds, disposition, contact, effective", callShare)
        + triggers(on: "policy", "lead_id, agent_id, premium_fen, sold_at, status", policyShare)

    /// The insert, delete and update triggers of `table`, an update of `columns` taken out and put back.
    static func triggers(on table: String, _ columns: String, _ share: (String, Bool) -> String) -> String {
        insertTrigger(on: table, share) + """
        CREATE TRIGGER \(triggerName(table, "delete")) AFTER DELETE ON \(table) BEGIN
            \(share("OLD", false))
        END;
        CREATE TRIGGER \(triggerName(table, "update")) AFTER UPDATE OF \(columns) ON \(table) BEGIN
            \(share("OLD", false))
            \(share("NEW", true))
        END;

        """
    }

    static func triggerName(_ table: String, _ event: String) -> String { "activity_\(table)_\(event)" }

    /// The insert trigger of `table` alone (`insertingCalls` drops the call table's and puts it back).
    static func insertTrigger(on table: String, _ share: (String, Bool) -> String) -> String {
        """
        CREATE TRIGGER \(triggerName(table, "insert")) AFTER INSERT ON \(table) BEGIN
            \(share("NEW", true))
        END;

        """
    }

    /// Adds (or takes out) one counted amount per column to the row's agent and day.
    static func upsert(_ r: String, at time: String, adding: Bool, _ values: [(column: String, value: String)]) -> String {
        let sign = adding ? "" : "-"
        return """
            INSERT INTO activity_day (day, agent_id, \(values.map(\.column).joined(separator: ", ")))
            VALUES (substr(\(r).\(time), 1, 10), \(r).agent_id, \(values.map { "\(sign)(\($0.value))" }.joined(separator: ", ")))
            ON CONFLICT (day, agent_id) DO UPDATE SET \(values.map { "\($0.column) = \($0.column) + excluded.\($0.column)" }.joined(separator: ", "));
            """
    }

    /// Moves a month-anchored distinct count for the row's agent and lead: the row's day gains
    /// (or loses) one when no other event of the pair that month is on or before it, and the
    /// other events' first day, when later than the row's, loses (or gains) it.
    /// - Parameters:
    ///   - others: `FROM ... WHERE` clauses of the pair's other events in the row's month, each
    ///     with its time column, `?BEFORE` standing for an upper bound to add.
    static func firstShare(_ r: String, at time: String, column: String, adding: Bool, when condition: String,
                           others: [(sql: String, time: String)]) -> String {
        let day = "substr(\(r).\(time), 1, 10)"
        let nothingUpToDay = others.map { "NOT EXISTS (SELECT 1 \($0.sql) AND \($0.time) < \(day) || '~')" }.joined(separator: " AND ")
        let firstOtherDay = "(SELECT substr(MIN(at), 1, 10) FROM (\(others.map { "SELECT MIN(\($0.time)) AS at \($0.sql)" }.joined(separator: " UNION ALL "))))"
        let (here, there) = adding ? ("+", "-") : ("-", "+")
        return """
            UPDATE activity_day SET \(column) = \(column) \(here) 1
            WHERE day = \(day) AND agent_id = \(r).agent_id AND \(condition) AND \(nothingUpToDay);
            UPDATE activity_day SET \(column) = \(column) \(there) 1
            WHERE agent_id = \(r).agent_id AND \(condition) AND day = \(firstOtherDay) AND day > \(day);
            """
    }

    /// The pair's other calls (optionally only proposal calls) and other policies in the row's month.
    static func otherCalls(_ r: String, at time: String, excludingSelf: Bool, proposalsOnly: Bool) -> (sql: String, time: String) {
        let month = "substr(\(r).\(time), 1, 7)"
        return ("""
            FROM call WHERE lead_id = \(r).lead_id AND agent_id = \(r).agent_id\(excludingSelf ? " AND id <> \(r).id" : "")\
            \(proposalsOnly ? " AND disposition = 'proposal'" : "") AND started_at >= \(month) AND started_at < \(month) || '~'
            """, "started_at")
    }

    static func otherPolicies(_ r: String, at time: String, excludingSelf: Bool) -> (sql: String, time: String) {
        let month = "substr(\(r).\(time), 1, 7)"
        return ("""
            FROM policy WHERE lead_id = \(r).lead_id AND agent_id = \(r).agent_id\(excludingSelf ? " AND id <> \(r).id" : "")\
             AND status <> 'cancelled' AND sold_at >= \(month) AND sold_at < \(month) || '~'
            """, "sold_at")
    }

    /// One call's share: its dial, contact, effective call and talk time; its lead worked; its
    /// proposal when it is one.
    static func callShare(_ r: String, _ adding: Bool) -> String {
        upsert(r, at: "started_at", adding: adding, [("dials", "1"), ("contacts", "\(r).contact"), ("effective_calls", "\(r).effective"),
                                                      ("talk_seconds", "\(r).talk_seconds")])
            + firstShare(r, at: "started_at", column: "leads_worked", adding: adding, when: "1",
                         others: [otherCalls(r, at: "started_at", excludingSelf: true, proposalsOnly: false)])
            + firstShare(r, at: "started_at", column: "proposals", adding: adding, when: "\(r).disposition = 'proposal'",
                         others: [otherCalls(r, at: "started_at", excludingSelf: true, proposalsOnly: true),
                                  otherPolicies(r, at: "started_at", excludingSelf: false)])
    }

    /// One policy's share unless cancelled: a sale, its premium and a proposal event.
    static func policyShare(_ r: String, _ adding: Bool) -> String {
        upsert(r, at: "sold_at", adding: adding, [("sales", "\(r).status <> 'cancelled'"),
                                                   ("premium_fen", "CASE WHEN \(r).status <> 'cancelled' THEN \(r).premium_fen ELSE 0 END")])
            + firstShare(r, at: "sold_at", column: "proposals", adding: adding, when: "\(r).status <> 'cancelled'",
                         others: [otherCalls(r, at: "sold_at", excludingSelf: false, proposalsOnly: true),
                                  otherPolicies(r, at: "sold_at", excludingSelf: true)])
    }
}
