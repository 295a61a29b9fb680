import CallOpsStore
import GRDB

extension LeadDataSchema {
    /// Learned lead scoring: the stored models and each lead's score beside its grade.
    static let scoringMigrations: [Migration] = [
        Migration("leads.scoring.v1") { db in
            try db.execute(sql: """
                -- One row per `leads score train`: its card (what the model was trained on and how it
                -- ranks the hold-out) and the model itself (features and weights), both JSON.
                CREATE TABLE lead_model (
                    id INTEGER PRIMARY KEY,
                    trained_at TEXT NOT NULL,
                    since TEXT,
                    leads INTEGER NOT NULL CHECK (leads > 0),
                    sales INTEGER NOT NULL CHECK (sales >= 0 AND sales <= leads),
                    auc REAL CHECK (auc BETWEEN 0 AND 1),
                    grade_auc REAL CHECK (grade_auc BETWEEN 0 AND 1),
                    card TEXT NOT NULL,
                    model TEXT NOT NULL
                );
                -- The learned P(sale) of an open or pool lead (0-1), beside its rule grade, and the
                -- model that gave it (`leads score apply`).
                ALTER TABLE lead ADD COLUMN propensity REAL CHECK (propensity BETWEEN 0 AND 1);
                ALTER TABLE lead ADD COLUMN propensity_model_id INTEGER REFERENCES lead_model(id);
                """)
        },
    ]
}
