import CallOpsCore
import Foundation
import GRDB

/// What a path given as `--db` holds, found before SQLite opens it for writing, so that a file
/// callops must not use is refused untouched, byte for byte (SPEC section 12).
enum DatabaseFile: Equatable {
    /// No file: only `init` and `demo` create one.
    case missing
    /// A zero-byte file, or a SQLite file without a table: `init` may make it a database.
    case empty
    /// A file stamped with callops's `application_id`.
    case callops
    /// A database of an older callops, made before the stamp: recognised by its own schema.
    case olderCallops

    /// The `PRAGMA application_id` callops writes into the header of its database: "COPS".
    static let applicationID: Int32 = 0x434F_5053

    /// Schema steps only callops writes: a file whose migration table holds one is callops's.
    static let ownSteps: Set<String> = ["store.meta.v1", "store.v1"]

    /// Looks at `path` without writing to it; throws when it is not a file callops may open.
    static func probe(_ path: String) throws -> DatabaseFile {
        if path.isEmpty {
            throw CallOpsError.refused("--db is empty: name the database file (or set $CALLOPS_DB); `callops init --db FILE` creates one")
        }
        let shown = Quoted.path(path)
        var info = stat()
        if lstat(path, &info) != 0 {
            if errno == ENOENT { return .missing }
            throw CallOpsError.refused("\(shown) cannot be read (\(String(cString: strerror(errno)))); check the path and its permissions")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw CallOpsError.refused("\(shown) is a folder, not a database file; choose a file with --db")
        }
        // What a link points at: a device (/dev/null, /dev/zero), a FIFO or a socket is no
        // database, and SQLite would fail on it with a raw I/O error and leave a -journal beside it.
        var target = stat()
        if stat(path, &target) == 0, (target.st_mode & S_IFMT) != S_IFREG {
            if (target.st_mode & S_IFMT) == S_IFDIR {
                throw CallOpsError.refused("\(shown) is a folder, not a database file; choose a file with --db")
            }
            throw CallOpsError.refused("\(shown) is not a regular file (a device, a FIFO or a socket); nothing was changed; choose a database file with --db")
        }
        if info.st_size == 0 { return .empty }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CallOpsError.refused("\(shown) cannot be read (no permission); check its permissions")
        }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        guard header.count == 100, header.starts(with: Array("SQLite format 3\0".utf8)) else {
            throw CallOpsError.refused(
                "\(shown) is not a readable callops database (not a SQLite file); nothing was changed; choose another --db or restore it from a backup")
        }
        // The application id is a big-endian 32-bit integer at offset 68 of the header.
        let id = header[68..<72].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        if Int32(bitPattern: id) == applicationID {
            // The stamp alone could be copied onto any file: callops's own migrations must be there
            // too. (A file this process cannot open read-only here, such as a WAL file in a folder
            // it may not write, is taken on its stamp; the open that follows says what is wrong.)
            guard let tables = try? ownTables(path) else { return .callops }
            guard tables else { throw foreign(shown) }
            return .callops
        }
        if id != 0 { throw foreign(shown) }
        return try schemaKind(path, shown: shown)
    }

    /// An unstamped SQLite file: callops's own (older) when its migration table names a callops
    /// step, empty when it has no table at all, else another application's.
    private static func schemaKind(_ path: String, shown: String) throws -> DatabaseFile {
        var config = Configuration()
        config.readonly = true
        do {
            let queue = try DatabaseQueue(path: readOnlyOpenPath(path), configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                if tables.isEmpty { return .empty }
                if tables.contains("grdb_migrations") {
                    let steps = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                    if !ownSteps.isDisjoint(with: steps) { return .olderCallops }
                }
                throw foreign(shown)
            }
        } catch let error as DatabaseError {
            throw AppDatabase.explain(error, path: path)
        }
    }

    /// Whether the file's migration table names a callops step.
    private static func ownTables(_ path: String) throws -> Bool {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: readOnlyOpenPath(path), configuration: config)
        defer { try? queue.close() }
        return try queue.read { db in
            guard try db.tableExists("grdb_migrations") else { return false }
            return !ownSteps.isDisjoint(with: try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
        }
    }

    /// How a read-only connection opens `path`: as an `immutable=1` URI when this process
    /// cannot write the file and no -wal is beside it (no run has it open), so that SQLite
    /// creates no -wal and -shm it could never remove; else the path itself. See
    /// `AppDatabase.open` for why an immutable open is safe only with its reads checked.
    static func readOnlyOpenPath(_ path: String) -> String {
        guard !isWritableHere(path), !FileManager.default.fileExists(atPath: path + "-wal") else { return path }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolute) + "?immutable=1"
    }

    /// Whether this process can write the database at `path` the way SQLite needs: the file
    /// itself, and its folder, where SQLite creates the -wal and -shm files. A writable file in a
    /// folder this process cannot write is read-only for callops (SQLite could open it, but
    /// neither read it in WAL mode nor write it).
    static func isWritableHere(_ path: String) -> Bool {
        FileManager.default.isWritableFile(atPath: path) && folderIsWritable(path)
    }

    /// Whether this process can create files in the folder that holds `path`.
    static func folderIsWritable(_ path: String) -> Bool {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return access(folder, W_OK | X_OK) == 0
    }

    private static func foreign(_ shown: String) -> CallOpsError {
        .refused("\(shown) is a SQLite database of another application, not callops's; nothing was changed; choose another --db (`callops init --db FILE` creates a new one)")
    }

    /// Creates an empty file only its owner can read: SQLite then keeps the mode for the
    /// database and gives its -wal and -shm files the same.
    static func createPrivate(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd < 0 {
            if errno == EEXIST { return }
            throw CallOpsError.refused("\(Quoted.path(path)) cannot be created (\(String(cString: strerror(errno)))); check the folder exists and is writable")
        }
        close(fd)
    }
}
