import CallOpsCore
import Foundation

/// The -wal and -shm files beside a database, as a run found them when it opened it: a run
/// must leave no file behind but the database (SPEC section 12).
struct DatabaseSideFiles {
    let path: String
    let hadWAL: Bool
    let hadSHM: Bool

    init(_ path: String) {
        self.path = path
        hadWAL = FileManager.default.fileExists(atPath: path + "-wal")
        hadSHM = FileManager.default.fileExists(atPath: path + "-shm")
    }

    /// The side files as a run found them earlier.
    init(_ path: String, found: (wal: Bool, shm: Bool)) {
        self.path = path
        hadWAL = found.wal
        hadSHM = found.shm
    }

    /// Removes the side files this run created that SQLite left behind unused, after an open
    /// that failed or a run that closed after failing to read them (on a full disk SQLite makes an empty -wal and a -shm of a few bytes, then
    /// fails, and a closed connection that never opened cannot remove them). Only files no one
    /// can be using go: an empty -wal, and a -shm smaller than the 32 KB of its first page,
    /// which every connection in WAL mode grows it to before it reads.
    func removeUnused() {
        guard !hadWAL, !hadSHM, let wal = size(path + "-wal"), wal == 0 else { return }
        if let shm = size(path + "-shm"), shm >= 32_768 { return }
        unlink(path + "-shm")
        unlink(path + "-wal")
    }

    /// Removes the side files this run created after it refused the file (a SQLite file of
    /// another application, in WAL mode): the connection is closed, the -wal holds nothing, so
    /// the -shm (32 KB once a WAL connection read) is this run's own index, not in use.
    func removeCreatedAfterRefusal() {
        guard !hadWAL, !hadSHM, let wal = size(path + "-wal"), wal == 0 else { return }
        unlink(path + "-shm")
        unlink(path + "-wal")
    }

    private func size(_ file: String) -> Int64? {
        var info = stat()
        return stat(file, &info) == 0 ? Int64(info.st_size) : nil
    }
}

/// What identifies a database file's content without reading it: device, inode, size and the
/// modification time to the nanosecond. A connection opened `immutable` takes no lock and never
/// looks for changes, so each read checks afterwards that the file is as it was when opened.
struct DatabaseFileStamp: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let seconds: Int
    let nanoseconds: Int

    init?(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        seconds = info.st_mtim.tv_sec
        nanoseconds = info.st_mtim.tv_nsec
    }
}
