import CallOpsCore
import CallOpsStore
import LeadData

/// The agent's tables: calls, policies and family members.
public enum FollowUpSchema {
    public static let migrations: [Migration] = LeadDataSchema.migrations + [
        Migration("followup.v1") { db in
            try db.execute(sql: """
                CREATE TABLE call (
                    id INTEGER PRIMARY KEY,
                    call_id TEXT NOT NULL UNIQUE,
                    lead_id INTEGER NOT NULL REFERENCES lead(id),
                    agent_id INTEGER NOT NULL REFERENCES agent(id),
                    started_at TEXT NOT NULL,
                    talk_seconds INTEGER NOT NULL CHECK (talk_seconds >= 0),
                    disposition TEXT NOT NULL CHECK (disposition IN ('no_answer', 'busy', 'invalid_number', 'connected',
                        'interested', 'callback', 'proposal', 'sale', 'refused', 'dnc')),
                    contact INTEGER NOT NULL,
                    effective INTEGER NOT NULL,
                    -- Which follow-up the call was (0 for the opening call), NULL when unanswered.
                    follow_up INTEGER,
                    callback_at TEXT,
                    note TEXT,
                    -- Dialers call leads of other agents; such calls are kept and counted.
                    on_others_lead INTEGER NOT NULL DEFAULT 0
                );
                -- Covering for the seat report: a month's calls are one range of this index, read
                -- without touching the table (measured: 10M calls went from 32 s to a few).
                CREATE INDEX call_time_agent ON call(started_at, agent_id, lead_id, contact, effective, talk_seconds);
                CREATE INDEX call_lead_time ON call(lead_id, started_at);

                CREATE TABLE policy (
                    id INTEGER PRIMARY KEY,
                    lead_id INTEGER NOT NULL REFERENCES lead(id),
                    agent_id INTEGER NOT NULL REFERENCES agent(id),
                    product TEXT NOT NULL,
                    line TEXT NOT NULL,
                    premium_fen INTEGER NOT NULL CHECK (premium_fen > 0),
                    mode TEXT NOT NULL CHECK (mode IN ('annual', 'monthly')),
                    insured TEXT NOT NULL CHECK (insured IN ('self', 'spouse', 'child', 'parent')),
                    insured_age INTEGER,
                    commission_fen INTEGER NOT NULL,
                    sold_at TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'in_force' CHECK (status IN ('in_force', 'cancelled', 'lapsed')),
                    cancelled_at TEXT,
                    cancel_reason TEXT,
                    stabilized_at TEXT
                );
                CREATE INDEX policy_agent_sold ON policy(agent_id, sold_at);
                CREATE INDEX policy_lead ON policy(lead_id);

                CREATE TABLE family_member (
                    id INTEGER PRIMARY KEY,
                    lead_id INTEGER NOT NULL REFERENCES lead(id),
                    relation TEXT NOT NULL CHECK (relation IN ('spouse', 'child', 'parent')),
                    age INTEGER NOT NULL CHECK (age BETWEEN 0 AND 120),
                    gender TEXT CHECK (gender IN ('M', 'F'))
                );
                CREATE INDEX family_member_lead ON family_member(lead_id);
                """)
        },
        // Operations and renewals: delivery, the premium calendar, lapses (SPEC section 9).
        Migration("renewals.v1") { db in
            try db.execute(sql: """
                -- The next renewal premium of a policy in force: its number (1 = the first after the
                -- sale) and due day. A lapsed policy keeps the premium it lapsed on.
                ALTER TABLE policy ADD COLUMN renewals_paid INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE policy ADD COLUMN next_due_on TEXT;
                ALTER TABLE policy ADD COLUMN lapsed_on TEXT;
                CREATE INDEX policy_next_due ON policy(next_due_on) WHERE status = 'in_force';
                CREATE INDEX policy_agent_due ON policy(agent_id, next_due_on) WHERE status = 'in_force';

                CREATE TABLE policy_delivery (
                    policy_id INTEGER PRIMARY KEY REFERENCES policy(id),
                    delivered_on TEXT NOT NULL,
                    recorded_at TEXT NOT NULL
                );

                CREATE TABLE renewal_payment (
                    id INTEGER PRIMARY KEY,
                    policy_id INTEGER NOT NULL REFERENCES policy(id),
                    installment INTEGER NOT NULL CHECK (installment >= 1),
                    due_on TEXT NOT NULL,
                    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
                    paid_on TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    UNIQUE (policy_id, installment)
                );
                CREATE INDEX renewal_payment_due ON renewal_payment(due_on);
                """)
            // Policies sold before this step had their renewals collected outside callops: each is
            // taken as paid up to the database's last activity, and its next premium is the first
            // due from that day on (else every older policy would lapse on the first run).
            let lastActive = try String.fetchOne(db, sql: """
                SELECT MAX(day) FROM (SELECT MAX(substr(started_at, 1, 10)) AS day FROM call
                                      UNION ALL SELECT MAX(substr(sold_at, 1, 10)) FROM policy)
                """).flatMap { CivilDay($0) }
            for row in try Row.fetchAll(db, sql: "SELECT id, sold_at, mode FROM policy") {
                // A row that does not decode keeps its defaults here; `callops check` lists it.
                guard let sold = (try? StoredValue.string(row, "sold_at", table: "policy")).flatMap({ CivilDay($0) }),
                      let mode = (try? StoredValue.string(row, "mode", table: "policy")).flatMap(PremiumMode.init(rawValue:)) else { continue }
                var installment = 1
                while let lastActive, RenewalRules.dueDay(soldOn: sold, mode: mode, installment: installment) < lastActive { installment += 1 }
                try db.execute(sql: "UPDATE policy SET renewals_paid = ?, next_due_on = ? WHERE id = ?",
                               arguments: [installment - 1, RenewalRules.dueDay(soldOn: sold, mode: mode, installment: installment).description,
                                           try StoredValue.int64(row, "id", table: "policy")])
            }
        },
        CustomerServicing.migration,
        ActivityFigures.proposalsMigration,
        ActivityAggregate.migration,
        Programmes.migration,
        // The CHECKs' IN lists as equalities, which SQLite tests in place (measured in
        // `CheckConstraints.writeEqualities`).
        Migration("followup.check-equalities", changesRows: false) { db in
            try CheckConstraints.writeEqualities(db, tables: ["call", "policy", "family_member", "customer_touch"])
        },
    ]

    public static let invariants: [Invariant] = LeadDataSchema.invariants + [
        Invariant("a policy's lead is won") { db in
            let policies = try Row.fetchAll(db, sql: "SELECT id, lead_id FROM policy ORDER BY id")
            // A lead_id that is not an integer is listed by the range lines (`badIntegers`), not here.
            let leads = policies.map { row in try? StoredValue.int64(row, "lead_id", table: "policy") }
            let statuses = try Leads.statuses(db, ids: leads.compactMap { $0 })
            return zip(policies, leads).compactMap { row, lead in
                guard let lead, let status = statuses[lead], status != LeadStatus.won.rawValue else { return nil }
                return "policy \(StoredValue.text(row, "id")) belongs to lead \(lead), which is \(Quoted.value(status))"
            }
        },
        Invariant("no call on a DNC number after it was listed") { db in
            var lines: [String] = []
            for (lead, listedAt) in try Leads.onDoNotCallList(db) {
                for row in try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT call_id, started_at FROM call WHERE lead_id = ? AND started_at > ? AND disposition <> 'dnc' ORDER BY started_at, id
                    """), arguments: [lead, listedAt]) {
                    lines.append("call \(StoredValue.text(row, "call_id")) at \(StoredValue.text(row, "started_at")) reached a number listed at \(listedAt)")
                }
            }
            return lines
        },
        Invariant("a policy's recorded renewals run in order up to the last one paid", violationsSQL: """
            SELECT 'policy ' || policy.id || ' has ' || policy.renewals_paid || ' renewals paid but payments for '
                || paid.low || ' to ' || paid.high || ' (' || paid.n || ' of them)'
            FROM policy JOIN (SELECT policy_id, COUNT(*) AS n, MIN(installment) AS low, MAX(installment) AS high
                              FROM renewal_payment GROUP BY policy_id) AS paid ON paid.policy_id = policy.id
            WHERE paid.high <> policy.renewals_paid OR paid.high - paid.low + 1 <> paid.n
            """),
        CustomerServicing.invariant,
        ActivityAggregate.invariant,
    ]
}
