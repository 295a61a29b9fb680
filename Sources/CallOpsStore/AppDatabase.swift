import CSQLiteSetup
import CallOpsCore
import Foundation
import GRDB

/// A named schema step. Each module lists its own; once shipped, a migration never changes
/// (a new one follows it).
public struct Migration: Sendable {
    public let name: String
    public let migrate: @Sendable (Database) throws -> Void
    /// Whether the step changes rows. One that does runs with foreign keys off and checks
    /// every foreign key of the file before it commits (GRDB's deferred checks, which a
    /// table's rebuild needs); one that does not (a schema text rewritten in place) leaves
    /// them on and checks nothing more, so a row broken outside callops does not stop it, and
    /// the file reaches `callops check`, which names that row.
    public let changesRows: Bool

    public init(_ name: String, changesRows: Bool = true, _ migrate: @escaping @Sendable (Database) throws -> Void) {
        self.name = name
        self.changesRows = changesRows
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

    /// How a command uses the database file.
    public enum Access: Sendable {
        /// `init` and `demo` (and tests): a missing or empty file becomes a new database.
        case create
        /// A command that writes: the file must already be a callops database.
        case readWrite
        /// A command that only reads: works on a read-only file too.
        case readOnly
    }

    /// SQLite's memory statistics off, once, before the process's first connection: each
    /// allocation and free of SQLite's took a global mutex for them (4% of the calls import's CPU
    /// in perf, 1,000,000 calls, 2026-11-30), and callops never reads them. A process that used
    /// SQLite before (a test run) keeps them, SQLite refusing the change.
    private static let sqliteSetUp: Void = { _ = callops_sqlite_memory_statistics_off() }()

    /// Opens and migrates the database file at `path`, creating it when needed (the path of
    /// `init`, `demo` and tests; commands use `open(path:schema:access:)` with `.readWrite` or
    /// `.readOnly`, which never create one).
    /// - Parameters:
    ///   - schema: the migrations of every module, in dependency order (duplicates are ignored).
    public static func open(path: String, schema: [Migration]) throws -> AppDatabase {
        try open(path: path, schema: schema, access: .create)
    }

    /// Opens the database file at `path` as `access` says. A file that is not callops's (another
    /// application's SQLite file, anything else) is refused untouched; a missing or empty one is
    /// refused unless `access` is `.create`; an older callops database is migrated and stamped
    /// with callops's `application_id` (a read-only command on an out-of-date file that it
    /// cannot write asks for `callops init`).
    /// - Parameters:
    ///   - busyWait: how long a writer waits for another run before it gives up, in seconds.
    ///   - onWait: told once per wait, after half a second, so the command can say it waits.
    public static func open(
        path: String, schema: [Migration], access: Access, busyWait: TimeInterval = 600, onWait: (@Sendable () -> Void)? = nil
    ) throws -> AppDatabase {
        _ = Self.sqliteSetUp
        // Taken before anything opens the file: what this run finds is not its own to remove.
        let sideFiles = DatabaseSideFiles(path)
        let kind: DatabaseFile
        do {
            kind = try DatabaseFile.probe(path)
        } catch let refusal as CallOpsError {
            // Another application's WAL file: the probe's read-only connection (closed now)
            // made a -wal and a 32 KB -shm it cannot remove; they are this run's, so they go.
            sideFiles.removeCreatedAfterRefusal()
            throw refusal
        } catch {
            sideFiles.removeUnused()
            throw error
        }
        if access != .create, kind == .missing || kind == .empty {
            let what = kind == .missing ? "does not exist" : "is empty, not a callops database"
            throw CallOpsError.refused(
                "\(Quoted.path(path)) \(what); nothing was changed; create the database with `callops init --db \(Quoted.path(path))` (or `callops demo`), or check --db and $CALLOPS_DB")
        }
        // A command that writes, on a file this process cannot write: SQLite would open it
        // read-only, make a -wal and a -shm it cannot remove, then fail at the first write.
        if access != .readOnly && kind != .missing && !FileManager.default.isWritableFile(atPath: path) {
            throw CallOpsError.refused("\(Quoted.path(path)) is read-only; nothing was changed; commands that only list or report work on it, the others need it writable")
        }
        // The same for a writable file in a folder this process cannot write: SQLite must create
        // the -wal and -shm beside the database to write it (or even to read it in WAL mode).
        if access != .readOnly && kind != .missing && !DatabaseFile.folderIsWritable(path) {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            throw CallOpsError.refused(
                "\(Quoted.path(path)) is in a read-only folder (\(Quoted.path(folder))), where SQLite cannot create the -wal and -shm files it needs to write; nothing was changed; commands that only list or report work on it, the others need the folder writable")
        }
        if kind == .missing { try DatabaseFile.createPrivate(path) }
        // An empty file init takes over becomes the database: private like a new one (SPEC 12).
        if kind == .empty && access == .create && chmod(path, 0o600) != 0 {
            throw CallOpsError.refused("\(Quoted.path(path)) cannot be made private (chmod 0600: \(String(cString: strerror(errno)))); nothing was changed")
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        let waitBudget = max(0, busyWait)
        // SQLite asks again and again while another run holds the lock: sleep between asks,
        // say so once, give up after the budget. One budget for the whole run, on the clock:
        // a command meets the lock more than once (opening, then its transaction), and counting
        // tries of 50 ms each per lock said it twice and gave up after 5 s with 2 configured.
        let budget = BusyBudget(seconds: waitBudget, onWait: onWait)
        config.busyMode = .callback { _ in budget.shouldRetry() }
        // SQLite checks each page's cells against the page's bounds as it reads it, so a damaged
        // page a command touches is found (SQLITE_CORRUPT, one clear line) before anything is
        // built on it. See README "Checking and keeping the database" for what it costs.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA cell_size_check = ON") }
        if access == .readOnly {
            // A file this process cannot write, or one in a folder it cannot write (where SQLite
            // cannot make the -wal and -shm), is opened read-only. A writable one is opened
            // with writes forbidden (`query_only`): SQLite refuses any change just the same,
            // and the connection may still remove the -wal and -shm files when it closes,
            // which a read-only connection leaves behind.
            if DatabaseFile.isWritableHere(path) {
                config.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = 1") }
            } else {
                config.readonly = true
            }
        } else {
            // WAL, set here rather than through GRDB's `journalMode = .wal`: GRDB makes sure a
            // -wal file exists by creating and dropping a table, a committed write on every
            // open, so a refused command changed the file (and could grow it by a free page).
            // The mode is kept in the file; setting it again on a WAL database writes nothing.
            config.prepareDatabase { db in
                guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                    throw CallOpsError.refused("\(Quoted.path(path)) cannot be put in WAL mode; check the folder is writable and not a network share")
                }
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
        }
        let database: AppDatabase
        // A file this process cannot write, read by a command that only reads. Opened the usual
        // way, SQLite (in WAL mode) creates a -wal and a -shm beside it that a read-only
        // connection can never remove: new files left behind (or, in a folder it cannot write,
        // no open at all). The choices were:
        // - read-only with WAL: needs the -shm, so it creates the files: refused;
        // - checking for an existing -wal: one exists while another run has the database open
        //   (a WAL connection keeps it until the last one closes), and then the -shm is that
        //   run's and SQLite must share it to see its writes: the usual read-only open;
        // - `immutable=1` when there is no -wal: SQLite takes no lock, uses no -shm, creates no
        //   file. It is only correct while nobody writes the file, and a writer with the
        //   permission this process lacks could start during the read: its checkpoint would
        //   change pages under a reader that never looks. So the file's stamp (inode, size,
        //   modification time in nanoseconds) is taken at open and checked after every read;
        //   a change refuses the result (`read`), which is never built on a file in motion.
        //   A writer that only appended to its new -wal has not touched the file, and the
        //   snapshot read is the committed state when the read began.
        // So: immutable when the file is read-only here and no -wal exists; otherwise as usual.
        let openPath = config.readonly ? DatabaseFile.readOnlyOpenPath(path) : path
        let immutable = openPath != path
        let stamp = immutable ? DatabaseFileStamp(path) : nil
        do {
            let queue = try DatabaseQueue(path: openPath, configuration: config)
            database = try AppDatabase(queue, path: path, schema: schema, migrate: access != .readOnly, busyWait: waitBudget, stamp: stamp,
                                    found: (sideFiles.hadWAL, sideFiles.hadSHM))
        } catch let error as DatabaseError {
            sideFiles.removeUnused()
            throw Self.explain(error, path: path, busyWait: waitBudget)
        } catch let refusal as CallOpsError {
            // The queue is closed by now (it did not outlive the failed open).
            sideFiles.removeCreatedAfterRefusal()
            throw refusal
        } catch let pending as PendingMigrations {
            guard DatabaseFile.isWritableHere(path) else {
                throw CallOpsError.refused(
                    "\(Quoted.path(path)) was made by an older callops and is read-only here; run `callops init` on a writable copy to bring it up to date (steps \(pending.steps.joined(separator: ", ")))")
            }
            // Brought up to date once with a writing connection, then read as asked.
            try open(path: path, schema: schema, access: .readWrite, busyWait: busyWait, onWait: onWait).close()
            return try open(path: path, schema: schema, access: .readOnly, busyWait: busyWait, onWait: onWait)
        }
        if access != .readOnly && kind != .callops { try database.stamp() }
        return database
    }

    /// Whether this process can write the database at `path` as SQLite needs: the file, and the
    /// folder where SQLite makes its -wal and -shm.
    public static func isWritableHere(_ path: String) -> Bool { DatabaseFile.isWritableHere(path) }

    /// How long this run still waits for another: on the clock from the first ask of a wait,
    /// announced once per run after half a second.
    final class BusyBudget: @unchecked Sendable {
        private let lock = NSLock()
        private var started: Date?
        private var lastAsk: Date?
        private var announced = false
        private let seconds: TimeInterval
        private let onWait: (@Sendable () -> Void)?

        init(seconds: TimeInterval, onWait: (@Sendable () -> Void)?) {
            self.seconds = seconds
            self.onWait = onWait
        }

        /// Whether SQLite should ask again (after a short sleep) or give up with SQLITE_BUSY.
        func shouldRetry() -> Bool {
            let now = Date()
            lock.lock()
            // A wait that follows the last ask within a second is the same wait (SQLite gave up
            // one statement and the command met the lock again); a later one is a new wait.
            if started == nil || now.timeIntervalSince(lastAsk ?? now) > 1 { started = now }
            lastAsk = now
            let waited = now.timeIntervalSince(started!)
            let announce = !announced && waited >= 0.5 && waited < seconds
            if announce { announced = true }
            lock.unlock()
            if announce { onWait?() }
            guard waited < seconds else { return false }
            usleep(useconds_t(min(0.05, seconds - waited) * 1_000_000))
            return true
        }
    }

    /// A read-only open found schema steps not yet applied.
    struct PendingMigrations: Error {
        let steps: [String]
    }

    /// A private in-memory database with the production configuration, for tests and dry runs.
    public static func inMemory(schema: [Migration]) throws -> AppDatabase {
        var config = Configuration()
        config.foreignKeysEnabled = true
        return try AppDatabase(DatabaseQueue(configuration: config), path: ":memory:", schema: schema, migrate: true, busyWait: 0)
    }

    /// A private in-memory copy of this database, for a dry run on a file this process cannot
    /// write: the dry run writes and rolls back in the copy, and the file is only read.
    public func scratchCopy() throws -> AppDatabase {
        var config = Configuration()
        config.foreignKeysEnabled = true
        let copy = try DatabaseQueue(configuration: config)
        do {
            try writer.backup(to: copy)
            try checkUnchanged()
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path, busyWait: busyWait)
        }
        return try AppDatabase(copy, path: ":memory:", schema: schema, migrate: true, busyWait: 0)
    }

    /// How long this connection waits for another run, for messages.
    let busyWait: TimeInterval
    /// Set once `close` has run: closing twice (a command, then the end of the run) is harmless.
    private let closed = CloseOnce()

    /// A flag set once, under a lock.
    private final class CloseOnce: @unchecked Sendable {
        private let lock = NSLock()
        private var done = false

        /// True the first time only.
        func markClosed() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            if done { return false }
            done = true
            return true
        }
    }

    /// For a connection opened `immutable`: the file as it was then, which every read checks.
    private let openedStamp: DatabaseFileStamp?
    /// A connection of a command that only reads: it never checkpoints (see `close`).
    private let readsOnly: Bool
    /// The -wal and -shm as the run found them, for `close` to remove what it left unused.
    private var sideFiles: DatabaseSideFiles? { path == ":memory:" ? nil : DatabaseSideFiles(path, found: foundSideFiles) }
    private let foundSideFiles: (wal: Bool, shm: Bool)
    /// The migrations it was opened with, for `scratchCopy`.
    private let schema: [Migration]
    /// The quick check a bulk writer runs beside its work (`startDamageCheck`), if started.
    private let damageCheck = DamageCheck()

    private init(_ writer: any DatabaseWriter, path: String, schema: [Migration], migrate: Bool, busyWait: TimeInterval,
                 stamp: DatabaseFileStamp? = nil, found: (wal: Bool, shm: Bool) = (true, true)) throws {
        self.writer = writer
        self.path = path
        self.busyWait = busyWait
        openedStamp = stamp
        readsOnly = !migrate
        foundSideFiles = found
        self.schema = schema
        var migrator = DatabaseMigrator()
        var seen = Set<String>()
        for step in Self.storeSchema + schema where seen.insert(step.name).inserted {
            migrator.registerMigration(step.name, foreignKeyChecks: step.changesRows ? .deferred : .immediate, migrate: step.migrate)
        }
        var appliedBefore = Set<String>()
        do {
            try writer.read { db in
                let applied = try migrator.appliedIdentifiers(db)
                appliedBefore = applied
                let unknown = applied.subtracting(seen)
                if !unknown.isEmpty {
                    throw CallOpsError.refused(
                        "\(path) was written by a newer callops (schema steps \(unknown.sorted().joined(separator: ", ")) are unknown here); upgrade callops before using it")
                }
            }
            if migrate {
                try Self.migrate(migrator, writer)
            } else {
                let pending = try writer.read { db in try migrator.appliedIdentifiers(db) }
                let missing = seen.subtracting(pending)
                if !missing.isEmpty { throw PendingMigrations(steps: missing.sorted()) }
            }
        } catch let error as DatabaseError {
            let explained = Self.explain(error, path: path, busyWait: busyWait)
            // Steps committed before the one that failed are kept (each is a transaction of its
            // own, and the file is sound with them): the message says so instead of "nothing
            // was changed", and a later run applies the rest.
            let applied = (try? writer.read { db in try migrator.appliedIdentifiers(db) }) ?? appliedBefore
            guard migrate, applied.count > appliedBefore.count, case let .refused(text) = explained else { throw explained }
            throw CallOpsError.refused(text.replacingOccurrences(
                of: "nothing was changed",
                with: "the data was not changed, but \(applied.count - appliedBefore.count) of the schema steps this callops adds were applied before it stopped (the file is sound with them; the next run applies the rest)"))
        }
    }

    /// Applies `migrator`'s steps missing from the file, each in a transaction of its own, also
    /// when another run applies them at the same moment. GRDB reads which steps are applied
    /// once, before the first; two runs that start together on an older file both set out to
    /// apply the same steps, and the second to take the write lock for a step the first has
    /// applied fails it (an outside audit saw "UNIQUE constraint failed:
    /// grdb_migrations.identifier" in 13 of 13 tries). That step's transaction is rolled back
    /// whole; when the file's applied steps moved meanwhile, the run starts again from them.
    /// An error with no other run behind it is thrown as it is.
    static func migrate(_ migrator: DatabaseMigrator, _ writer: any DatabaseWriter) throws {
        var attempts = 0
        while true {
            let before = try writer.read { db in try migrator.appliedIdentifiers(db) }
            do {
                try migrator.migrate(writer)
                return
            } catch {
                attempts += 1
                let after = (try? writer.read { db in try migrator.appliedIdentifiers(db) }) ?? before
                guard after != before, attempts < 100 else { throw error }
            }
        }
    }

    /// Writes callops's `application_id` into the file's header, and checkpoints it so that the
    /// main file carries it (another run reads the header before it opens the file).
    private func stamp() throws {
        do {
            try writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA application_id = \(DatabaseFile.applicationID)")
                do {
                    try db.checkpoint(.passive)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                    // Another run is checkpointing the file this moment (a passive checkpoint
                    // never waits): that checkpoint, or this run's own when it closes, carries
                    // the stamp into the main file. Runs started together on an older file
                    // failed here (seen in `threeRunsStartedAtOnceOnAnOlderDatabaseAllSucceed`).
                }
            }
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path, busyWait: busyWait)
        }
    }

    /// Ends the run with the file alone: the WAL checkpointed into the database and truncated,
    /// the connection closed (SQLite then removes the -wal and -shm files), also after a failure.
    public func close() throws {
        guard path != ":memory:", closed.markClosed() else { return }
        // The check's connection goes first: nothing reads the file while it is checkpointed.
        damageCheck.cancel()
        // Only a command that writes checkpoints: a truncating checkpoint waits for every other
        // writer (SQLite calls the busy handler), so a report run beside an import waited for
        // the import to end. A reader that closes last still has the WAL checkpointed and
        // removed by SQLite itself, which then takes the file without waiting.
        if !writer.configuration.readonly && !readsOnly {
            _ = try? writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        }
        defer { sideFiles?.removeUnused() }
        try writer.close()
    }

    /// Runs `body` in one immediate transaction: all of it is written, or none of it.
    /// - Parameters:
    ///   - dryRun: do all the work, then roll it back (`--dry-run`): the result says what would be done.
    ///   - checkingForeignKeys: false for a bulk writer that resolves every reference it writes
    ///     inside the transaction itself (the calls import, `leads allocate`): SQLite then skips the parent lookup
    ///     per row. `PRAGMA foreign_keys` cannot change inside a transaction, so it is turned off
    ///     on the connection before BEGIN and back on after, whether `body` commits, rolls back
    ///     or throws. No table declares ON DELETE or ON UPDATE actions, so nothing else changes.
    ///
    /// After a `startDamageCheck`, the check's outcome is awaited before COMMIT (and before a
    /// dry run's result): a damaged file rolls the work back with the check's refusal, also when
    /// the work itself failed (on a damaged page) while the check ran.
    public func transaction<T>(dryRun: Bool = false, checkingForeignKeys: Bool = true, _ body: (Database) throws -> T) throws -> T {
        do {
            return try transactionSaying(dryRun: dryRun, checkingForeignKeys: checkingForeignKeys, body)
        } catch {
            throw refusalIfCheckFoundDamage() ?? error
        }
    }

    /// `transaction` with its failures in the store's words.
    private func transactionSaying<T>(dryRun: Bool, checkingForeignKeys: Bool, _ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.writeWithoutTransaction { db in
                if !checkingForeignKeys { try db.execute(sql: "PRAGMA foreign_keys = OFF") }
                defer { if !checkingForeignKeys { try? db.execute(sql: "PRAGMA foreign_keys = ON") } }
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    try passDamageCheck()
                    if !dryRun, let kind = FaultPoint.failure(at: "transaction.commit") {
                        // A commit that fails as SQLite's would on a full disk or a failing one.
                        throw DatabaseError(resultCode: kind == "full" ? .SQLITE_FULL : .SQLITE_IOERR, message: "\(kind) (injected)")
                    }
                    return dryRun ? .rollback : .commit
                }
                return result!
            }
        } catch let error as DatabaseError {
            // A row written outside callops with a value its CHECK refuses fails the statement
            // that touches it, in words that name no row: the first such row and column, as
            // `callops check` names them (nothing found: a value of this run's, said as SQLite said it).
            if error.extendedResultCode == .SQLITE_CONSTRAINT_CHECK,
               let named = try? writer.read({ db in try CheckConstraints.firstFailing(db) }) {
                throw CallOpsError.refused("\(Quoted.path(path)): \(Quoted.value(named)): a stored value fails its CHECK (the database was changed outside callops or by a damaged run); nothing was changed; run `callops check` to list every such value, then correct it or restore a backup")
            }
            throw Self.explain(error, path: path, busyWait: busyWait)
        } catch let error as StoredValueError where error.row == "?" {
            throw (try? writer.read { error.located(in: $0) }) ?? error
        }
    }

    /// Runs a read-only `body` on a consistent snapshot.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            let result = try writer.read(body)
            try checkUnchanged()
            return result
        } catch let error as DatabaseError {
            try checkUnchanged()
            throw Self.explain(error, path: path, busyWait: busyWait)
        } catch let error as StoredValueError where error.row == "?" {
            // A bad value read through a SUM: the row that holds it, found by a follow-up query.
            throw (try? writer.read { error.located(in: $0) }) ?? error
        }
    }

    /// For an immutable connection: refuses what was read when another run wrote the file
    /// meanwhile (see `open`), rather than a result built on pages that changed under it.
    private func checkUnchanged() throws {
        guard let openedStamp, DatabaseFileStamp(path) != openedStamp else { return }
        throw CallOpsError.refused("\(Quoted.path(path)) was changed by another run while this command read it; nothing was changed; run the command again")
    }

    /// Runs a read-only `body` as `read` does, but a failure comes as SQLite gave it (a damaged
    /// page as SQLITE_CORRUPT), for `callops check`, which reports it as a finding.
    public func inspect<T>(_ body: (Database) throws -> T) throws -> T {
        let result = try writer.read(body)
        try checkUnchanged()
        return result
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
            throw Self.explain(error, path: path, busyWait: busyWait)
        }
    }

    /// Copies the database to `destination` with SQLite's online backup, safe while other runs
    /// use it. The copy is made in a temporary file beside `destination` (0600: it holds every
    /// customer's number), checked with `PRAGMA quick_check`, and only then linked into place;
    /// a corrupt source, a full disk or a failed check leaves no file behind.
    public func backup(to destination: String) throws {
        if FileManager.default.fileExists(atPath: destination) {
            throw CallOpsError.refused("\(Quoted.path(destination)) already exists; choose a new file name")
        }
        // The unfinished copy of a backup killed outright holds every number (`Leftovers`).
        Leftovers.sweep(besides: destination)
        let url = URL(fileURLWithPath: destination)
        let temporary = url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".callops-\(getpid()).tmp"
        func removeTemporary() {
            for side in ["", "-journal", "-wal", "-shm"] { unlink(temporary + side) }
        }
        removeTemporary()
        do {
            try DatabaseFile.createPrivate(temporary)
            let target = try DatabaseQueue(path: temporary)
            do {
                try writer.backup(to: target)
                let problems = Self.checkFindings(try target.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") })
                if !problems.isEmpty {
                    throw CallOpsError.refused(
                        "\(Quoted.path(path)) is damaged (its copy fails SQLite's check: \(Self.quotedFindings(problems))); no backup was written; run `callops check --db \(Quoted.path(path))` to see the damage, and restore the database from an earlier backup")
                }
                try target.close()
            } catch {
                try? target.close()
                throw error
            }
            guard link(temporary, destination) == 0 else {
                throw CallOpsError.badFile(file: Quoted.path(destination), message: "cannot be put in place (\(String(cString: strerror(errno))))")
            }
            removeTemporary()
        } catch let error as DatabaseError {
            removeTemporary()
            throw Self.explain(error, path: error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB ? path : destination, busyWait: busyWait)
        } catch {
            removeTemporary()
            throw error
        }
    }

    /// SQLite's quick check (the pages and records, not the indexes' contents): an empty list
    /// means the file is sound enough to write to.
    public func quickCheck() throws -> [String] {
        try read { db in Self.checkFindings(try String.fetchAll(db, sql: "PRAGMA quick_check")) }
    }

    /// The findings in the rows of quick_check or integrity_check, one a line: a row that holds
    /// several lines ("*** in database main ***\nPage 64: ...") is split, and the header line,
    /// which only names the schema, and "ok" are dropped.
    public static func checkFindings(_ rows: [String]) -> [String] {
        rows.flatMap { $0.split(whereSeparator: \.isNewline) }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0 != "ok" && !($0.hasPrefix("*** in database ") && $0.hasSuffix(" ***")) }
    }

    /// The first three of `findings` for a refusal, each quoted on its own (at most 80
    /// characters of each, SPEC section 12), joined with "; ".
    public static func quotedFindings(_ findings: [String]) -> String {
        findings.prefix(3).map { Quoted.value($0) }.joined(separator: "; ")
    }

    /// Refuses a damaged file before a bulk write: SQLite's quick check over every page, with
    /// the first problems and `callops check` in the message. It reads the whole file (about
    /// 3.2 s of CPU on a 1,000,000-lead center, 193 MB), so only the commands that read or write
    /// much of the database anyway run it, and on a file they write beside their work
    /// (`startDamageCheck`); every other command relies on SQLite's checks of the pages it reads
    /// (`cell_size_check` on).
    public func refuseIfDamaged() throws {
        // "CHECK constraint failed in agent" names no row: the rows and columns behind it, as `check` names them.
        let problems = namingCheckRows(try quickCheck(), limit: 3)
        guard problems.isEmpty else { throw Self.damageRefusal(path: path, problems: problems) }
    }

    /// The refusal of a bulk writer (or `init`) on a file whose check found `problems`.
    public static func damageRefusal(path: String, problems: [String]) -> CallOpsError {
        .refused(
            "\(Quoted.path(path)) is damaged (\(quotedFindings(problems))); nothing was changed; run `callops check --db \(Quoted.path(path))` to see the damage, and restore the database from a backup (callops backup)")
    }

    /// Starts `refuseIfDamaged`'s check beside a bulk writer's work instead of before it: on a
    /// thread and a connection of its own that only reads (`query_only`), the committed file while this
    /// connection writes. Its outcome is the gate `passDamageCheck`, which `transaction` passes
    /// before COMMIT; outputs pass it before they are placed (the command registers it with
    /// `OutputFile.setPlacingGate`). An in-memory database is checked at once, as before.
    public func startDamageCheck() throws {
        guard path != ":memory:" else { return try refuseIfDamaged() }
        let path = path, busyWait = busyWait
        damageCheck.start(
            path: path, refusal: { Self.damageRefusal(path: path, problems: $0) },
            explain: { (Self.mayBeDamage($0, path: path), Self.explain($0, path: path, busyWait: busyWait)) })
    }

    /// The gate of a bulk writer: waits for the check `startDamageCheck` started (nothing when
    /// none was) and throws its refusal when the file is damaged or could not be checked.
    public func passDamageCheck() throws {
        switch damageCheck.wait() {
        case nil, .sound?: return
        case let .damaged(refusal)?, let .failed(refusal)?: throw refusal
        }
    }

    /// The refusal of a damaged file when the check `startDamageCheck` started finds damage
    /// (waiting for it); nil otherwise. A command that failed while the check ran throws this
    /// instead of its own failure (a damaged page met): it says what it said when the check
    /// ran before it.
    public func refusalIfCheckFoundDamage() -> CallOpsError? {
        guard damageCheck.isStarted, case let .damaged(refusal)? = damageCheck.wait() else { return nil }
        return refusal
    }

    /// `lines` from integrity_check or quick_check with each "CHECK constraint failed in TABLE"
    /// replaced by the rows and columns that fail the table's CHECKs (at most `limit` per
    /// table; the plain line when none is found).
    private func namingCheckRows(_ lines: [String], limit: Int) -> [String] {
        (try? inspect { db in Self.namingCheckRows(lines, in: db, limit: limit) }) ?? lines
    }

    /// `namingCheckRows` read on `db` (the check's own connection, beside a writer).
    static func namingCheckRows(_ lines: [String], in db: Database, limit: Int) -> [String] {
        lines.flatMap { line -> [String] in
            let prefix = "CHECK constraint failed in "
            guard line.hasPrefix(prefix) else { return [line] }
            let table = String(line.dropFirst(prefix.count))
            let named = (try? CheckConstraints.failing(db, table: table, limit: limit)) ?? []
            return named.isEmpty ? [line] : named
        }
    }

    /// SQLite's integrity check: an empty list means the file is sound. On a damaged file each
    /// finding is a line (the first `limit`, then how many more); a check that cannot finish is
    /// a finding too, so `callops check` always shows what it found. A failure that says
    /// nothing about the file (a full disk, a file or folder it cannot write, another run
    /// holding it) is thrown as the store's sentence for it, never reported as damage.
    public func integrityProblems(limit: Int = 20) throws -> [String] {
        var problems: [String] = []
        // The rows are read one by one, so those SQLite returned before it stopped (a damaged
        // page it could not read past) are kept and shown above "could not finish".
        var read: [String] = []
        do {
            try inspect { db in
                let cursor = try String.fetchCursor(db, sql: "PRAGMA integrity_check(\(limit + 1))")
                while let row = try cursor.next() { read.append(row) }
            }
            let rows = Self.checkFindings(read)
            // "CHECK constraint failed in lead" names no row: each such line is replaced by the
            // rows and columns that fail the table's CHECKs (the plain line when none is found).
            problems += namingCheckRows(Array(rows.prefix(limit)), limit: limit)
            if rows.count > limit { problems.append("(more integrity_check findings not shown)") }
        } catch {
            try rethrowUnlessDamage(error)
            var found = Self.checkFindings(read)
            if found.isEmpty {
                // integrity_check gave nothing before it stopped: quick_check (which skips the
                // index cross-checks) often reads further and names the damaged pages.
                var quick: [String] = []
                _ = try? inspect { db in
                    let cursor = try String.fetchCursor(db, sql: "PRAGMA quick_check(\(limit + 1))")
                    while let row = try cursor.next() { quick.append(row) }
                }
                found = Self.checkFindings(quick)
            }
            problems += found.prefix(limit)
            if found.count > limit { problems.append("(more integrity_check findings not shown)") }
            problems.append("integrity_check could not finish: \(Self.sqliteMessage(error))")
        }
        do {
            // foreign_key_check names the table, the row, the parent and the key's number;
            // foreign_key_list maps that number to the child's columns, so the line names them.
            let fk = try inspect { db in
                try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").prefix(limit + 1).map { row -> String in
                    let table = StoredValue.text(row, "table"), parent = StoredValue.text(row, "parent")
                    let fkid = Int64.fromDatabaseValue(row["fkid"] as DatabaseValue)
                    let columns = try Row.fetchAll(db, sql: "SELECT * FROM pragma_foreign_key_list(?)", arguments: [table])
                        .filter { Int64.fromDatabaseValue($0["id"] as DatabaseValue) == fkid }.map { StoredValue.text($0, "from") }
                    let column = columns.isEmpty ? "" : ", column \(columns.joined(separator: ", "))"
                    return "foreign key broken in \(table) row \(StoredValue.text(row, "rowid"))\(column): no such row in table \(parent)"
                }
            }
            problems += fk.prefix(limit)
            if fk.count > limit { problems.append("(more broken foreign keys not shown)") }
        } catch {
            try rethrowUnlessDamage(error)
            problems.append("foreign_key_check could not finish: \(Self.sqliteMessage(error))")
        }
        return problems
    }

    /// Throws `error` (in the store's words) when it is not evidence of a damaged file.
    private func rethrowUnlessDamage(_ error: any Error) throws {
        guard let database = error as? DatabaseError else { throw error }
        if !Self.mayBeDamage(database, path: path) { throw Self.explain(database, path: path, busyWait: busyWait) }
    }

    /// Whether a SQLite failure can come from a damaged file: a corrupt page, or an I/O error
    /// on a disk that is not full. A full disk, a read-only file or folder and a busy lock cannot.
    static func mayBeDamage(_ error: DatabaseError, path: String) -> Bool {
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return true
        case .SQLITE_IOERR: return !OutputFile.diskIsFull(path)
        default: return false
        }
    }

    /// SQLite's integrity check of a callops file too damaged to open as a database (its schema
    /// or stamp cannot be read), for `callops check`: nil when it is not a damaged SQLite file
    /// (missing, empty, another kind of file) or SQLite finds nothing wrong. Writes forbidden.
    public static func damageFound(path: String, limit: Int = 20) -> [String]? {
        // Only a regular file is read (opening a FIFO to read would wait for a writer).
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var head = [UInt8](repeating: 0, count: 16)
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        head = [UInt8]((try? handle.read(upToCount: 16)) ?? Data())
        try? handle.close()
        guard head == Array("SQLite format 3\0".utf8) else { return nil }
        // A file or folder this process cannot write is read as commands that only read do
        // (immutable when no run has it open): a query_only open would have to create the -shm
        // there, and its failure ("attempt to write a readonly database") is no damage.
        var config = Configuration()
        if DatabaseFile.isWritableHere(path) {
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = 1") }
        } else {
            config.readonly = true
        }
        let sideFiles = DatabaseSideFiles(path)
        defer { sideFiles.removeUnused() }
        do {
            let queue = try DatabaseQueue(path: config.readonly ? DatabaseFile.readOnlyOpenPath(path) : path, configuration: config)
            defer { try? queue.close() }
            let rows = checkFindings(try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(\(limit + 1))") })
            if rows.isEmpty { return nil }
            return Array(rows.prefix(limit)) + (rows.count > limit ? ["(more integrity_check findings not shown)"] : [])
        } catch let error as DatabaseError where !mayBeDamage(error, path: path) {
            // Not the file's fault: the open that follows says what is wrong in its own words.
            return nil
        } catch {
            return ["integrity_check could not finish: \(sqliteMessage(error))"]
        }
    }

    /// SQLite's own words for a failure (a damaged page), without GRDB's wrapping.
    public static func sqliteMessage(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }

    /// Turns SQLite's codes into a sentence that says what to do. A damaged file (SQLite finds a
    /// page it cannot read, whatever the command) is one clear line naming `callops check`; the
    /// command's transaction was rolled back, so nothing was changed.
    public static func explain(_ error: DatabaseError, path rawPath: String, busyWait: TimeInterval = 600) -> CallOpsError {
        let path = Quoted.path(rawPath)
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .refused(
                "\(path) is not a readable callops database: it is damaged (SQLite: \(Quoted.value(error.message ?? "corrupt"))); nothing was changed; run `callops check --db \(path)` to see the damage, and restore the database from a backup (callops backup) or choose another --db")
        case .SQLITE_FULL:
            return .refused("\(path): the disk is full; nothing was changed; free some space and run the command again")
        case .SQLITE_IOERR where OutputFile.diskIsFull(rawPath):
            // SQLite reports a write that found no space in the WAL or the journal as an I/O
            // error ("disk I/O error"), not SQLITE_FULL: the disk says which it was.
            return .refused("\(path): the disk is full; nothing was changed; free some space and run the command again")
        case .SQLITE_IOERR:
            return .refused("\(path): the disk failed to read or write it (SQLite: \(Quoted.value(error.message ?? "disk I/O error"))); nothing was changed; check the disk, then run `callops check --db \(path)`")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .refused("\(path) is busy: another callops run held it for more than \(Int(busyWait)) seconds (general.busy_wait_seconds); nothing was changed; try again when it has finished")
        case .SQLITE_CANTOPEN:
            return .refused("\(path) cannot be opened (\(error.message ?? "no access")); check the folder exists and is writable")
        case .SQLITE_READONLY:
            return .refused("\(path) is read-only; nothing was changed")
        case .SQLITE_ERROR where error.message == "integer overflow":
            // A SUM (a report's, or activity_day's trigger) over a stored number outside its
            // range, written by another tool: name the statement and the way to find the value.
            return .refused("\(path): a sum over stored values overflowed (\(Quoted.value(error.sql ?? "no statement"))): a stored number is out of its range; nothing was changed; run `callops check` to list it, then correct it or restore a backup")
        default:
            return .refused("\(path): database error: \(Quoted.value(error.message ?? "\(error.resultCode)")) (\(Quoted.value(error.sql ?? "no statement")))")
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
        },
        // The wall-clock time beside the run's (`--now`) time (SPEC section 12).
        Migration("store.audit.v2") { db in
            try db.execute(sql: "ALTER TABLE audit_log ADD COLUMN recorded_at TEXT")
        },
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
