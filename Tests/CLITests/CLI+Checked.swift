import Foundation
import Testing

extension CLI {
    /// Runs the binary and expects it to succeed, naming the arguments and stderr when it does not.
    @discardableResult
    func ok(_ arguments: [String], now: String = "2026-11-23T10:00", sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let result = try run(arguments, now: now)
        #expect(result.status == 0, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        return result
    }

    /// What the sqlite3 shell prints for a query on the test database (outside tools read it so).
    func sqlite(_ query: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [folder.appendingPathComponent("test.sqlite").path, query]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }
}
