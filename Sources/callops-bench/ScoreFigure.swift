import ArgumentParser
import Foundation

extension Bench {
    /// Training a lead-scoring model on `rows` closed leads (SPEC section 11: seconds, not
    /// minutes), beside the sqlite3 shell reading the same columns grouped by the same fields:
    /// the least any trainer must do.
    func measureScore(in folder: URL) throws -> Figure {
        let path = folder.appendingPathComponent("score.sqlite").path
        try run(callops, ["init", "--db", path])
        // Leads with the fields vendors send and an extra column; whether each bought follows
        // income, age, children and the channel, through a fixed hash (no randomness in SQL).
        try sqlite(path, """
            INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('bench', 'bench', 'a', '2026-10-01T00:00:00');
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < \(rows - 1)),
            f AS (SELECT i, 18 + (i * 7) % 50 AS age, ((i * 13) % 30) * 1000000 AS income_fen, (i / 7) % 3 AS children,
                         (i / 3) % 3 AS channel, ((i * 2654435761) % 4294967296) / 4294967296.0 AS u FROM n)
            INSERT INTO lead (batch_id, phone, age, income_fen, occupation, married, children, city, extra, grade, score, status, closed_at)
            SELECT 1, printf('139%08d', i), age, income_fen,
                   CASE i % 6 WHEN 0 THEN '教师' WHEN 1 THEN '工程师' WHEN 2 THEN '销售' WHEN 3 THEN '会计' WHEN 4 THEN '个体' ELSE '无业' END,
                   i % 5 < 3, children, CASE (i / 11) % 5 WHEN 0 THEN '上海' WHEN 1 THEN '北京' WHEN 2 THEN '广州' WHEN 3 THEN '深圳' ELSE '杭州' END,
                   json_object('渠道', CASE channel WHEN 0 THEN '车险续保' WHEN 1 THEN '网销' ELSE '短信' END),
                   char(65 + i % 3), 30,
                   CASE WHEN u < 0.04 + 0.08 * (income_fen >= 15000000) + 0.05 * (children > 0) + 0.04 * (age BETWEEN 30 AND 45)
                                 + 0.06 * (channel = 0) THEN 'won' ELSE 'lost' END,
                   '2026-11-01T10:00:00'
            FROM f;
            PRAGMA wal_checkpoint(TRUNCATE);
            """)
        let (ours, peak) = try timed(callops, ["leads", "score", "train", "--db", path, "--seed", "1", "--now", "2026-11-23T08:00"])
        let (reference, _) = try timed("/usr/bin/env", ["sqlite3", path, """
            SELECT age, income_fen, occupation, married, children, city, extra, status = 'won', COUNT(*)
            FROM lead WHERE status IN ('won', 'lost', 'exhausted') GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
            """])
        return Figure(name: "score: train on \(rows) closed leads", oursSeconds: ours, referenceSeconds: reference, ratio: ours / reference,
                      peakRSSMB: peak, note: "sqlite3: reading the same columns grouped by the same fields (features, 5-fold CV, fit, card)")
    }
}
