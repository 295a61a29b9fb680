import Foundation
import Synchronization
import GRDB
import Testing

@testable import CallOpsStore

/// CHECKs whose IN lists are rewritten as equalities (`CheckConstraints.writeEqualities`): the
/// same rule, cheaper to test, shown as it was written.
@Suite struct CheckEqualitiesTests {
    let original = """
        CREATE TABLE thing (
            id INTEGER PRIMARY KEY,
            -- kind: a, b'c (quoted), d(e) or f
            kind TEXT NOT NULL CHECK (kind IN ('a', 'b''c',
                'd(e)', 'f')),
            mark TEXT CHECK (mark NOT IN ('x', 'y')),
            gender TEXT CHECK (gender IN ('M', 'F')),
            size INTEGER CHECK (size >= 0),
            CHECK ((kind = 'a') = (size IS NOT NULL) OR kind IN ('f', 'd(e)'))
        )
        """

    @Test func anInListIsWrittenAsEqualitiesAndNotInIsLeft() {
        let rewritten = CheckConstraints.expandingInLists(original)
        #expect(rewritten.contains("CHECK ((kind = 'a' OR kind = 'b''c' OR kind = 'd(e)' OR kind = 'f'))"), "\(rewritten)")
        #expect(rewritten.contains("CHECK (mark NOT IN ('x', 'y'))"), "\(rewritten)")
        #expect(rewritten.contains("CHECK ((gender = 'M' OR gender = 'F'))"), "\(rewritten)")
        #expect(rewritten.contains("OR (kind = 'f' OR kind = 'd(e)'))"), "\(rewritten)")
        #expect(rewritten.contains("-- kind: a, b'c (quoted), d(e) or f"))
        // A collation or a table's name before IN is no column: left as it is.
        let collated = "CREATE TABLE t (zz TEXT CHECK (zz COLLATE NOCASE IN ('q', 'r')), yy TEXT CHECK (t.yy IN ('a', 'b')))"
        #expect(CheckConstraints.expandingInLists(collated) == collated)
        // Written twice, it is the same.
        #expect(CheckConstraints.expandingInLists(rewritten) == rewritten)
    }

    @Test func aChainIsShownAsTheListItStandsFor() {
        #expect(CheckConstraints.showingInLists("(kind = 'a' OR kind = 'b''c' OR kind = 'd(e)')") == "kind IN ('a', 'b''c', 'd(e)')")
        #expect(CheckConstraints.showingInLists("(status = 'open') = (agent_id IS NOT NULL) OR (status = 'won' OR status = 'lost')")
            == "(status = 'open') = (agent_id IS NOT NULL) OR status IN ('won', 'lost')")
        // Equalities over two columns are not one list.
        #expect(CheckConstraints.showingInLists("(a = 'x' OR b = 'y')") == "(a = 'x' OR b = 'y')")
        #expect(CheckConstraints.showingInLists("size IS NULL OR size < 100") == "size IS NULL OR size < 100")
    }

    /// Every value an outside tool could store (text, NULL, numbers, a blob of the same bytes)
    /// passes or fails the rewritten CHECKs exactly as it does the original ones.
    @Test func theRewrittenChecksAcceptWhatTheOriginalsAccept() throws {
        let queue = try DatabaseQueue()
        let rewritten = CheckConstraints.expandingInLists(original)
        let expressions = CheckConstraints.checks(in: original).map(\.expression)
        let equalities = CheckConstraints.checks(in: rewritten).map(\.expression)
        #expect(expressions.count == 5 && equalities.count == 5)
        let kinds: [DatabaseValue] = ["a", "b'c", "d(e)", "f", "A", " a", "a ", "", "x", "y", "M", "F", "m"].map(\.databaseValue) + [
                                      .null, 1.databaseValue, 1.5.databaseValue, Data("a".utf8).databaseValue]
        try queue.read { db in
            for kind in kinds {
                for size in [DatabaseValue.null, 0.databaseValue, 5.databaseValue] {
                    for (before, after) in zip(expressions, equalities) {
                        let columns = "SELECT ? AS kind, ? AS mark, ? AS gender, ? AS size"
                        let arguments: StatementArguments = [kind, kind, kind, size]
                        let old = try DatabaseValue.fetchOne(db, sql: "SELECT (\(before)) FROM (\(columns))", arguments: arguments)
                        let new = try DatabaseValue.fetchOne(db, sql: "SELECT (\(after)) FROM (\(columns))", arguments: arguments)
                        #expect(old == new, "\(before) against \(after) for \(kind), \(size): \(String(describing: old)) and \(String(describing: new))")
                    }
                }
            }
        }
    }

    /// Rewritten in a migration on a file that holds rows: the rows stay, the new rule refuses
    /// what the old refused, the file passes SQLite's check, and a bad stored value is named
    /// with the rule as it was written.
    @Test func aMigrationRewritesATableInPlace() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.sqlite").path
        let first = [Migration("test.v1") { db in
            try db.execute(sql: original)
            try db.execute(sql: "INSERT INTO thing (kind, size) VALUES ('a', 1), ('f', NULL), ('b''c', NULL)")
        }]
        _ = try AppDatabase.open(path: path, schema: first, access: .create)
        let rewrite = first + [Migration("test.equalities") { db in try CheckConstraints.writeEqualities(db, tables: ["thing"]) }]
        let db = try AppDatabase.open(path: path, schema: rewrite, access: .create)
        try db.read { db in
            let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'thing'") ?? ""
            #expect(!sql.contains("kind IN (") && sql.contains("mark NOT IN ("), "\(sql)")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM thing") == 3)
        }
        #expect(try db.integrityProblems().isEmpty)
        #expect(throws: (any Error).self) { try db.transaction { db in try db.execute(sql: "INSERT INTO thing (kind) VALUES ('z')") } }
        #expect(throws: (any Error).self) { try db.transaction { db in try db.execute(sql: "INSERT INTO thing (kind, size) VALUES ('b''c', 3)") } }
        try db.transaction { db in try db.execute(sql: "INSERT INTO thing (kind) VALUES ('d(e)')") }
        try db.transaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE thing SET kind = 'q' WHERE id = 2")
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        }
        let problems = try db.integrityProblems()
        #expect(problems.contains("thing row 2, column kind: fails CHECK (kind IN ('a', 'b''c', 'd(e)', 'f'))"), "\(problems)")
        // A table whose rewrite would not parse keeps its CHECKs.
        #expect(!CheckConstraints.parses("CREATE TABLE x (a TEXT CHECK (a COLLATE (NOCASE = 'q')))"))
        #expect(CheckConstraints.parses("CREATE TABLE x (a TEXT CHECK ((a = 'q' OR a = 'r')))"))
        // Opened again, nothing is rewritten twice.
        _ = try AppDatabase.open(path: path, schema: rewrite, access: .create)
    }
}

extension CheckEqualitiesTests {
    /// A row whose foreign key was broken outside callops does not stop a step that changes no
    /// rows (the rewrite), so the file still reaches `callops check`; a step that changes rows
    /// checks every foreign key before it commits, as GRDB does.
    @Test func aBrokenForeignKeyDoesNotStopTheRewrite() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.sqlite").path
        let first = [Migration("test.v1") { db in
            try db.execute(sql: """
                CREATE TABLE parent (id INTEGER PRIMARY KEY);
                CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id), kind TEXT CHECK (kind IN ('a', 'b', 'c')));
                """)
        }]
        do {
            let db = try AppDatabase.open(path: path, schema: first, access: .create)
            try db.writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF; INSERT INTO child (parent_id, kind) VALUES (7, 'a'); PRAGMA foreign_keys = ON")
            }
        }
        try FileManager.default.copyItem(atPath: path, toPath: path + ".rows")
        let rewrite = first + [Migration("test.equalities", changesRows: false) { db in try CheckConstraints.writeEqualities(db, tables: ["child"]) }]
        let db = try AppDatabase.open(path: path, schema: rewrite)
        let sql = try db.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'child'") } ?? ""
        #expect(sql.contains("(kind = 'a' OR kind = 'b' OR kind = 'c')"), "\(sql)")
        let rows = first + [Migration("test.rows") { db in try db.execute(sql: "UPDATE child SET kind = 'b'") }]
        #expect(throws: (any Error).self) { _ = try AppDatabase.open(path: path + ".rows", schema: rows) }
    }
}

extension CheckEqualitiesTests {
    /// A migration that fails after some of its steps committed (a full disk here) keeps them
    /// and says so, instead of "nothing was changed"; the next run applies the rest.
    @Test func aMigrationStoppedPartwaySaysWhichStepsItKept() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.sqlite").path
        let first = [Migration("test.v1") { db in try db.execute(sql: "CREATE TABLE thing (id INTEGER PRIMARY KEY, kind TEXT CHECK (kind IN ('a', 'b', 'c')))") }]
        _ = try AppDatabase.open(path: path, schema: first, access: .create)
        let rewrite = Migration("test.equalities", changesRows: false) { db in try CheckConstraints.writeEqualities(db, tables: ["thing"]) }
        let failing = first + [rewrite, Migration("test.v2") { _ in throw DatabaseError(resultCode: .SQLITE_FULL, message: "full (injected)") }]
        do {
            _ = try AppDatabase.open(path: path, schema: failing)
            Issue.record("the failing step did not fail")
        } catch {
            #expect("\(error)".contains("the disk is full; the data was not changed, but 1 of the schema steps this callops adds were applied before it stopped"), "\(error)")
        }
        let db = try AppDatabase.open(path: path, schema: first + [rewrite, Migration("test.v2") { db in try db.execute(sql: "CREATE TABLE later (id INTEGER PRIMARY KEY)") }])
        #expect(try db.read { db in try db.tableExists("later") })
        #expect(try db.integrityProblems().isEmpty)
    }
}

/// Two runs that open a file of an older schema at the same moment: both end with the file
/// migrated once, neither fails (before, the second to reach a step the first had applied
/// stopped on "UNIQUE constraint failed: grdb_migrations.identifier").
@Suite struct ConcurrentMigrationTests {
    @Test func twoRunsMigratingTheSameFileAtOnceBothSucceed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.sqlite").path
        let first = [Migration("test.v1") { db in try db.execute(sql: "CREATE TABLE thing (id INTEGER PRIMARY KEY, kind TEXT CHECK (kind IN ('a', 'b', 'c')))") }]
        _ = try AppDatabase.open(path: path, schema: first, access: .create)
        // Each later step holds the write lock a while, so the two runs meet on it.
        let later = first + (2...4).map { step in
            Migration("test.v\(step)") { db in
                Thread.sleep(forTimeInterval: 0.15)
                try db.execute(sql: "CREATE TABLE step\(step) (id INTEGER PRIMARY KEY)")
            }
        } + [Migration("test.equalities") { db in try CheckConstraints.writeEqualities(db, tables: ["thing"]) }]
        for _ in 0..<3 {
            try? FileManager.default.removeItem(atPath: path + ".copy")
            try FileManager.default.copyItem(atPath: path, toPath: path + ".copy")
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                do {
                    _ = try AppDatabase.open(path: path + ".copy", schema: later, access: .create)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
            let db = try AppDatabase.open(path: path + ".copy", schema: later)
            let (steps, tables) = try db.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations WHERE identifier LIKE 'test.%'"),
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name LIKE 'step%'"))
            }
            #expect(steps == 5 && tables == 3)
            #expect(try db.integrityProblems().isEmpty)
        }
    }
}
