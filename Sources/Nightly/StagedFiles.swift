import CallOpsCore
import Foundation

/// The nightly run's files, written whole to a staging folder inside the output folder (so a
/// rename moves each into place), then moved together; a failure puts back what was there, so
/// the batch's files and database change together or not at all (SPEC section 3: one transaction).
final class StagedFiles {
    let folder: URL
    let staging: URL
    /// The database the run writes, which no file of the batch may land on (SPEC section 12).
    let database: String?
    private var names: [String] = []
    /// Files moved into place so far, with the earlier file each replaced (kept until `finish`).
    private var moved: [(target: URL, backup: URL?)] = []

    /// Makes the staging folder under `folder`.
    init(folder: URL, database: String?) throws {
        self.folder = folder
        self.database = database
        staging = folder.appendingPathComponent(".daily-staging-\(ProcessInfo.processInfo.processIdentifier)")
        // The staging folders of runs killed before they could remove their own (`Leftovers`).
        Leftovers.sweepStaging(in: folder.path)
        do {
            try? FileManager.default.removeItem(at: staging)
            try FileManager.default.createDirectory(at: staging.appendingPathComponent("new"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: staging.appendingPathComponent("old"), withIntermediateDirectories: true)
        } catch {
            throw CallOpsError.badFile(file: folder.path, message: "cannot hold the batch's files (\(Quoted.describe(error)))")
        }
    }

    /// Writes one file (a path relative to the output folder) to the staging folder; a file that
    /// holds whole phone numbers (`isPrivate`) is created 0600 (SPEC section 12), and keeps that
    /// mode when it is renamed into place.
    func stage(_ name: String, _ text: String, isPrivate: Bool = false) throws {
        let url = staging.appendingPathComponent("new").appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw failure(name, error)
        }
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, isPrivate ? 0o600 : 0o666)
        guard fd >= 0 else {
            throw failure(name, NSError(domain: NSPOSIXErrorDomain, code: Int(errno)))
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
            try handle.close()
        } catch {
            throw failure(name, error)
        }
        names.append(name)
    }

    /// Stages one file that `write` makes at the path it is given (a workbook written by its
    /// library), under the same rules as `stage`.
    func stage(_ name: String, writing write: (String) throws -> Void) throws {
        let url = staging.appendingPathComponent("new").appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw failure(name, error)
        }
        try write(url.path)
        names.append(name)
    }

    /// A staged file that cannot be written, named by the place it was going to (not the staging
    /// folder, which is this run's own business); a full disk in the words other outputs use.
    private func failure(_ name: String, _ error: any Error) -> CallOpsError {
        let ns = error as NSError
        let full = ns.code == NSFileWriteOutOfSpaceError
            || (ns.domain == NSPOSIXErrorDomain && ns.code == Int(ENOSPC))
            || (ns.userInfo[NSUnderlyingErrorKey] as? NSError).map { $0.domain == NSPOSIXErrorDomain && $0.code == Int(ENOSPC) } == true
        return .badFile(file: folder.appendingPathComponent(name).path,
                        message: full ? "cannot be written: the disk is full; free some space and run the command again"
                                      : "cannot be written (\(Quoted.describe(error)))")
    }

    /// Checks every destination, then moves the staged files into place; on a failure the files
    /// already moved are put back and the error names the file. A destination that is the
    /// database, any SQLite file or its side file, a link or a device is refused as `--out`
    /// refuses it, before any file moves (and the run's transaction then changes nothing).
    func moveIntoPlace() throws {
        try OutputFile.passPlacingGate()
        let manager = FileManager.default
        for name in names {
            let target = folder.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if !(manager.fileExists(atPath: target.path, isDirectory: &isDirectory) && isDirectory.boolValue) {
                try OutputFile.check(target.path, option: "daily's file", database: database)
            }
            if manager.fileExists(atPath: target.path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw CallOpsError.badFile(file: target.path, message: "is a folder, where the batch writes a file; move it away and rerun")
            }
            let parent = target.deletingLastPathComponent()
            if manager.fileExists(atPath: parent.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw CallOpsError.badFile(file: parent.path, message: "is a file, where the batch needs a folder; move it away and rerun")
            }
        }
        for name in names {
            let target = folder.appendingPathComponent(name)
            do {
                try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                var backup: URL?
                if manager.fileExists(atPath: target.path) {
                    let old = staging.appendingPathComponent("old").appendingPathComponent(name)
                    try manager.createDirectory(at: old.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try manager.moveItem(at: target, to: old)
                    backup = old
                }
                moved.append((target, backup))
                try manager.moveItem(at: staging.appendingPathComponent("new").appendingPathComponent(name), to: target)
            } catch {
                restore()
                throw CallOpsError.badFile(file: target.path, message: "cannot be written (\(Quoted.describe(error)))")
            }
        }
    }

    /// Puts back the files that were there before (after a failure, or when the database could not commit).
    func restore() {
        for (target, backup) in moved.reversed() {
            try? FileManager.default.removeItem(at: target)
            if let backup { try? FileManager.default.moveItem(at: backup, to: target) }
        }
        moved = []
    }

    /// Removes the staging folder and the replaced files.
    func finish() {
        moved = []
        try? FileManager.default.removeItem(at: staging)
    }
}
