import Foundation
import GRDB
import Testing

@testable import CallOpsCore
@testable import CallOpsStore

/// A fresh temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("callops-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct AppDatabaseTests {
    let first = [Migration("test.v1") { db in try db.execute(sql: "CREATE TABLE thing (id INTEGER PRIMARY KEY, name TEXT NOT NULL)") }]
    var second: [Migration] {
        first + [Migration("test.v2") { db in try db.execute(sql: "ALTER TABLE thing ADD COLUMN size INTEGER NOT NULL DEFAULT 0") }]
    }

    @Test func migratesAFileAndReopensIt() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.sqlite").path
        do {
            let db = try AppDatabase.open(path: path, schema: first)
            try db.transaction { db in try db.execute(sql: "INSERT INTO thing (name) VALUES ('a')") }
        }
        // An older database is migrated, keeping its rows; running again changes nothing.
        for _ in 0..<2 {
            let db = try AppDatabase.open(path: path, schema: second)
            let (count, size) = try db.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM thing")!, try Int.fetchOne(db, sql: "SELECT size FROM thing")!)
            }
            #expect(count == 1 && size == 0)
            let mode = try db.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal")
            let fk = try db.read { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") }
            #expect(fk == 1)
        }
    }

    /// A transaction without foreign key checks (the calls import's) has them off inside and
    /// back on after, whether it commits, rolls back or throws; the next transaction checks again.
    /// A quick_check or integrity_check row of several lines is several findings, without the
    /// header that only names the schema; a refusal quotes each on its own, cut to 80 characters
    /// (the outside audit's D5).
    @Test func checkRowsOfSeveralLinesAreSplitIntoFindings() {
        let rows = ["*** in database main ***\nPage 64: btreeInitPage() returns error code 11\nPage 65: never used", "ok",
                    "row 3 missing from index lead_phone"]
        #expect(AppDatabase.checkFindings(rows) == ["Page 64: btreeInitPage() returns error code 11", "Page 65: never used", "row 3 missing from index lead_phone"])
        #expect(AppDatabase.checkFindings(["ok"]).isEmpty)
        let long = String(repeating: "x", count: 200)
        let refusal = "\(AppDatabase.damageRefusal(path: "c.sqlite", problems: AppDatabase.checkFindings([long + "\nPage 9: bad"])))"
        #expect(refusal.contains("(\(String(repeating: "x", count: 80))… (200 bytes); Page 9: bad)"), "\(refusal)")
        #expect(!refusal.contains("\\n") && refusal.contains("run `callops check --db c.sqlite`"), "\(refusal)")
    }

    @Test func foreignKeysComeBackOnAfterATransactionWithoutThem() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let schema = first + [Migration("test.v2") { db in
            try db.execute(sql: "CREATE TABLE part (id INTEGER PRIMARY KEY, thing_id INTEGER NOT NULL REFERENCES thing(id))")
        }]
        let db = try AppDatabase.open(path: folder.appendingPathComponent("c.sqlite").path, schema: schema)
        let inside = try db.transaction(checkingForeignKeys: false) { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") }
        #expect(inside == 0)
        #expect(try db.transaction { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") } == 1)
        for dryRun in [false, true] {
            _ = try db.transaction(dryRun: dryRun, checkingForeignKeys: false) { db in try db.execute(sql: "SELECT 1") }
            #expect(try db.transaction { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") } == 1)
        }
        #expect(throws: CallOpsError.self) {
            try db.transaction(checkingForeignKeys: false) { _ in throw CallOpsError.refused("stop") }
        }
        // Checked again: a part of no thing is refused.
        #expect(throws: (any Error).self) {
            try db.transaction { db in try db.execute(sql: "INSERT INTO part (thing_id) VALUES (42)") }
        }
        #expect(try db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM part") } == 0)
    }

    /// An immutable reader checks the file's stamp after each read (see `AppDatabase.open`): a
    /// read leaves it as it was; another run's commit, once checkpointed into the file, changes it.
    @Test func theFileStampSeesAnotherRunsWriteButNotAReader() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.sqlite").path
        try AppDatabase.open(path: path, schema: first).close()
        let stamp = try #require(DatabaseFileStamp(path))
        let reader = try AppDatabase.open(path: path, schema: first, access: .readOnly)
        _ = try reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM thing") }
        try reader.close()
        #expect(DatabaseFileStamp(path) == stamp)
        let writer = try AppDatabase.open(path: path, schema: first, access: .readWrite)
        try writer.transaction { db in try db.execute(sql: "INSERT INTO thing (name) VALUES ('a')") }
        try writer.close()
        #expect(DatabaseFileStamp(path) != stamp)
        // A file this process cannot write, with no -wal beside it, is read immutable (root
        // writes any file: for it the path stays as it is).
        #expect(chmod(path, 0o444) == 0)
        #expect(DatabaseFile.readOnlyOpenPath(path).hasSuffix("?immutable=1") == (getuid() != 0))
        #expect(FileManager.default.createFile(atPath: path + "-wal", contents: Data()))
        #expect(DatabaseFile.readOnlyOpenPath(path) == path)
    }

    @Test func refusesADatabaseFromANewerVersion() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("new.sqlite").path
        _ = try AppDatabase.open(path: path, schema: second)
        #expect(throws: CallOpsError.self) { try AppDatabase.open(path: path, schema: first) }
    }

    @Test func aCorruptFileIsAClearErrorNotACrash() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("junk.sqlite").path
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: path))
        #expect {
            try AppDatabase.open(path: path, schema: first)
        } throws: { error in
            "\(error)".contains("not a readable callops database")
        }
    }

    @Test func aFailedTransactionChangesNothing() throws {
        let db = try AppDatabase.inMemory(schema: first)
        #expect(throws: (any Error).self) {
            try db.transaction { db in
                try db.execute(sql: "INSERT INTO thing (name) VALUES ('kept?')")
                try db.execute(sql: "INSERT INTO thing (name) VALUES (NULL)")
            }
        }
        #expect(try db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM thing") } == 0)
    }

    @Test func backupCopiesAConsistentDatabase() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try AppDatabase.open(path: folder.appendingPathComponent("live.sqlite").path, schema: first)
        try db.transaction { db in try db.execute(sql: "INSERT INTO thing (name) VALUES ('x'), ('y')") }
        let copy = folder.appendingPathComponent("copy.sqlite").path
        try db.backup(to: copy)
        let restored = try AppDatabase.open(path: copy, schema: first)
        #expect(try restored.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM thing") } == 2)
        #expect(try restored.integrityProblems().isEmpty)
        #expect(throws: CallOpsError.self) { try db.backup(to: copy) }
    }

    @Test func auditLogRecordsWhoAndWhen() throws {
        let db = try AppDatabase.inMemory(schema: [])
        let clock = try Clock(fixed: "2026-11-23T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        try db.transaction { db in try AuditLog.record(db, command: "queue next --reveal-phones", numbers: 12, clock: clock) }
        let entries = try db.read(AuditLog.entries)
        #expect(entries.count == 1)
        #expect(entries[0].numbers == 12 && entries[0].at == "2026-11-23T10:00:00" && !entries[0].osUser.isEmpty)
    }
}

@Suite struct BulkStatementTests {
    @Test func bindsEmptyTextNullsAndCountsChanges() throws {
        let db = try AppDatabase.inMemory(schema: [Migration("t.v1") { db in
            try db.execute(sql: "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT, n INTEGER)")
        }])
        let inserted = try db.transaction { db -> Int in
            let insert = try BulkStatement(db, sql: "INSERT INTO t (k, v, n) VALUES (?, ?, ?), (?, ?, ?) ON CONFLICT (k) DO NOTHING")
            insert.bind(1, "a"); insert.bind(2, ""); insert.bind(3, 7 as Int64?)
            insert.bind(4, "a"); insert.bind(5, nil as String?); insert.bind(6, nil as Int64?)
            return try insert.step()
        }
        #expect(inserted == 1)
        let row = try db.read { db in try Row.fetchOne(db, sql: "SELECT v, n FROM t WHERE k = 'a'")! }
        #expect(row["v"] as String? == "" && row["n"] as Int? == 7)
    }
}

/// Audit defect: a SQLite file of another application in WAL mode was refused byte for byte,
/// but the probe's read-only connection left a -wal and a 32 KB -shm beside it.
@Suite struct ForeignWALFileTests {
    @Test func aRefusedForeignWALFileLeavesNoSideFiles() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("w.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "CREATE TABLE t (x)")
            }
            try queue.close()
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal") && !FileManager.default.fileExists(atPath: path + "-shm"))
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let schema = [Migration("test.v1") { db in try db.execute(sql: "CREATE TABLE thing (id INTEGER PRIMARY KEY)") }]
        for access in [AppDatabase.Access.readOnly, .readWrite, .create] {
            #expect(throws: CallOpsError.self) { _ = try AppDatabase.open(path: path, schema: schema, access: access) }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            #expect(left == ["w.sqlite"], "\(access): \(left)")
        }
    }
}

/// Audit: check printed "CHECK constraint failed in lead", naming no row or column; the line
/// now names them from the table's CHECKs.
@Suite struct CheckConstraintLineTests {
    @Test func aFailedCheckNamesTheRowAndColumn() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let schema = [Migration("test.v1") { db in
            try db.execute(sql: """
                CREATE TABLE thing (
                    id INTEGER PRIMARY KEY,
                    -- a comment (with parentheses) and the word check
                    kind TEXT NOT NULL CHECK (kind IN ('a', 'b(c)')),
                    size INTEGER CHECK (size >= 0),
                    CHECK (size IS NULL OR size < 100)
                );
                ALTER TABLE thing ADD COLUMN class TEXT NOT NULL DEFAULT 'x' CHECK (class IN ('x', 'y'));
                """)
        }]
        let db = try AppDatabase.open(path: folder.appendingPathComponent("c.sqlite").path, schema: schema, access: .create)
        try db.transaction { db in
            try db.execute(sql: "INSERT INTO thing (kind, size) VALUES ('a', 1), ('b(c)', 2)")
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE thing SET kind = 'z' WHERE id = 2; UPDATE thing SET class = 'q', size = 500 WHERE id = 1")
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        }
        let problems = try db.integrityProblems()
        #expect(problems.contains("thing row 2, column kind: fails CHECK (kind IN ('a', 'b(c)'))"), "\(problems)")
        #expect(problems.contains("thing row 1, column class: fails CHECK (class IN ('x', 'y'))"), "\(problems)")
        #expect(problems.contains("thing row 1: fails CHECK (size IS NULL OR size < 100)"), "\(problems)")
        #expect(!problems.contains { $0.hasPrefix("CHECK constraint failed") }, "\(problems)")
    }

    /// A writer whose statement touches a row written outside callops that fails a table CHECK
    /// refuses is told that row and column, as `callops check` names them, not SQLite's bare
    /// "CHECK constraint failed"; a bad value of the run's own is said as SQLite said it.
    @Test func aWriterHittingAStoredCheckFailureNamesTheRow() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.sqlite").path
        let schema = [Migration("test.v1") { db in
            try db.execute(sql: """
                CREATE TABLE thing (id INTEGER PRIMARY KEY, status TEXT NOT NULL CHECK (status IN ('a', 'left')), seat INTEGER,
                                    CHECK (status <> 'left' OR seat IS NULL))
                """)
        }]
        let db = try AppDatabase.open(path: path, schema: schema)
        try db.transaction { db in
            try db.execute(sql: "INSERT INTO thing (status, seat) VALUES ('a', 1), ('left', NULL)")
            try db.execute(sql: "PRAGMA ignore_check_constraints = 1")
            try db.execute(sql: "UPDATE thing SET seat = 2 WHERE id = 2")
            try db.execute(sql: "PRAGMA ignore_check_constraints = 0")
        }
        #expect {
            try db.transaction { db in try db.execute(sql: "UPDATE thing SET seat = seat + 10") }
        } throws: { error in
            "\(error)".contains("thing row 2: fails CHECK (status <> 'left' OR seat IS NULL)") && "\(error)".contains("nothing was changed")
        }
        #expect(try db.read { db in try String.fetchAll(db, sql: "SELECT seat FROM thing ORDER BY id") } == ["1", "2"])
        try db.transaction { db in try db.execute(sql: "UPDATE thing SET seat = NULL WHERE id = 2") }
        #expect {
            try db.transaction { db in try db.execute(sql: "UPDATE thing SET status = 'c' WHERE id = 1") }
        } throws: { error in
            !"\(error)".contains("row") && "\(error)".contains("CHECK constraint failed")
        }
    }
}

/// The quick check of a bulk writer runs beside its work (`startDamageCheck`) on a connection of
/// its own, and is a gate its transaction passes before COMMIT.
@Suite struct DamageCheckBesideTests {
    let schema = [Migration("test.v1") { db in
        try db.execute(sql: "CREATE TABLE thing (id INTEGER PRIMARY KEY, size INTEGER NOT NULL CHECK (size >= 0), note TEXT)")
    }]

    /// A database of `rows` things; the thing with id 7 stored with a size its CHECK refuses
    /// when `damaged` (a value written outside callops, which the quick check finds).
    func database(_ folder: URL, rows: Int = 20_000, damaged: Bool) throws -> AppDatabase {
        let db = try AppDatabase.open(path: folder.appendingPathComponent("c.sqlite").path, schema: schema)
        try db.transaction { db in
            try db.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(rows))
                INSERT INTO thing (id, size, note) SELECT i, i, printf('thing number %d with a note', i) FROM n
                """)
            if damaged {
                try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
                try db.execute(sql: "UPDATE thing SET size = -1 WHERE id = 7")
                try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
            }
        }
        return db
    }

    func sideFiles(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix("-wal") || $0.hasSuffix("-shm") }
    }

    @Test func aDamagedFileRollsBackTheWriteWithTheChecksRefusal() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try database(folder, damaged: true)
        try db.startDamageCheck()
        // The write itself succeeds: the gate before COMMIT refuses it.
        #expect {
            try db.transaction { db in try db.execute(sql: "INSERT INTO thing (size) VALUES (1)") }
        } throws: { error in
            "\(error)".contains("is damaged (thing row 7, column size: fails CHECK (size >= 0))") && "\(error)".contains("nothing was changed")
        }
        // A dry run is refused too.
        #expect(throws: CallOpsError.self) { try db.transaction(dryRun: true) { db in try db.execute(sql: "DELETE FROM thing") } }
        // A write that fails on its own (a damaged page met) says what the check found.
        #expect {
            try db.transaction { _ in throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "database disk image is malformed") }
        } throws: { error in
            "\(error)".contains("is damaged (thing row 7") && !"\(error)".contains("not a readable")
        }
        #expect(throws: CallOpsError.self) { try db.passDamageCheck() }
        #expect(try db.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM thing") } == 20_000)
        try db.close()
        #expect(sideFiles(folder).isEmpty)
    }

    @Test func aSoundFileCommitsAsBefore() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try database(folder, damaged: false)
        try db.startDamageCheck()
        try db.transaction { db in try db.execute(sql: "INSERT INTO thing (size) VALUES (1)") }
        try db.passDamageCheck()
        #expect(db.refusalIfCheckFoundDamage() == nil)
        // A failure of the write itself stays its own.
        #expect {
            try db.transaction { _ in throw CallOpsError.refused("the run's own refusal") }
        } throws: { error in "\(error)" == "the run's own refusal" }
        #expect(try db.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM thing") } == 20_001)
        try db.close()
        #expect(sideFiles(folder).isEmpty)
    }

    /// A run that ends while the check still reads (a command refused early) closes the check's
    /// connection before its own checkpoint: the -wal and -shm go, as after any run.
    @Test func closingWhileTheCheckRunsLeavesNoConnectionBehind() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try database(folder, rows: 400_000, damaged: false)
        try db.startDamageCheck()
        try db.close()
        #expect(sideFiles(folder).isEmpty, "\(sideFiles(folder))")
        // Nothing of the check holds the file: another run takes the write lock at once.
        let again = try AppDatabase.open(path: folder.appendingPathComponent("c.sqlite").path, schema: schema, access: .readWrite, busyWait: 0)
        try again.transaction { db in try db.execute(sql: "INSERT INTO thing (size) VALUES (1)") }
        try again.close()
    }

    /// An in-memory database is checked at once, as before the check ran beside the writer.
    @Test func anInMemoryDatabaseIsCheckedAtOnce() throws {
        let db = try AppDatabase.inMemory(schema: schema)
        try db.startDamageCheck()
        try db.transaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "INSERT INTO thing (size) VALUES (-1)")
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        }
        #expect { try db.startDamageCheck() } throws: { error in "\(error)".contains("is damaged (thing row 1, column size") }
    }
}

@Suite struct StoredValueErrorQuotingTests {
    /// Whichever reader built it, the error quotes at most 80 characters of the value, its
    /// control characters escaped, a newline never a line break (SPEC section 12).
    @Test func theValueIsCutAndEscaped() {
        let value = "\u{1B}[31m\nBAD" + String(repeating: "F", count: 600)
        for row in ["7", "?"] {
            let text = StoredValueError(table: "lead", row: row, column: "grade", value: value, expected: "one of A, B, C").description
            #expect(!text.contains("\n") && !text.contains("\u{1B}"), "\(text)")
            #expect(text.contains("\"\\x1B[31m\\nBAD") && !text.contains(String(repeating: "F", count: 100)), "\(text)")
        }
    }
}
