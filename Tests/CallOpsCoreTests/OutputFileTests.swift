import Foundation
import Testing

@testable import CallOpsCore

/// The one way callops writes a file (SPEC section 12).
@Suite struct OutputFileTests {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("callops-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func mode(_ path: String) throws -> Int { try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1 }

    /// A writer that fails names its temporary file; the error names the file the user asked for.
    @Test func aFailedWriterIsReportedUnderTheOutPath() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("r.xlsx").path
        var temporary = ""
        #expect {
            try OutputFile.write(to: path, option: "--out", database: nil) { given in
                temporary = given
                throw CallOpsError.badFile(file: given, message: "cannot be written (zip error)")
            }
        } throws: { error in
            "\(error)".contains(path) && !"\(error)".contains(".callops-")
        }
        #expect(!temporary.isEmpty && !FileManager.default.fileExists(atPath: temporary))
    }

    @Test func refusesTheDatabaseItsSideFilesInputsSQLiteFilesAndFolders() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("c.sqlite").path
        try Data("SQLite format 3\0".utf8 + Data(count: 84)).write(to: URL(fileURLWithPath: db))
        let input = dir.appendingPathComponent("in.csv").path
        try Data("a\n".utf8).write(to: URL(fileURLWithPath: input))
        // The same file by another name: through `..`, and through a hard link.
        let linked = dir.appendingPathComponent("linked.csv").path
        #expect(link(input, linked) == 0)
        for (path, words) in [(db, "is the database"), (dir.path + "/../" + dir.lastPathComponent + "/c.sqlite", "is the database"),
                              (db + "-wal", "-wal"), (input, "input"), (linked, "input"), (dir.path, "folder"), ("", "a file name")] {
            #expect(throws: CallOpsError.self) { try OutputFile.check(path, option: "--out", database: db, inputs: [input]) }
            do {
                try OutputFile.check(path, option: "--out", database: db, inputs: [input])
            } catch {
                #expect("\(error)".contains(words), "\(path): \(error)")
            }
        }
        let other = dir.appendingPathComponent("other.sqlite").path
        try FileManager.default.copyItem(atPath: db, toPath: other)
        #expect(throws: CallOpsError.self) { try OutputFile.check(other, option: "--out", database: db) }
        #expect(throws: Never.self) { try OutputFile.check(dir.appendingPathComponent("new.csv").path, option: "--out", database: db, inputs: [input]) }
    }

    /// A rename would replace a link, a device or a FIFO (and opening a FIFO blocks): refused,
    /// and each is left as it was.
    @Test func refusesLinksDevicesAndFIFOs() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let real = dir.appendingPathComponent("real.csv").path
        try Data("kept\n".utf8).write(to: URL(fileURLWithPath: real))
        let symlink = dir.appendingPathComponent("link.csv").path
        try FileManager.default.createSymbolicLink(atPath: symlink, withDestinationPath: real)
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for (path, words) in [(symlink, "symbolic link"), (fifo, "not a regular file"), ("/dev/null", "not a regular file")] {
            do {
                try OutputFile.write("x", to: path, option: "--out", database: nil)
                Issue.record("\(path) was written")
            } catch {
                #expect("\(error)".contains(words), "\(path): \(error)")
            }
        }
        var info = stat()
        #expect(lstat(symlink, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(lstat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        #expect(try String(contentsOfFile: real, encoding: .utf8) == "kept\n")
    }

    @Test func writesWholeOrNotAtAllWithTheRightMode() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = dir.appendingPathComponent("numbers.csv").path
        try OutputFile.write("13800138000\n", to: secret, option: "--out", database: nil, isPrivate: true)
        #expect(try mode(secret) == 0o600)
        // An existing file keeps its mode, and is replaced whole.
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: secret)
        try OutputFile.write("new\n", to: secret, option: "--out", database: nil, isPrivate: true)
        #expect(try mode(secret) == 0o640 && String(decoding: FileManager.default.contents(atPath: secret)!, as: UTF8.self) == "new\n")
        // A file discarded midway leaves the old one as it was and no temporary file.
        let file = try OutputFile(path: secret, option: "--out", database: nil, isPrivate: true)
        try file.write("half")
        file.discard()
        #expect(String(decoding: FileManager.default.contents(atPath: secret)!, as: UTF8.self) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["numbers.csv"])
        // A folder that does not exist is one clear error.
        #expect {
            try OutputFile.write("x", to: dir.appendingPathComponent("none/x.csv").path, option: "--out", database: nil)
        } throws: { error in
            "\(error)".contains("cannot be written") && !"\(error)".contains("NSCocoaErrorDomain")
        }
    }
}
