import ArgumentParser
import BackOffice
import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import SeatProductivity
import Spreadsheet

#if canImport(Glibc)
    import Glibc
#endif

/// `callops-bench`: the figures of SPEC section 11, each beside its reference measured in the
/// same run on the same machine. Data is generated in a temporary folder.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callops-bench",
        abstract: "Measure callops against the sqlite3 shell on generated data (SPEC section 11).")

    @Argument(help: "Figures to measure: import, allocate, queue, report, xlsx, score.") var figures: [String] = ["import", "allocate", "queue", "report", "xlsx", "score"]
    @Option(help: "Rows of the generated lead file (and leads already in the database).") var rows: Int = 1_000_000
    @Option(name: .customLong("queue-leads"), help: "Leads in the small and the large database of the queue figure.") var queueLeads: [Int] = [100_000, 10_000_000]
    @Option(name: .customLong("report-calls"), help: "Call rows in the month of the report figure.") var reportCalls: Int = 10_000_000
    @Option(help: "table or json.") var format: String = "table"

    struct Figure: Encodable {
        let name: String
        let oursSeconds: Double
        let referenceSeconds: Double
        let ratio: Double
        let peakRSSMB: Double
        let note: String

        enum CodingKeys: String, CodingKey {
            case name, ratio, note
            case oursSeconds = "ours_seconds"
            case referenceSeconds = "reference_seconds"
            case peakRSSMB = "peak_rss_mb"
        }
    }

    func validate() throws {
        for figure in figures where !["import", "allocate", "queue", "report", "xlsx", "score"].contains(figure) {
            throw ValidationError("unknown figure \(figure); this build measures: import, allocate, queue, report, xlsx, score")
        }
        if queueLeads.count != 2 || queueLeads.contains(where: { $0 < 2_000 }) {
            throw ValidationError("--queue-leads takes two sizes, each at least 2000, e.g. --queue-leads 100000 --queue-leads 10000000")
        }
        if rows < 1_000 { throw ValidationError("--rows must be at least 1000") }
    }

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var results: [Figure] = []
        for figure in figures {
            switch figure {
            case "import": results.append(try measureImport(in: folder))
            case "allocate": results.append(try measureAllocate(in: folder))
            case "queue": results.append(try measureQueue(in: folder))
            case "xlsx": results += try measureWorkbookImport(in: folder)
            case "score": results.append(try measureScore(in: folder))
            default: results.append(try measureReport(in: folder))
            }
        }
        if format == "json" {
            print(try Render.json(results), terminator: "")
        } else {
            var table = Table(["figure", ">ours s", ">reference s", ">ratio", ">peak MB", "reference"])
            for r in results {
                table.append([r.name, Render.number(r.oursSeconds, digits: 4), Render.number(r.referenceSeconds, digits: 4),
                              Render.number(r.ratio, digits: 2), Render.number(r.peakRSSMB, digits: 0), r.note])
            }
            print(table.rendered(), terminator: "")
        }
    }

    /// The callops binary built beside this one.
    var callops: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("callops").path
    }

    /// Import of `rows` leads into a database already holding `rows` leads and a DNC list.
    func measureImport(in folder: URL) throws -> Figure {
        let file = folder.appendingPathComponent("leads.csv").path
        try generateLeadFile(path: file, rows: rows)
        let base = folder.appendingPathComponent("base.sqlite").path
        // The existing leads and DNC numbers are made by SQL; their numbers overlap the file's
        // (every tenth file number is an existing lead, every hundredth is on the DNC list).
        try run(callops, ["init", "--db", base])
        try sqlite(base, """
            INSERT INTO lead_batch (source, file_name, file_hash, file_bytes, received_at) VALUES ('bench', 'existing', 'x', \(rows * 40), '2026-01-01T00:00:00');
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < \(rows - 1))
            INSERT INTO lead (batch_id, phone, grade, score) SELECT 1, printf('137%08d', i * 10), 'B', 30 FROM n;
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < \(rows / 100))
            INSERT OR IGNORE INTO dnc (phone, added_at, source) SELECT printf('139%08d', i * 100), '2026-01-01T00:00:00', 'bench' FROM n;
            PRAGMA wal_checkpoint(TRUNCATE);
            """)
        let ours = folder.appendingPathComponent("ours.sqlite").path
        let reference = folder.appendingPathComponent("reference.sqlite").path
        try FileManager.default.copyItem(atPath: base, toPath: ours)
        try FileManager.default.copyItem(atPath: base, toPath: reference)

        let (oursSeconds, peak) = try timed(callops, ["leads", "import", file, "--source", "bench", "--db", ours, "--now", "2026-11-23T10:00"])
        // The reference: the shell's own loader into the same table and unique index, through a
        // staging table because the file's columns are not the table's.
        let script = folder.appendingPathComponent("reference.sql").path
        try """
            PRAGMA journal_mode = WAL;
            CREATE TEMP TABLE staging (phone TEXT, name TEXT, age TEXT, income TEXT, occupation TEXT, marital TEXT, children TEXT, city TEXT);
            BEGIN;
            .import --csv --skip 1 \(file) staging
            INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('bench', 'leads.csv', 'y', '2026-11-23T10:00:00');
            INSERT OR IGNORE INTO lead (batch_id, phone, name, age, city, occupation, income_fen, married, children, grade, score)
                SELECT 2, phone, name, age, city, occupation, income * 100, marital = '已婚', children, 'B', 30 FROM staging;
            COMMIT;
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let (referenceSeconds, _) = try timed("/usr/bin/env", ["sqlite3", reference, ".read \(script)"])
        return Figure(
            name: "import \(rows) leads", oursSeconds: oursSeconds, referenceSeconds: referenceSeconds,
            ratio: oursSeconds / referenceSeconds, peakRSSMB: peak,
            note: "sqlite3 .import + INSERT into the same table (no validation, grading or DNC)")
    }

    /// Allocation of `rows` pool leads to 1,000 agents with room for all of them, beside one bare
    /// `UPDATE` in the sqlite3 shell that writes an agent id into the same rows.
    func measureAllocate(in folder: URL) throws -> Figure {
        let base = folder.appendingPathComponent("allocate-base.sqlite").path
        try run(callops, ["init", "--db", base])
        let room = (rows + 999) / 1_000
        try sqlite(base, """
            INSERT INTO team (name) VALUES ('一组');
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
            INSERT INTO agent (id, code, name, team_id, hire_date, tier, status, daily_new_leads, max_open_leads)
            SELECT i, printf('A%04d', i), 'agent', 1, '2025-01-01', 'general', 'active', \(room), \(room) FROM n;
            INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('bench', 'bench', 'a', '2026-11-01T00:00:00');
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < \(rows - 1))
            INSERT INTO lead (batch_id, phone, grade, score) SELECT 1, printf('139%08d', i), char(65 + i % 3), 30 FROM n;
            PRAGMA wal_checkpoint(TRUNCATE);
            """)
        let ours = folder.appendingPathComponent("allocate-ours.sqlite").path
        let reference = folder.appendingPathComponent("allocate-reference.sqlite").path
        try FileManager.default.copyItem(atPath: base, toPath: ours)
        try FileManager.default.copyItem(atPath: base, toPath: reference)
        let (oursSeconds, peak) = try timed(callops, ["leads", "allocate", "--db", ours, "--seed", "1", "--now", "2026-11-23T08:00"])
        let (referenceSeconds, _) = try timed("/usr/bin/env", ["sqlite3", reference, """
            PRAGMA journal_mode = WAL;
            UPDATE lead SET agent_id = 1 + id % 1000, status = 'open', assigned_at = '2026-11-23T08:00:00' WHERE status = 'pool';
            """])
        return Figure(name: "allocate \(rows) leads to 1000 agents", oursSeconds: oursSeconds, referenceSeconds: referenceSeconds,
                      ratio: oursSeconds / referenceSeconds, peakRSSMB: peak,
                      note: "sqlite3: one bare UPDATE writing an agent id into the same rows (no ledger, no capacity, no fairness)")
    }

    /// The next-call queue of one agent in a database of `queueLeads[0]` and of `queueLeads[1]`
    /// leads (1,000 agents, every lead open): the figure is the ratio, which stays near 1 only
    /// when the queue seeks the agent's own leads by index instead of scanning.
    func measureQueue(in folder: URL) throws -> Figure {
        var times: [Double] = []
        for (n, leads) in queueLeads.enumerated() {
            let path = folder.appendingPathComponent("queue-\(n).sqlite").path
            try run(callops, ["init", "--db", path])
            // Agents hold at most a few hundred open leads (their open cap); a bigger table holds
            // more closed leads, not more open ones.
            let perAgent = min(100, max(1, leads / 1_000))
            try sqlite(path, """
                INSERT INTO team (name) VALUES ('一组');
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
                INSERT INTO agent (id, code, name, team_id, hire_date, status) SELECT i, printf('A%04d', i), 'agent', 1, '2025-01-01', 'active' FROM n;
                INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('bench', 'bench', 'q', '2026-11-01T00:00:00');
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < \(leads - 1))
                INSERT INTO lead (batch_id, phone, grade, score, status, agent_id, assigned_at, stage, attempts, follow_ups, last_attempt_at, next_due_at)
                SELECT 1, printf('139%08d', i), char(65 + i % 3), 30, CASE WHEN i < \(perAgent * 1_000) THEN 'open' ELSE 'exhausted' END,
                       1 + i % 1000, '2026-11-20T08:00:00',
                       CASE i % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'connected' WHEN 2 THEN 'interested' ELSE 'proposal' END,
                       i % 4 > 0, i % 4, CASE WHEN i % 4 > 0 THEN '2026-11-21T10:00:00' END,
                       CASE WHEN i % 4 > 0 THEN printf('2026-11-2%dT10:00:00', 1 + i % 3) END
                FROM n;
                PRAGMA wal_checkpoint(TRUNCATE);
                """)
            let db = try AppDatabase.open(path: path, schema: BackOfficeSchema.migrations)
            let clock = try Clock(fixed: "2026-11-23T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
            let queue = NextCallQueue(settings: .defaults, clock: clock)
            var samples: [Double] = []
            for round in 0..<21 {
                let start = Date()
                let entries = try db.read { db in try queue.entries(db, agent: String(format: "A%04d", 1 + round * 37 % 1000), limit: 20) }
                samples.append(Date().timeIntervalSince(start))
                guard entries.count == min(20, perAgent) else { throw ValidationError("the queue returned \(entries.count) rows") }
            }
            times.append(samples.sorted()[samples.count / 2])
        }
        return Figure(name: "queue next, \(queueLeads[1]) vs \(queueLeads[0]) leads", oursSeconds: times[1], referenceSeconds: times[0],
                      ratio: times[1] / times[0], peakRSSMB: 0, note: "median of 21 agents; the reference is the same queue at \(queueLeads[0]) leads")
    }

    /// The seat report for 1,000 agents over a month of `reportCalls` calls beside a hand-written
    /// `GROUP BY` over the same calls in the sqlite3 shell.
    func measureReport(in folder: URL) throws -> Figure {
        let path = folder.appendingPathComponent("report.sqlite").path
        try run(callops, ["init", "--db", path])
        try sqlite(path, """
            INSERT INTO team (name) VALUES ('一组');
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
            INSERT INTO agent (id, code, name, team_id, hire_date, status) SELECT i, printf('A%04d', i), 'agent', 1, '2025-01-01', 'active' FROM n;
            INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('bench', 'bench', 'r', '2026-10-01T00:00:00');
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199999)
            INSERT INTO lead (batch_id, phone, grade, score, status, agent_id) SELECT 1, printf('139%08d', i), 'B', 30, 'open', 1 + i % 1000 FROM n;
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < \(reportCalls - 1))
            INSERT INTO call (call_id, lead_id, agent_id, started_at, talk_seconds, disposition, contact, effective)
            SELECT i, 1 + i % 200000, 1 + i % 1000, printf('2026-11-%02dT%02d:%02d:00', 1 + i % 30, 9 + i % 11, i % 60),
                   (i % 7) * 60, CASE WHEN i % 7 = 0 THEN 'no_answer' ELSE 'connected' END, i % 7 > 0, i % 7 > 1 FROM n;
            PRAGMA wal_checkpoint(TRUNCATE);
            """)
        let (ours, peak) = try timed(callops, ["seats", "report", "--db", path, "--month", "2026-11", "--format", "json", "--now", "2026-12-01T10:00"])
        let (reference, _) = try timed("/usr/bin/env", ["sqlite3", path, """
            SELECT agent_id, COUNT(*), SUM(contact), SUM(effective), SUM(talk_seconds), COUNT(DISTINCT lead_id)
            FROM call WHERE started_at >= '2026-11-01T00:00:00' AND started_at < '2026-12-01T00:00:00' GROUP BY agent_id;
            """])
        return Figure(name: "seat report, 1000 agents, \(reportCalls) calls", oursSeconds: ours, referenceSeconds: reference,
                      ratio: ours / reference, peakRSSMB: peak, note: "sqlite3 shell: the per-agent GROUP BY over the month's calls")
    }

    /// Leads in the shape vendors send: Chinese names, ages, income, occupation, marital status.
    func generateLeadFile(path: String, rows: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot write \(path)")
        }
        defer { try? handle.close() }
        var random = SeededRandom(seed: 11)
        var buffer = Self.leadHeader.joined(separator: ",") + "\n"
        for i in 0..<rows {
            buffer += Self.leadFields(i, rows: rows, random: &random).joined(separator: ",") + "\n"
            if buffer.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer = ""
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
    }

    static let leadHeader = ["phone", "name", "age", "income", "occupation", "marital", "children", "city"]

    /// Lead `i` of a generated file: mostly new numbers; some existing leads, some DNC, some bad, some repeated.
    static func leadFields(_ i: Int, rows: Int, random: inout SeededRandom) -> [String] {
        let jobs = ["教师", "工程师", "销售", "会计", "个体", "无业"]
        let cities = ["上海", "北京", "广州", "深圳", "杭州"]
        let phone: String
        switch i % 50 {
        case 7: phone = String(format: "137%08d", (i / 50) * 10)
        case 13: phone = String(format: "139%08d", (i / 50) % max(1, rows / 100) * 100)
        case 21: phone = "1234567"
        // New numbers in no order (a multiplicative permutation), as vendors send them.
        case 33: phone = String(format: "158%08d", (i - 1) * 7_919 % 100_000_000)
        default: phone = String(format: "158%08d", i * 7_919 % 100_000_000)
        }
        let age = 18 + Int(random.next() % 50)
        return [phone, "客户\(i)", String(age), String(Int(random.next() % 30) * 10_000), jobs[Int(random.next() % 6)],
                random.chance(0.6) ? "已婚" : "未婚", String(random.next() % 3), cities[Int(random.next() % 5)]]
    }

    /// The same leads as a workbook, as Excel keeps them: numbers (phones, ages, income) typed as numbers.
    func generateLeadWorkbook(path: String, rows: Int) throws {
        let book = try WorkbookWriter(path: path, streaming: true)
        let sheet = book.addSheet("leads")
        for (c, name) in Self.leadHeader.enumerated() { sheet.text(0, c, name) }
        var random = SeededRandom(seed: 11)
        for i in 0..<rows {
            for (c, field) in Self.leadFields(i, rows: rows, random: &random).enumerated() {
                if let number = Double(field), field.first != "0" || field == "0" { sheet.number(i + 1, c, number) } else { sheet.text(i + 1, c, field) }
            }
        }
        try book.close()
    }

    /// Importing a `rows`-row lead workbook (read, validate, dedupe, grade, insert) beside
    /// python-calamine (Rust) reading the same workbook alone, and openpyxl's read-only mode.
    func measureWorkbookImport(in folder: URL) throws -> [Figure] {
        let file = folder.appendingPathComponent("leads.xlsx").path
        try generateLeadWorkbook(path: file, rows: rows)
        let db = folder.appendingPathComponent("xlsx.sqlite").path
        try run(callops, ["init", "--db", db])
        let (ours, peak) = try timed(callops, ["leads", "import", file, "--source", "bench", "--db", db, "--now", "2026-11-23T10:00"])
        let readers = [
            ("python-calamine", "python_calamine", "from python_calamine import CalamineWorkbook\nrows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()"),
            ("openpyxl read-only", "openpyxl", "import openpyxl\nrows = sum(1 for _ in openpyxl.load_workbook(sys.argv[1], read_only=True).worksheets[0].iter_rows(values_only=True))"),
        ]
        return try readers.map { name, module, code in
            guard (try? spawn("/usr/bin/env", ["python3", "-c", "import \(module)"]).0) == 0 else {
                return Figure(name: "xlsx import \(rows) leads vs \(name)", oursSeconds: ours, referenceSeconds: 0, ratio: 0, peakRSSMB: peak,
                              note: "\(name) is not installed here (pip install python-calamine openpyxl): no reference measured")
            }
            let (reference, _) = try timed("/usr/bin/env", ["python3", "-c", "import sys\n" + code, file])
            return Figure(name: "xlsx import \(rows) leads vs \(name)", oursSeconds: ours, referenceSeconds: reference, ratio: ours / reference,
                          peakRSSMB: peak, note: "\(name) reading the same workbook into rows, nothing else")
        }
    }

    func sqlite(_ db: String, _ sql: String) throws {
        try run("/usr/bin/env", ["sqlite3", db, sql])
    }

    @discardableResult
    func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let (status, _, _) = try spawn(executable, arguments)
        guard status == 0 else { throw ValidationError("\(executable) \(arguments.prefix(3).joined(separator: " ")) failed (\(status))") }
        return status
    }

    /// Wall time and peak resident memory (MB) of a child process.
    func timed(_ executable: String, _ arguments: [String]) throws -> (Double, Double) {
        // Both sides start with the files just written on disk, not being written back meanwhile.
        sync()
        let start = Date()
        let (status, _, peakKB) = try spawn(executable, arguments)
        let seconds = Date().timeIntervalSince(start)
        guard status == 0 else { throw ValidationError("\(executable) \(arguments.prefix(3).joined(separator: " ")) failed (\(status))") }
        return (seconds, Double(peakKB) / 1024)
    }

    /// Runs a child with posix_spawn and reaps it with wait4, which reports the child's own
    /// peak memory (Foundation's Process reaps children itself and loses it).
    func spawn(_ executable: String, _ arguments: [String]) throws -> (Int32, String, Int) {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard code == 0 else { throw ValidationError("cannot start \(executable): \(String(cString: strerror(code)))") }
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
        return ((status >> 8) & 0xFF, "", usage.ru_maxrss)
    }
}

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
