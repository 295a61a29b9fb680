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

    /// A center with one customer: core agent A001 of team 一组, the leads (`phone,name,age`
    /// rows) allocated to them, and lead 1 sold ACC01 for 300 yuan on the default clock.
    func oneCustomer(leads: String) throws {
        try ok(["roster", "import", write("r.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")])
        try ok(["leads", "import", write("l.csv", "phone,name,age\n" + leads), "--source", "v"])
        try ok(["leads", "allocate", "--seed", "1"])
        try ok(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "300"])
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
