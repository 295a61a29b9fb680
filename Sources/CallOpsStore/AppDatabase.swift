import CallOpsCore
import Foundation
import GRDB

/// A named schema step. Each module lists its own; once shipped, a migration never changes
/// (a new one follows it).
public struct Migration: Sendable {
    public let name: String
    public let migrate: @Sendable (Database) throws -> Void

    public init(_ name: String, _ migrate: @escaping @Sendable (Database) throws -> Void) {
        self.name = name
        self.migrate = migrate
    }
}

/// The callops database: one SQLite file, WAL, foreign keys on, a busy timeout so that two runs
/// wait for each other instead of failing, and the migrations of every module in use.
///
/// Each business operation runs in one `transaction`, so a command either completes or
/// changes nothing.
public final class AppDatabase: Sendable {
    /// The connection; modules use it through `transaction` and `read`.
    public let writer: any DatabaseWriter
    /// Where the database lives, for messages (`:memory:` for tests).
    public let path: String

    /// Opens (creating when needed) and migrates the database file at `path`.
    /// - Parameters:
    ///   - schema: the migrations of every module, in dependency order (duplicates are ignored).
    public static func open(path: String, schema: [Migration]) throws -> AppDatabase {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.journalMode = .wal
        config.busyMode = .timeout(30)
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        }
        return try AppDatabase(queue, path: path, schema: schema)
    }

    /// A private in-memory database with the production configuration, for tests and dry runs.
    public static func inMemory(schema: [Migration]) throws -> AppDatabase {
        var config = Configuration()
        config.foreignKeysEnabled = true
        return try AppDatabase(DatabaseQueue(configuration: config), path: ":memory:", schema: schema)
    }

    private init(_ writer: any DatabaseWriter, path: String, schema: [Migration]) throws {
        self.writer = writer
        self.path = path
        var migrator = DatabaseMigrator()
        var seen = Set<String>()
        for step in Self.storeSchema + schema where seen.insert(step.name).inserted {
            migrator.registerMigration(step.name, migrate: step.migrate)
        }
        do {
            try writer.read { db in
                let applied = try migrator.appliedIdentifiers(db)
                let unknown = applied.subtracting(seen)
                if !unknown.isEmpty {
                    throw CallOpsError.refused(
                        "\(path) was written by a newer callops (schema steps \(unknown.sorted().joined(separator: ", ")) are unknown here); upgrade callops before using it")
                }
            }
            try migrator.migrate(writer)
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        }
    }

    /// Runs `body` in one immediate transaction: all of it is written, or none of it.
    /// - Parameters:
    ///   - dryRun: do all the work, then roll it back (`--dry-run`): the result says what would be done.
    public func transaction<T>(dryRun: Bool = false, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return dryRun ? .rollback : .commit
                }
                return result!
            }
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        }
    }

    /// Runs a read-only `body` on a consistent snapshot.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        }
    }

    /// Runs `body` on a read-only connection of its own, which sees what is committed (WAL lets
    /// it read while this database's connection writes); nil without running it for an
    /// in-memory database. A second thread uses it to look things up during a long write.
    public func withSeparateReader<T>(_ body: (Database) throws -> T) throws -> T? {
        guard path != ":memory:" else { return nil }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(30)
        do {
            return try DatabaseQueue(path: path, configuration: config).read(body)
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        }
    }

    /// Copies the database to `destination` with SQLite's online backup, safe while other runs
    /// use it.
    public func backup(to destination: String) throws {
        if FileManager.default.fileExists(atPath: destination) {
            throw CallOpsError.refused("\(destination) already exists; choose a new file name")
        }
        do {
            let target = try DatabaseQueue(path: destination)
            try writer.backup(to: target)
            try target.close()
        } catch let error as DatabaseError {
            try? FileManager.default.removeItem(atPath: destination)
            throw Self.explain(error, path: destination)
        }
    }

    /// SQLite's integrity check: an empty list means the file is sound.
    public func integrityProblems() throws -> [String] {
        try read { db in
            let rows = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let fk = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            return rows.filter { $0 != "ok" }
                + fk.map { "foreign key broken in \($0[0] as String? ?? "?") row \($0[1] as Int64? ?? 0)" }
        }
    }

    /// Turns SQLite's codes into a sentence that says what to do.
    static func explain(_ error: DatabaseError, path: String) -> CallOpsError {
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .refused("\(path) is not a readable callops database (\(error.message ?? "corrupt")); restore it from a backup (callops backup) or choose another --db")
        case .SQLITE_FULL:
            return .refused("\(path): the disk is full; nothing was changed; free some space and run the command again")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .refused("\(path) is busy: another callops run held it for more than 30 seconds; nothing was changed; try again when it has finished")
        case .SQLITE_CANTOPEN:
            return .refused("\(path) cannot be opened (\(error.message ?? "no access")); check the folder exists and is writable")
        case .SQLITE_READONLY:
            return .refused("\(path) is read-only; nothing was changed")
        default:
            return .refused("\(path): database error: \(error.message ?? "\(error.resultCode)") (\(error.sql ?? "no statement"))")
        }
    }

    /// The store's own tables: the audit log of every reveal or export of phone numbers.
    static let storeSchema: [Migration] = [metaSchema,
        Migration("store.v1") { db in
            try db.execute(sql: """
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    os_user TEXT NOT NULL,
                    command TEXT NOT NULL,
                    numbers INTEGER NOT NULL CHECK (numbers >= 0)
                );
                """)
        }
    ]
}

extension AppDatabase {
    /// The store's key-value facts about the database itself (which demo made it, ...).
    static let metaSchema = Migration("store.meta.v1") { db in
        try db.execute(sql: "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
    }

    /// Reads a fact about the database.
    public static func meta(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
    }

    /// Records a fact about the database.
    public static func setMeta(_ db: Database, _ key: String, _ value: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
    }
}
