import Foundation

/// Runs the built `callops` binary, as a user would.
struct CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// A temporary working folder for one test; removed by `cleanUp`.
    let folder: URL

    /// - Parameters:
    ///   - database: create the test database with `callops init` (only `init` and `demo` create
    ///     one; every other command refuses a missing file).
    init(database: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if database {
            let made = try run(["init"])
            if made.status != 0 { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "callops init failed: \(made.stderr)"]) }
        }
    }

    func cleanUp() { try? FileManager.default.removeItem(at: folder) }

    /// The binary next to the test bundle (SwiftPM builds both into the same folder).
    static var binary: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle, bundle.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("callops")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        for build in [".build/debug", ".build/release"] {
            let url = packageRoot.appendingPathComponent(build).appendingPathComponent("callops")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/callops")
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Writes a file into the test folder and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Writes raw bytes into the test folder and returns its path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Runs `callops` with `arguments` in the test folder, with its own database and a fixed clock.
    /// - Parameters:
    ///   - executable: another program to run instead (one that runs `callops` itself).
    func run(_ arguments: [String], now: String = "2026-11-23T10:00", environment extra: [String: String] = [:], executable: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable ?? Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["CALLOPS_DB"] = folder.appendingPathComponent("test.sqlite").path
        environment["CALLOPS_NOW"] = now
        environment.removeValue(forKey: "CALLOPS_CONFIG")
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Parses stdout as JSON.
    static func json(_ result: Result) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }
}
