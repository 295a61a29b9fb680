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

    @Argument(help: "Figures to measure: import, allocate, queue, report, calls, xlsx, score, night (not run unless named).")
    var figures: [String] = ["import", "allocate", "queue", "report", "calls", "xlsx", "score"]
    @Option(help: "Rows of the generated lead file (and leads already in the database).") var rows: Int = 1_000_000
    @Option(name: .customLong("queue-leads"), help: "Leads in the small and the large database of the queue figure.") var queueLeads: [Int] = [100_000, 10_000_000]
    @Option(name: .customLong("report-calls"), help: "Call rows in the month of the report figure.") var reportCalls: Int = 10_000_000
    @Option(name: .customLong("night-agents"), help: "Agents of the night figure's center.") var nightAgents: Int = 10_000
    @Option(name: .customLong("night-leads"), help: "Leads of the night figure's center.") var nightLeads: Int = 10_000_000
    @Option(name: .customLong("night-calls"), help: "Dialer records of the night figure's day.") var nightCalls: Int = 2_000_000
    @Option(help: "Alternating runs of ours and the reference, where a figure takes more than one (calls).") var repeats: Int = 1
    @Option(help: "table or json.") var format: String = "table"

    struct Figure: Encodable {
        let name: String
        let oursSeconds: Double
        let referenceSeconds: Double
        let ratio: Double
        let peakRSSMB: Double
        let note: String
        /// CPU (user + system) of ours and of the reference, and their ratio: steadier than the
        /// wall ratio on a machine other work shares (0 where a figure runs no child).
        var oursCPUSeconds = 0.0
        var referenceCPUSeconds = 0.0
        var cpuRatio = 0.0

        enum CodingKeys: String, CodingKey {
            case name, ratio, note
            case oursSeconds = "ours_seconds"
            case referenceSeconds = "reference_seconds"
            case peakRSSMB = "peak_rss_mb"
            case oursCPUSeconds = "ours_cpu_seconds"
            case referenceCPUSeconds = "reference_cpu_seconds"
            case cpuRatio = "cpu_ratio"
        }

        /// The figure with the CPU of ours and of the reference (and their ratio, when it is
        /// not the one of these two: the median of alternating runs').
        func cpu(_ ours: Double, _ reference: Double, ratio: Double? = nil) -> Figure {
            var figure = self
            figure.oursCPUSeconds = ours
            figure.referenceCPUSeconds = reference
            figure.cpuRatio = ratio ?? (reference > 0 ? ours / reference : 0)
            return figure
        }
    }

    func validate() throws {
        for figure in figures where !["import", "allocate", "queue", "report", "calls", "xlsx", "score", "night"].contains(figure) {
            throw ValidationError("unknown figure \(figure); this build measures: import, allocate, queue, report, calls, xlsx, score, night")
        }
        if !(1...100_000).contains(nightAgents) || nightLeads < nightAgents || nightLeads > 99_999_999 || nightCalls < 1 {
            throw ValidationError("--night-agents takes 1 to 100000, --night-leads as many to 99999999, --night-calls at least 1")
        }
        if repeats < 1 || repeats > 20 { throw ValidationError("--repeats must be 1 to 20") }
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
            case "calls": results.append(try measureCalls(in: folder))
            case "night":
                // No reference: each step's seconds and peak memory (ratio 0).
                for step in try measureNight(in: folder) {
                    results.append(Figure(name: "night: \(step.step)", oursSeconds: step.seconds, referenceSeconds: 0, ratio: 0,
                                          peakRSSMB: step.peakRSSMB, note: "a \(nightAgents)-seat center's night, no reference").cpu(step.cpuSeconds, 0))
                }
            case "xlsx": results += try measureWorkbookImport(in: folder)
            case "score": results.append(try measureScore(in: folder))
            default: results.append(try measureReport(in: folder))
            }
        }
        if format == "json" {
            print(try Render.json(results), terminator: "")
        } else {
            var table = Table(["figure", ">ours s", ">reference s", ">ratio", ">ours CPU s", ">reference CPU s", ">CPU ratio", ">peak MB", "reference"])
            for r in results {
                table.append([r.name, Render.number(r.oursSeconds, digits: 4), Render.number(r.referenceSeconds, digits: 4),
                              Render.number(r.ratio, digits: 2), Render.number(r.oursCPUSeconds, digits: 2),
                              Render.number(r.referenceCPUSeconds, digits: 2), Render.number(r.cpuRatio, digits: 2),
                              Render.number(r.peakRSSMB, digits: 0), r.note])
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

        let (oursSeconds, peak, oursCPU) = try timed(callops, ["leads", "import", file, "--source", "bench", "--db", ours, "--now", "2026-11-23T10:00"])
        // The reference: the shell's own loader into the same table and unique index, through a
        // staging table because the file's columns are not the table's.
        let script = folder.appendingPathComponent("reference.sql").path
        // The reference keeps no per-agent-day aggregate: the call table's triggers are dropped
        // (in its own copy) so it inserts into a table with the call table's indexes only.
        try """
            PRAGMA journal_mode = WAL;
            DROP TRIGGER activity_call_insert;
            CREATE TEMP TABLE staging (phone TEXT, name TEXT, age TEXT, income TEXT, occupation TEXT, marital TEXT, children TEXT, city TEXT);
            BEGIN;
            .import --csv --skip 1 \(file) staging
            INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('bench', 'leads.csv', 'y', '2026-11-23T10:00:00');
            INSERT OR IGNORE INTO lead (batch_id, phone, name, age, city, occupation, income_fen, married, children, grade, score)
                SELECT 2, phone, name, age, city, occupation, income * 100, marital = '已婚', children, 'B', 30 FROM staging;
            COMMIT;
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let (referenceSeconds, _, referenceCPU) = try timed("/usr/bin/env", ["sqlite3", reference, ".read \(script)"])
        return Figure(
            name: "import \(rows) leads", oursSeconds: oursSeconds, referenceSeconds: referenceSeconds,
            ratio: oursSeconds / referenceSeconds, peakRSSMB: peak,
            note: "sqlite3 .import + INSERT into the same table (no validation, grading or DNC)").cpu(oursCPU, referenceCPU)
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
        let (oursSeconds, peak, oursCPU) = try timed(callops, ["leads", "allocate", "--db", ours, "--seed", "1", "--now", "2026-11-23T08:00"])
        let (referenceSeconds, _, referenceCPU) = try timed("/usr/bin/env", ["sqlite3", reference, """
            PRAGMA journal_mode = WAL;
            UPDATE lead SET agent_id = 1 + id % 1000, status = 'open', assigned_at = '2026-11-23T08:00:00' WHERE status = 'pool';
            """])
        return Figure(name: "allocate \(rows) leads to 1000 agents", oursSeconds: oursSeconds, referenceSeconds: referenceSeconds,
                      ratio: oursSeconds / referenceSeconds, peakRSSMB: peak,
                      note: "sqlite3: one bare UPDATE writing an agent id into the same rows (no ledger, no capacity, no fairness)").cpu(oursCPU, referenceCPU)
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
    /// `GROUP BY` over the same calls in the sqlite3 shell. The calls are written by SQL, so the
    /// call table's triggers keep `activity_day` as any writer would; ours reads it, the
    /// reference reads the raw calls.
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
        let (ours, peak, oursCPU) = try timed(callops, ["seats", "report", "--db", path, "--month", "2026-11", "--format", "json", "--now", "2026-12-01T10:00"])
        let (reference, _, referenceCPU) = try timed("/usr/bin/env", ["sqlite3", path, """
            SELECT agent_id, COUNT(*), SUM(contact), SUM(effective), SUM(talk_seconds), COUNT(DISTINCT lead_id)
            FROM call WHERE started_at >= '2026-11-01T00:00:00' AND started_at < '2026-12-01T00:00:00' GROUP BY agent_id;
            """])
        return Figure(name: "seat report, 1000 agents, \(reportCalls) calls", oursSeconds: ours, referenceSeconds: reference,
                      ratio: ours / reference, peakRSSMB: peak,
                      note: "sqlite3 shell: the per-agent GROUP BY over the month's calls; ours reads the per-agent-day aggregate").cpu(oursCPU, referenceCPU)
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
        let (ours, peak, oursCPU) = try timed(callops, ["leads", "import", file, "--source", "bench", "--db", db, "--now", "2026-11-23T10:00"])
        let readers = [
            ("python-calamine", "python_calamine", "from python_calamine import CalamineWorkbook\nrows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()"),
            ("openpyxl read-only", "openpyxl", "import openpyxl\nrows = sum(1 for _ in openpyxl.load_workbook(sys.argv[1], read_only=True).worksheets[0].iter_rows(values_only=True))"),
        ]
        return try readers.map { name, module, code in
            guard (try? spawn("/usr/bin/env", ["python3", "-c", "import \(module)"]).0) == 0 else {
                return Figure(name: "xlsx import \(rows) leads vs \(name)", oursSeconds: ours, referenceSeconds: 0, ratio: 0, peakRSSMB: peak,
                              note: "\(name) is not installed here (pip install python-calamine openpyxl): no reference measured").cpu(oursCPU, 0)
            }
            let (reference, _, referenceCPU) = try timed("/usr/bin/env", ["python3", "-c", "import sys\n" + code, file])
            return Figure(name: "xlsx import \(rows) leads vs \(name)", oursSeconds: ours, referenceSeconds: reference, ratio: ours / reference,
                          peakRSSMB: peak, note: "\(name) reading the same workbook into rows, nothing else").cpu(oursCPU, referenceCPU)
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

    /// Wall time, peak resident memory (MB) and CPU seconds (user + system) of a child process.
    func timed(_ executable: String, _ arguments: [String]) throws -> (Double, Double, Double) {
        // Both sides start with the files just written on disk, not being written back meanwhile.
        sync()
        let start = Date()
        let (status, cpu, peakKB) = try spawn(executable, arguments)
        let seconds = Date().timeIntervalSince(start)
        guard status == 0 else { throw ValidationError("\(executable) \(arguments.prefix(3).joined(separator: " ")) failed (\(status))") }
        return (seconds, Double(peakKB) / 1024, cpu)
    }

    /// Runs a child with posix_spawn and reaps it with wait4, which reports the child's own
    /// peak memory and CPU seconds, user + system (Foundation's Process reaps children itself
    /// and loses them).
    func spawn(_ executable: String, _ arguments: [String]) throws -> (Int32, Double, Int) {
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
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
        return ((status >> 8) & 0xFF, cpu, usage.ru_maxrss)
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
        let (ours, peak, oursCPU) = try timed(callops, ["leads", "score", "train", "--db", path, "--seed", "1", "--now", "2026-11-23T08:00"])
        let (reference, _, referenceCPU) = try timed("/usr/bin/env", ["sqlite3", path, """
            SELECT age, income_fen, occupation, married, children, city, extra, status = 'won', COUNT(*)
            FROM lead WHERE status IN ('won', 'lost', 'exhausted') GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
            """])
        return Figure(name: "score: train on \(rows) closed leads", oursSeconds: ours, referenceSeconds: reference, ratio: ours / reference,
                      peakRSSMB: peak, note: "sqlite3: reading the same columns grouped by the same fields (features, 5-fold CV, fit, card)").cpu(oursCPU, referenceCPU)
    }
}

extension Bench {
    /// A center of 1,000 agents holding `leads` open leads (lead i held by agent 1 + i % 1000),
    /// made by SQL.
    func makeCenter(_ path: String, leads: Int, agents: Int = 1_000) throws {
        try run(callops, ["init", "--db", path])
        // Teams of 100 agents.
        try sqlite(path, """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \((agents + 99) / 100))
            INSERT INTO team (id, name) SELECT i, printf('T%03d', i) FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(agents))
            INSERT INTO agent (id, code, name, team_id, hire_date, tier, status)
            SELECT i, printf('A%04d', i), 'agent', 1 + (i - 1) / 100, '2025-01-01', 'core', 'active' FROM n;
            INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('bench', 'bench', 'c', '2026-11-01T00:00:00');
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < \(leads - 1))
            INSERT INTO lead (batch_id, phone, age, grade, score, status, agent_id, assigned_at)
            SELECT 1, printf('139%08d', i), 25 + i % 40, char(65 + i % 3), 30, 'open', 1 + i % \(agents), '2026-11-01T08:00:00' FROM n;
            PRAGMA wal_checkpoint(TRUNCATE);
            """)
    }

    /// `rows` dialer records over `days` days from `firstDay` on leads 0..<leads, out of time
    /// order as dialers export them: mostly unanswered, some contacts, callbacks, sales (with
    /// product and premium), refusals and do-not-call requests, a few on others' leads.
    func generateCallFile(path: String, rows: Int, leads: Int, agents: Int = 1_000, firstDay: Int = 2, days: Int = 28, idPrefix: String = "N") throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot write \(path)")
        }
        defer { try? handle.close() }
        var random = SeededRandom(seed: 23)
        var buffer = "call_id,agent_code,phone,started_at,talk_seconds,disposition,callback_at,product,premium,insured,note\n"
        let dispositions: [(String, Int)] = [("no_answer", 45), ("busy", 8), ("connected", 20), ("interested", 8), ("callback", 5),
                                             ("proposal", 5), ("sale", 1), ("refused", 4), ("dnc", 1), ("invalid_number", 3)]
        for n in 0..<rows {
            let lead = n * 7_919 % leads
            let agent = random.next() % 50 == 0 ? 1 + Int(random.next() % UInt64(agents)) : 1 + lead % agents
            var roll = Int(random.next() % 100)
            var disposition = "no_answer"
            for (d, weight) in dispositions {
                if roll < weight { disposition = d; break }
                roll -= weight
            }
            let day = firstDay + Int(random.next() % UInt64(days))
            let minute = 9 * 60 + Int(random.next() % 660)
            let unanswered = ["no_answer", "busy", "invalid_number"].contains(disposition)
            let talk = unanswered ? 0 : 30 + Int(random.next() % 400)
            let callback = disposition == "callback" ? String(format: "2026-11-%02dT15:00", min(30, day + 1)) : ""
            let sale = disposition == "sale" ? "ACC01,\(200 + random.next() % 800),self" : ",,"
            buffer += String(format: "%@%08d,A%04d,139%08d,2026-11-%02dT%02d:%02d:%02d,%d,%@,%@,%@,\n", idPrefix, n, agent, lead, day,
                             minute / 60, minute % 60, Int(random.next() % 60), talk, disposition, callback, sale)
            if buffer.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer = ""
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
    }

    /// Import of `rows` dialer records into a center of `rows` open leads, beside the sqlite3
    /// shell's `.import` of the same file into a staging table and one sorted `INSERT` of its
    /// rows, their leads and agents resolved by join, into the call table (its indexes), alternately
    /// `repeats` times on fresh copies.
    func measureCalls(in folder: URL) throws -> Figure {
        let base = folder.appendingPathComponent("calls-base.sqlite").path
        try makeCenter(base, leads: rows)
        let file = folder.appendingPathComponent("calls.csv").path
        try generateCallFile(path: file, rows: rows, leads: rows)
        let script = folder.appendingPathComponent("calls-reference.sql").path
        // The reference keeps no per-agent-day aggregate: the call table's triggers are dropped
        // (in its own copy) so it inserts into a table with the call table's indexes only.
        try """
            PRAGMA journal_mode = WAL;
            DROP TRIGGER activity_call_insert;
            CREATE TEMP TABLE staging (call_id TEXT, agent_code TEXT, phone TEXT, started_at TEXT, talk_seconds TEXT, disposition TEXT,
                                       callback_at TEXT, product TEXT, premium TEXT, insured TEXT, note TEXT);
            BEGIN;
            .import --csv --skip 1 \(file) staging
            INSERT INTO call (call_id, lead_id, agent_id, started_at, talk_seconds, disposition, contact, effective, callback_at, note)
                SELECT staging.call_id, lead.id, agent.id, staging.started_at, staging.talk_seconds, staging.disposition,
                       staging.talk_seconds > 0, staging.talk_seconds >= 60, NULLIF(staging.callback_at, ''), NULLIF(staging.note, '')
                FROM staging JOIN lead ON lead.phone = staging.phone JOIN agent ON agent.code = staging.agent_code
                ORDER BY staging.started_at;
            COMMIT;
            """.write(toFile: script, atomically: true, encoding: .utf8)
        var ours: [Double] = [], reference: [Double] = [], peaks: [Double] = [], oursCPU: [Double] = [], referenceCPU: [Double] = []
        for round in 0..<repeats {
            let copy = folder.appendingPathComponent("calls-\(round).sqlite").path
            try FileManager.default.copyItem(atPath: base, toPath: copy)
            let (seconds, peak, cpu) = try timed(callops, ["calls", "import", file, "--db", copy, "--now", "2026-11-30T21:00"])
            ours.append(seconds)
            oursCPU.append(cpu)
            peaks.append(peak)
            try FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: base, toPath: copy)
            let (referenceSeconds, _, cpu2) = try timed("/usr/bin/env", ["sqlite3", copy, ".read \(script)"])
            reference.append(referenceSeconds)
            referenceCPU.append(cpu2)
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
        }
        return Figure(name: "calls import \(rows) records", ours: ours, reference: reference, peakRSSMB: peaks.max() ?? 0,
                      note: "sqlite3 .import into a staging table + one sorted INSERT (leads and agents joined) into the call table")
            .cpu(oursCPU.sorted()[oursCPU.count / 2], referenceCPU.sorted()[referenceCPU.count / 2],
                 ratio: zip(oursCPU, referenceCPU).map { $0 / $1 }.sorted()[oursCPU.count / 2])
    }
}

extension Bench.Figure {
    /// A figure measured `ours.count` times, alternating with its reference on the same machine:
    /// the medians, and the range of the per-run ratios in the note.
    init(name: String, ours: [Double], reference: [Double], peakRSSMB: Double, note: String) {
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let ratios = zip(ours, reference).map { $0 / $1 }
        let range = ours.count > 1
            ? String(format: " (ratio %.2f–%.2f over %d alternating runs)", ratios.min()!, ratios.max()!, ours.count) : ""
        self.init(name: name, oursSeconds: median(ours), referenceSeconds: median(reference), ratio: median(ratios),
                  peakRSSMB: peakRSSMB, note: note + range)
    }
}


extension Bench {
    /// One step of the night: its seconds and peak memory.
    struct NightStep: Encodable {
        let step: String
        let seconds: Double
        let peakRSSMB: Double
        let cpuSeconds: Double

        enum CodingKeys: String, CodingKey {
            case step, seconds
            case peakRSSMB = "peak_rss_mb"
            case cpuSeconds = "cpu_seconds"
        }
    }

    /// A `nightAgents`-seat center's night (SPEC section 11): `nightCalls` dialer records of the
    /// day imported, then `daily` over `nightLeads` leads, then the month's seat report, each
    /// step's seconds and peak memory. No reference: the figure says what one machine holds.
    func measureNight(in folder: URL) throws -> [NightStep] {
        let path = folder.appendingPathComponent("night.sqlite").path
        try makeCenter(path, leads: nightLeads, agents: nightAgents)
        let file = folder.appendingPathComponent("night-calls.csv").path
        // The day's dials land on the leads most recently assigned, one day of the month.
        try generateCallFile(path: file, rows: nightCalls, leads: min(nightLeads, nightCalls), agents: nightAgents, firstDay: 27, days: 1)
        let out = folder.appendingPathComponent("night-out").path
        var steps: [NightStep] = []
        for (name, arguments) in [
            ("calls import \(nightCalls) records", ["calls", "import", file, "--db", path, "--now", "2026-11-27T21:00"]),
            ("daily over \(nightLeads) leads, \(nightAgents) agents", ["daily", "--db", path, "--date", "2026-11-28", "--out", out, "--now", "2026-11-27T22:00"]),
            ("seats report --month 2026-11", ["seats", "report", "--db", path, "--month", "2026-11", "--format", "json", "--now", "2026-11-28T08:00"]),
        ] {
            let (seconds, peak, cpu) = try timed(callops, arguments)
            steps.append(NightStep(step: name, seconds: seconds, peakRSSMB: peak, cpuSeconds: cpu))
        }
        return steps
    }
}
