import CallOpsStore
import GRDB
import Roster

/// The data officer's tables: batches, leads, the do-not-call list and the lead ledger.
public enum LeadDataSchema {
    /// The lead-data migrations, after the roster's they stand on.
    public static let migrations: [Migration] = RosterSchema.migrations + [
        Migration("leads.v1") { db in
            try db.execute(sql: """
                CREATE TABLE lead_batch (
                    id INTEGER PRIMARY KEY,
                    source TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    file_hash TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    cost_per_lead_fen INTEGER NOT NULL DEFAULT 0 CHECK (cost_per_lead_fen >= 0),
                    rows INTEGER NOT NULL DEFAULT 0,
                    accepted INTEGER NOT NULL DEFAULT 0,
                    missing_phone INTEGER NOT NULL DEFAULT 0,
                    invalid_phone INTEGER NOT NULL DEFAULT 0,
                    duplicate_in_file INTEGER NOT NULL DEFAULT 0,
                    duplicate_existing INTEGER NOT NULL DEFAULT 0,
                    dnc INTEGER NOT NULL DEFAULT 0,
                    out_of_age_range INTEGER NOT NULL DEFAULT 0,
                    malformed_row INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX lead_batch_hash ON lead_batch(file_hash);

                -- status: pool (free to allocate), open (an agent works it), won, lost (refused),
                -- exhausted (cadence ended without a sale, cooling down), retired, dnc, invalid.
                CREATE TABLE lead (
                    id INTEGER PRIMARY KEY,
                    batch_id INTEGER NOT NULL REFERENCES lead_batch(id),
                    phone TEXT NOT NULL UNIQUE,
                    name TEXT,
                    gender TEXT CHECK (gender IN ('M', 'F')),
                    age INTEGER,
                    city TEXT,
                    occupation TEXT,
                    income_fen INTEGER,
                    married INTEGER,
                    children INTEGER,
                    external_id TEXT,
                    extra TEXT,
                    grade TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C')),
                    score INTEGER NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pool'
                        CHECK (status IN ('pool', 'open', 'won', 'lost', 'exhausted', 'retired', 'dnc', 'invalid')),
                    agent_id INTEGER REFERENCES agent(id),
                    assigned_at TEXT,
                    -- The cadence's progress, written by the follow-up module through `LeadProgress`.
                    stage TEXT NOT NULL DEFAULT 'new',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    follow_ups INTEGER NOT NULL DEFAULT 0,
                    unanswered INTEGER NOT NULL DEFAULT 0,
                    last_attempt_at TEXT,
                    last_contact_at TEXT,
                    -- Firsts that survive recycling, for batch statistics.
                    effective_at TEXT,
                    interested_at TEXT,
                    next_due_at TEXT,
                    callback_at TEXT,
                    closed_at TEXT,
                    -- Annual premium of the sale that won the lead (for cost per sale and premium per lead).
                    premium_fen INTEGER,
                    recycle_count INTEGER NOT NULL DEFAULT 0,
                    -- A reclaimed lead does not go back to its previous holder before this time.
                    locked_agent_id INTEGER REFERENCES agent(id),
                    locked_until TEXT,
                    CHECK ((status = 'open') = (agent_id IS NOT NULL) OR status IN ('won', 'lost', 'exhausted', 'dnc', 'invalid'))
                );
                CREATE INDEX lead_pool ON lead(status, grade, batch_id) WHERE status = 'pool';
                -- Partial: a new lead has no agent, so the import (a million rows) does not pay for it.
                CREATE INDEX lead_agent ON lead(agent_id, status) WHERE agent_id IS NOT NULL;

                CREATE TABLE dnc (
                    phone TEXT PRIMARY KEY,
                    added_at TEXT NOT NULL,
                    source TEXT NOT NULL
                ) WITHOUT ROWID;

                -- Append-only: every decision that moves a lead, with its reason (`leads why` reads it).
                CREATE TABLE lead_ledger (
                    id INTEGER PRIMARY KEY,
                    lead_id INTEGER NOT NULL REFERENCES lead(id),
                    at TEXT NOT NULL,
                    event TEXT NOT NULL CHECK (event IN ('assigned', 'released', 'recycled', 'retired', 'state')),
                    agent_id INTEGER REFERENCES agent(id),
                    reason TEXT NOT NULL
                );
                CREATE INDEX lead_ledger_lead ON lead_ledger(lead_id);
                CREATE INDEX lead_ledger_agent ON lead_ledger(agent_id, event, at);
                CREATE TRIGGER lead_ledger_append_only_update BEFORE UPDATE ON lead_ledger
                    BEGIN SELECT RAISE(ABORT, 'the lead ledger is append-only'); END;
                CREATE TRIGGER lead_ledger_append_only_delete BEFORE DELETE ON lead_ledger
                    BEGIN SELECT RAISE(ABORT, 'the lead ledger is append-only'); END;
                """)
        },
        // The file's size, so an import knows at once whether an earlier batch could be the
        // same file (and only then waits for the file's SHA-256 before starting).
        Migration("leads.v2") { db in
            try db.execute(sql: "ALTER TABLE lead_batch ADD COLUMN file_bytes INTEGER")
        },
        // An agent's open callbacks, counted for the cap on every callback a call records
        // (measured: counting through lead_agent read each of the agent's open leads, 10 ms a
        // callback on 150,000 leads; this index holds only the callbacks).
        Migration("leads.open-callbacks") { db in
            try db.execute(sql: "CREATE INDEX lead_open_callback ON lead(agent_id, callback_at) WHERE status = 'open' AND callback_at IS NOT NULL")
        },
        classMigration,
    ] + scoringMigrations + [AllocationGrants.migration, poolOrderMigration, checkEqualitiesMigration]

    /// The CHECKs' IN lists as equalities, which SQLite tests in place: a lead or ledger row
    /// inserted on a prepared statement no longer builds a temporary index of each list
    /// (measured in `CheckConstraints.writeEqualities`).
    static let checkEqualitiesMigration = Migration("leads.check-equalities", changesRows: false) { db in
        try CheckConstraints.writeEqualities(db, tables: ["lead", "lead_ledger"])
    }

    /// The pool index in allocation's reading order (grade, newest batch first, then id: the
    /// rowid every index ends with), so allocation walks it instead of sorting the pool
    /// (measured at 1,000,000 pool leads in the sqlite3 shell, 2026-11-29, load 11: the read
    /// 1.2 s of CPU with the sort, 0.7-0.9 s without). Partial on the pool as before, so the
    /// import writes one entry a lead as before.
    static let poolOrderMigration = Migration("leads.pool-order") { db in
        try db.execute(sql: """
            DROP INDEX lead_pool;
            CREATE INDEX lead_pool ON lead(grade, batch_id DESC) WHERE status = 'pool';
            """)
    }
}

extension LeadDataSchema {
    /// What must always hold of the leads (SPEC sections 5 and 12).
    public static let invariants: [Invariant] = RosterSchema.invariants + [
        Invariant("no do-not-call lead is open", violationsSQL: """
            SELECT 'lead ' || lead.id || ' is open for agent ' || lead.agent_id || ' but its number is on the DNC list'
            FROM lead JOIN dnc ON dnc.phone = lead.phone WHERE lead.status IN ('open', 'pool')
            """),
        Invariant("an open lead has an agent who has not left") { db in
            let left = try Roster.leftAgentIDs(db)
            let held = try Row.fetchAll(db, sql: """
                SELECT id, agent_id FROM lead WHERE status = 'open' AND agent_id IN (SELECT value FROM json_each(?)) ORDER BY id
                """, arguments: [jsonIDList(left)])
            let codes = try Roster.codes(db, ids: held.map { $0["agent_id"] as Int64 })
            return held.map { "lead \($0["id"] as Int64) is held by agent \(codes[$0["agent_id"]] ?? "?"), who has left" }
        },
        Invariant("a lead is assigned once at a time", violationsSQL: """
            SELECT 'lead ' || lead_id || ' was assigned twice without a release in between'
            FROM (SELECT lead_id, event, LAG(event) OVER (PARTITION BY lead_id ORDER BY id) AS previous FROM lead_ledger
                  WHERE event IN ('assigned', 'released'))
            WHERE event = 'assigned' AND previous = 'assigned'
            """),
        AllocationGrants.invariant,
        Invariant("batch counts add up", violationsSQL: """
            SELECT 'batch ' || id || ': ' || rows || ' rows but ' || (accepted + missing_phone + invalid_phone + duplicate_in_file
                + duplicate_existing + dnc + out_of_age_range + malformed_row) || ' outcomes'
            FROM lead_batch WHERE rows <> accepted + missing_phone + invalid_phone + duplicate_in_file
                + duplicate_existing + dnc + out_of_age_range + malformed_row
            """),
    ]
}
