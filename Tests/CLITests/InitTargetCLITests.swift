import Foundation
import Testing

/// What `init` may take over (the audit after issue 14): a missing path or a regular file; an
/// empty file it takes over becomes private like a new database (SPEC section 12).
@Suite(.serialized) struct InitTargetCLITests {

    @Test func initRefusesADeviceOrAFIFOBeforeOpeningIt() throws {
        let cli = try CLI(database: false)
        defer { cli.cleanUp() }
        let fifo = cli.folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for target in ["/dev/null", "/dev/zero", fifo] {
            let result = try cli.run(["init", "--db", target])
            #expect(result.status == 1, "\(target): \(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("not a regular file"), "\(target): \(result.stderr)")
            #expect(!result.stderr.contains("disk I/O error") && !result.stderr.contains("init --db"), "\(target): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: target + "-journal"), "\(target): a -journal was left")
        }
    }

    @Test func initMakesAnEmptyFilePrivate() throws {
        let cli = try CLI(database: false)
        defer { cli.cleanUp() }
        let path = try cli.write("empty.sqlite", "")
        #expect(chmod(path, 0o644) == 0)
        try cli.ok(["init", "--db", path])
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600, "mode \(String(mode, radix: 8))")
    }
}
