import CallOpsStore
import GRDB

/// The roster's tables: teams, seats (工位) and agents.
public enum RosterSchema {
    /// The roster's migrations, and those it stands on.
    public static let migrations: [Migration] = [
        Migration("roster.v1") { db in
            try db.execute(sql: """
                CREATE TABLE team (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE CHECK (name <> '')
                );
                CREATE TABLE seat (
                    id INTEGER PRIMARY KEY,
                    code TEXT NOT NULL UNIQUE CHECK (code <> ''),
                    team_id INTEGER REFERENCES team(id)
                );
                CREATE TABLE agent (
                    id INTEGER PRIMARY KEY,
                    code TEXT NOT NULL UNIQUE CHECK (code <> ''),
                    name TEXT NOT NULL,
                    team_id INTEGER NOT NULL REFERENCES team(id),
                    hire_date TEXT NOT NULL,
                    tier TEXT CHECK (tier IN ('new', 'general', 'core', 'top')),
                    status TEXT NOT NULL CHECK (status IN ('active', 'probation', 'left')),
                    -- UNIQUE: a seat holds at most one agent; one column: an agent holds at most one seat.
                    seat_id INTEGER UNIQUE REFERENCES seat(id),
                    daily_new_leads INTEGER CHECK (daily_new_leads >= 0),
                    max_open_leads INTEGER CHECK (max_open_leads >= 0),
                    CHECK (status <> 'left' OR seat_id IS NULL)
                );
                CREATE INDEX agent_team ON agent(team_id);
                """)
        },
        // The agent's login on the dialer (SPEC section 4), by default the agent code: a dialer's
        // call records name agents by it. A trigger gives every new agent the default, however
        // inserted, so the unique index guards every row.
        Migration("roster.dialer-user") { db in
            try db.execute(sql: """
                ALTER TABLE agent ADD COLUMN dialer_user TEXT CHECK (dialer_user <> '');
                UPDATE agent SET dialer_user = code;
                CREATE UNIQUE INDEX agent_dialer_user ON agent(dialer_user);
                CREATE TRIGGER agent_dialer_user_default AFTER INSERT ON agent WHEN NEW.dialer_user IS NULL
                BEGIN
                    UPDATE agent SET dialer_user = NEW.code WHERE id = NEW.id;
                END;
                """)
        },
        tiersMigration,
        departuresMigration,
        // The CHECKs' IN lists as equalities, which SQLite tests in place (measured in
        // `CheckConstraints.writeEqualities`).
        Migration("roster.check-equalities", changesRows: false) { db in
            try CheckConstraints.writeEqualities(db, tables: ["agent", "tier_review", "tier_history", "agent_tenure_event"])
        },
    ]
}

extension RosterSchema {
    /// What must always hold of the roster.
    public static let invariants: [Invariant] = [
        Invariant("an agent who has left holds no seat", violationsSQL: """
            SELECT 'agent ' || code || ' has left but holds a seat' FROM agent WHERE status = 'left' AND seat_id IS NOT NULL
            """)
    ]
}
