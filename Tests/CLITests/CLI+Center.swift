import Foundation
import Testing

/// What the tests of issue 14's rest share: a one-agent center, the database's path and bytes.
extension CLI {
    /// The database the commands run on.
    var database: String { folder.appendingPathComponent("test.sqlite").path }

    /// A file's bytes, nil when it is missing.
    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// A center with one agent (A001) and two allocated leads (1 and 2).
    func oneAgentCenter() throws {
        #expect(try run(["roster", "import", write("roster.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")]).status == 0)
        #expect(try run(["leads", "import", write("l.csv", "phone,name,age\n13900000001,张三,30\n13900000002,李四,40\n"), "--source", "v"]).status == 0)
        #expect(try run(["leads", "allocate", "--seed", "1"]).status == 0)
    }
}

extension CLI {
    /// Starts the built binary on this folder's database without waiting for it: stdout
    /// dropped, stderr to `errors` when given (read it before `waitUntilExit`).
    func start(_ arguments: [String], environment extra: [String: String] = [:], errors: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["CALLOPS_DB"] = folder.appendingPathComponent("test.sqlite").path
        environment["CALLOPS_NOW"] = "2026-11-23T10:00"
        environment.removeValue(forKey: "CALLOPS_FAULT")
        environment.removeValue(forKey: "CALLOPS_CONFIG")
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors ?? FileHandle.nullDevice
        try process.run()
        return process
    }
}
