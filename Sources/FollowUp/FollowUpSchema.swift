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
        }
    ]

    public static let invariants: [Invariant] = LeadDataSchema.invariants + [
        Invariant("a policy's lead is won", violationsSQL: """
            SELECT 'policy ' || policy.id || ' belongs to lead ' || lead.id || ', which is ' || lead.status
            FROM policy JOIN lead ON lead.id = policy.lead_id WHERE lead.status <> 'won'
            """),
        Invariant("no call on a DNC number after it was listed", violationsSQL: """
            SELECT 'call ' || call.call_id || ' at ' || call.started_at || ' reached a number listed at ' || dnc.added_at
            FROM call JOIN lead ON lead.id = call.lead_id JOIN dnc ON dnc.phone = lead.phone
            WHERE call.started_at > dnc.added_at AND call.disposition <> 'dnc'
            """),
    ]
}
