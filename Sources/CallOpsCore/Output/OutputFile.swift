import Foundation

/// A file callops writes (`--out`, `--rejects`, `daily`'s files, a backup), made safe once here
/// so that every command writes the same way (SPEC section 12):
/// - it never lands on the database or its -wal, -shm or -journal file, on an input of the same
///   command, on any SQLite file, or on a folder;
/// - it is written to a temporary file beside it, flushed to disk, and renamed into place, so a
///   reader never sees half a file and a failure (a full disk) leaves the old file as it was;
/// - a new file holding phone numbers (`isPrivate`) is created 0600; an existing file keeps its mode.
public final class OutputFile {
    /// Where the file lands.
    public let path: String
    fileprivate let temporary: String
    private let handle: FileHandle
    private let mode: mode_t
    private var finished = false
    /// After `place`: the file it replaced, kept under a hidden name until `settle` or `revert`.
    private var replaced: String?
    private var placed = false

    /// Refuses `path` when writing there would destroy something: the database `database` (or
    /// its side files), one of `inputs`, a SQLite file, a folder, or an empty name.
    /// - Parameters:
    ///   - option: the option that named the file, for the message (`--out`, `--rejects`).
    public static func check(_ path: String, option: String, database: String?, inputs: [String] = []) throws {
        let shown = Quoted.path(path)
        guard !path.isEmpty else {
            throw CallOpsError.invalidValue(field: option, value: path, expected: "a file name")
        }
        // The file itself, not what a link points at: a symbolic link, a device (/dev/null,
        // /dev/stdout), a FIFO or a socket would be replaced by the rename (or, for a FIFO, block
        // the run), so only a regular file or a new name is written.
        var own = stat()
        if lstat(path, &own) == 0 {
            switch own.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw CallOpsError.refused("\(option) \(shown) is a folder; name a file to write")
            case S_IFLNK: throw CallOpsError.refused("\(option) \(shown) is a symbolic link; name the file itself; nothing was written")
            default: throw CallOpsError.refused("\(option) \(shown) is not a regular file (a device, a FIFO or a socket); name a file to write; nothing was written")
            }
        }
        let target = FileIdentity(path)
        if target.isDirectory || path.hasSuffix("/") {
            throw CallOpsError.refused("\(option) \(shown) is a folder; name a file to write")
        }
        // The folder it lands in must be there, so a command that also writes the database
        // learns before it changes anything that the file could not be put in place.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0, (folderInfo.st_mode & S_IFMT) == S_IFDIR else {
            throw CallOpsError.badFile(file: shown, message: "cannot be written: its folder \(Quoted.path(folder)) does not exist")
        }
        if let database, database != ":memory:" {
            for side in ["", "-wal", "-shm", "-journal"] where target.same(as: FileIdentity(database + side)) {
                throw CallOpsError.refused("\(option) \(shown) is the database\(side.isEmpty ? "" : "'s \(side) file"); nothing was written; choose another file")
            }
        }
        for input in inputs where target.same(as: FileIdentity(input)) {
            throw CallOpsError.refused("\(option) \(shown) is an input of this command (\(Quoted.path(input))); nothing was written; choose another file")
        }
        try checkSideName(path, option: option, database: database)
        if target.isSQLite {
            throw CallOpsError.refused("\(option) \(shown) is a SQLite database; callops never writes over one; nothing was written; choose another file")
        }
        // Another database's side file: writing over its -wal, -shm or -journal loses that
        // database's data (a WAL starts 377f0682 or 377f0683).
        if target.isWAL {
            throw CallOpsError.refused("\(option) \(shown) is a SQLite write-ahead log; callops never writes over one; nothing was written; choose another file")
        }
        for side in ["-wal", "-shm", "-journal"] where path.hasSuffix(side) && target.inode != nil {
            let main = String(path.dropLast(side.count))
            if FileManager.default.fileExists(atPath: main) {
                throw CallOpsError.refused("\(option) \(shown) is the \(side) file of \(Quoted.path(main)); callops never writes over a database's files; nothing was written; choose another file")
            }
        }
    }

    /// Refuses `path` (a file or a folder, there or not) when it, or a folder on the way to it,
    /// is named as the -wal, -shm or -journal file of a SQLite database beside it (a file that
    /// starts "SQLite format 3\0", or the database `database`): SQLite deletes such a file on the
    /// database's next open (a backup vanishes), or cannot open the database past a folder there.
    public static func checkSideName(_ path: String, option: String, database: String?) throws {
        // The path and each folder on the way to it (daily makes the folders it needs).
        var current = URL(fileURLWithPath: path).standardizedFileURL.path
        var first = true
        while current.count > 1 {
            for side in ["-wal", "-shm", "-journal"] where current.hasSuffix(side) && !current.hasSuffix("/" + side) {
                let main = String(current.dropLast(side.count))
                let identity = FileIdentity(main)
                let isDatabase = database.map { $0 != ":memory:" && identity.same(as: FileIdentity($0)) } ?? false
                if identity.isSQLite || isDatabase {
                    let what = isDatabase ? "this database" : "the SQLite database"
                    let within = first ? "" : " (in \(Quoted.path(current)))"
                    throw CallOpsError.refused("\(option) \(Quoted.path(path))\(within) is named as the \(side) file of \(what) \(Quoted.path(main)); SQLite would delete it, or fail to open the database; nothing was written; choose another name")
                }
            }
            first = false
            current = (current as NSString).deletingLastPathComponent
        }
    }

    /// Starts writing `path` (after `check`): a temporary file beside it, 0600 until it is in place.
    public init(path: String, option: String, database: String?, inputs: [String] = [], isPrivate: Bool) throws {
        try Self.check(path, option: option, database: database, inputs: inputs)
        self.path = path
        var info = stat()
        if stat(path, &info) == 0 {
            mode = info.st_mode & 0o7777
        } else if isPrivate {
            mode = 0o600
        } else {
            let mask = umask(0o022)
            umask(mask)
            mode = 0o666 & ~mask
        }
        // What a run killed while writing this name left beside it (`Leftovers`).
        Leftovers.sweep(besides: path)
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        temporary = folder + "/." + url.lastPathComponent + ".callops-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw CallOpsError.badFile(file: Quoted.path(path), message: "cannot be written (\(String(cString: strerror(errno)))); check the folder exists and is writable")
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    deinit {
        // A file placed whose transaction never said it committed (an error unwound past it).
        if placed { revert() }
        if !finished { discard() }
    }

    /// Appends `data` to the temporary file.
    public func write(_ data: Data) throws {
        do {
            try handle.write(contentsOf: data)
        } catch {
            discard()
            throw failure(error)
        }
    }

    /// Appends `text` as UTF-8.
    public func write(_ text: String) throws { try write(Data(text.utf8)) }

    /// Flushes what is written to disk (a full disk throws here), keeping the file open.
    public func synchronize() throws {
        do {
            try handle.synchronize()
        } catch {
            discard()
            throw failure(error)
        }
    }

    /// Flushes the file to disk, gives it its mode and renames it into place.
    public func commit() throws {
        guard !finished else { return }
        try passGate()
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            discard()
            throw failure(error)
        }
        finished = true
        guard chmod(temporary, mode) == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CallOpsError.badFile(file: Quoted.path(path), message: "cannot be put in place (\(reason))")
        }
    }

    /// Puts the file in place as `commit` does, inside a transaction that has yet to commit:
    /// the file it replaces is kept (a hard link under a hidden name), so `revert` can undo the
    /// placing when the commit fails, and a failed run leaves neither the file nor the change.
    /// Call `settle` once the transaction has committed.
    public func place() throws {
        guard !finished else { return }
        try passGate()
        var info = stat()
        if lstat(path, &info) == 0 {
            let kept = temporary + ".old"
            guard link(path, kept) == 0 else {
                let reason = String(cString: strerror(errno))
                discard()
                throw CallOpsError.badFile(file: Quoted.path(path), message: "cannot be replaced safely (\(reason)); nothing was changed")
            }
            replaced = kept
        }
        do {
            try commit()
        } catch {
            if let replaced { unlink(replaced) }
            replaced = nil
            throw error
        }
        placed = true
        FaultPoint.reach("output.placed")
    }

    /// Takes back what `place` did: the earlier file returns, or the new one goes.
    public func revert() {
        guard placed else { return }
        placed = false
        if let replaced {
            rename(replaced, path)
        } else {
            unlink(path)
        }
        replaced = nil
    }

    /// Forgets the file `place` replaced: the new one stays.
    public func settle() {
        placed = false
        if let replaced { unlink(replaced) }
        replaced = nil
    }

    /// The placing gate (`setPlacingGate`); one that refuses drops the temporary file.
    private func passGate() throws {
        do {
            try Self.passPlacingGate()
        } catch {
            discard()
            throw error
        }
    }

    /// Drops the temporary file; the file at `path` stays as it was.
    public func discard() {
        guard !finished else { return }
        finished = true
        try? handle.close()
        unlink(temporary)
    }

    private func failure(_ error: any Error) -> CallOpsError {
        let ns = error as NSError
        let full = ns.code == NSFileWriteOutOfSpaceError
            || (ns.userInfo[NSUnderlyingErrorKey] as? NSError).map { $0.domain == NSPOSIXErrorDomain && $0.code == Int(ENOSPC) } == true
            || (ns.domain == NSPOSIXErrorDomain && ns.code == Int(ENOSPC))
        return .badFile(file: Quoted.path(path), message: full ? "cannot be written: the disk is full; free some space and run the command again"
                                                           : "cannot be written (\(Quoted.describe(error)))")
    }

    /// What must hold before any output of this run is put in place (`commit`, `place`, the
    /// nightly batch's files): a bulk writer's check of its database, which runs beside its
    /// work (`AppDatabase.startDamageCheck`), registered by the command; nil for none.
    public static func setPlacingGate(_ gate: (@Sendable () throws -> Void)?) { placingGate.set(gate) }

    /// Passes the placing gate (waiting for it), or throws its refusal; nothing without one.
    public static func passPlacingGate() throws { try placingGate.get()?() }

    private static let placingGate = PlacingGate()

    /// The gate, under a lock (set on the command's thread, passed on any).
    private final class PlacingGate: @unchecked Sendable {
        private let lock = NSLock()
        private var gate: (@Sendable () throws -> Void)?

        func set(_ gate: (@Sendable () throws -> Void)?) {
            lock.lock()
            defer { lock.unlock() }
            self.gate = gate
        }

        func get() -> (@Sendable () throws -> Void)? {
            lock.lock()
            defer { lock.unlock() }
            return gate
        }
    }

    /// Whether the filesystem that holds `path` is full, asked after a write failed: less than
    /// 1 MB left counts, since the write that failed needed more than was left (SQLite's -shm
    /// alone takes 32 KB, a workbook's zip its whole size), not necessarily every last block.
    public static func diskIsFull(_ path: String) -> Bool {
        var info = statvfs()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return statvfs(folder, &info) == 0 && UInt64(info.f_bavail) * UInt64(info.f_frsize) < 1 << 20
    }

    /// The UTF-8 byte order mark that CSV files written for people start with (SPEC section 3):
    /// Excel and WPS on Chinese Windows read the file as UTF-8 only when it is there.
    public static let utf8BOM = "\u{FEFF}"

    /// Writes `text` to `path` whole (checked, temporary file, renamed into place); a CSV file
    /// for people (`bom`) starts with the UTF-8 byte order mark.
    public static func write(_ text: String, to path: String, option: String, database: String?, inputs: [String] = [],
                             isPrivate: Bool = false, bom: Bool = false) throws {
        try stage(text, to: path, option: option, database: database, inputs: inputs, isPrivate: isPrivate, bom: bom).commit()
    }

    /// Writes `text` to the temporary file beside `path` and flushes it, without putting it in
    /// place: a command that also changes the database calls `commit` inside its transaction,
    /// so a file that cannot be written rolls the transaction back (SPEC section 3).
    public static func stage(_ text: String, to path: String, option: String, database: String?, inputs: [String] = [],
                             isPrivate: Bool = false, bom: Bool = false) throws -> OutputFile {
        let file = try OutputFile(path: path, option: option, database: database, inputs: inputs, isPrivate: isPrivate)
        try file.write((bom ? utf8BOM : "") + text)
        try file.synchronize()
        return file
    }

    /// For a writer that wants a path of its own (libxlsxwriter): `produce` writes the
    /// temporary file, which is then given its mode and renamed into place.
    public static func write(to path: String, option: String, database: String?, inputs: [String] = [], isPrivate: Bool = false,
                             _ produce: (String) throws -> Void) throws {
        try stage(to: path, option: option, database: database, inputs: inputs, isPrivate: isPrivate, produce).commit()
    }

    /// `produce` writes the temporary file beside `path`; `commit` puts it in place.
    public static func stage(to path: String, option: String, database: String?, inputs: [String] = [], isPrivate: Bool = false,
                             _ produce: (String) throws -> Void) throws -> OutputFile {
        let file = try OutputFile(path: path, option: option, database: database, inputs: inputs, isPrivate: isPrivate)
        do {
            try produce(file.temporary)
        } catch let CallOpsError.badFile(named, message) where named == file.temporary || named == Quoted.path(file.temporary) {
            // The writer names the hidden temporary file; the user named `path`.
            file.discard()
            throw CallOpsError.badFile(file: Quoted.path(path), message: diskIsFull(path) ? "cannot be written: the disk is full; free some space and run the command again" : message)
        } catch {
            file.discard()
            throw error
        }
        return file
    }
}

/// Which file a path names, as far as the system can tell: the same inode, or the same path
/// once symbolic links and `..` are resolved.
struct FileIdentity {
    let canonical: String
    let device: UInt64?
    let inode: UInt64?
    let isDirectory: Bool
    let isSQLite: Bool
    let isWAL: Bool

    init(_ path: String) {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var info = stat()
        if stat(path, &info) == 0 {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            url = url.resolvingSymlinksInPath()
            let head = isDirectory ? Data() : Self.head(path)
            isSQLite = head == Data("SQLite format 3\0".utf8)
            isWAL = head.count >= 4 && [Data([0x37, 0x7f, 0x06, 0x82]), Data([0x37, 0x7f, 0x06, 0x83])].contains(head.prefix(4))
        } else {
            device = nil
            inode = nil
            isDirectory = false
            isSQLite = false
            isWAL = false
            // A file yet to be written: its folder may be a link.
            url = url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent)
        }
        canonical = url.path
    }

    func same(as other: FileIdentity) -> Bool {
        if let inode, let device, inode == other.inode, device == other.device { return true }
        return canonical == other.canonical
    }

    private static func head(_ path: String) -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 16)) ?? Data()
    }
}
