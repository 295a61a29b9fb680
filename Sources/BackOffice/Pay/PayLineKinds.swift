import CallOpsStore
import GRDB

extension PayRun {
    /// `campaign` and `override` lines (SPEC section 9). SQLite cannot widen a CHECK in place, so
    /// `pay_line` is rebuilt with its rows, its index and its lock triggers.
    static let lineKindsMigration = Migration("pay.line-kinds") { db in
        try db.execute(sql: """
            CREATE TABLE pay_line_new (
                id INTEGER PRIMARY KEY,
                month TEXT NOT NULL REFERENCES pay_run(month),
                agent_id INTEGER NOT NULL REFERENCES agent(id),
                kind TEXT NOT NULL CHECK (kind IN ('base', 'commission', 'tier_bonus', 'selling_bonus', 'clawback', 'adjustment',
                                                   'campaign', 'override')),
                amount_fen INTEGER NOT NULL,
                detail TEXT NOT NULL,
                for_month TEXT
            );
            INSERT INTO pay_line_new (id, month, agent_id, kind, amount_fen, detail, for_month)
                SELECT id, month, agent_id, kind, amount_fen, detail, for_month FROM pay_line;
            DROP TABLE pay_line;
            ALTER TABLE pay_line_new RENAME TO pay_line;
            CREATE INDEX pay_line_month ON pay_line(month, agent_id);
            """)
        for (operation, row) in [("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")] {
            try db.execute(sql: """
                CREATE TRIGGER pay_line_final_\(operation.lowercased()) BEFORE \(operation) ON pay_line
                    WHEN (SELECT status FROM pay_run WHERE month = \(row).month) = 'final'
                    BEGIN SELECT RAISE(ABORT, 'a finalised pay month is locked'); END
                """)
        }
    }
}
