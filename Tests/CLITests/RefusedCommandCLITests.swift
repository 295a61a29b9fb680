import Foundation
import Testing

/// SPEC section 3: a refused command changes nothing, byte for byte (issue 14).
@Suite(.serialized) struct RefusedCommandCLITests {

    @Test func aRefusedCommandLeavesTheFileByteForByte() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        let path = cli.database
        let imported = cli.folder.appendingPathComponent("l.csv").path
        let refusals: [[String]] = [
            ["leads", "import", imported, "--source", "v"],
            ["leads", "import", try cli.write("bad.csv", "name,age\n张三,30\n"), "--source", "v"],
            ["leads", "import", try cli.write("empty.csv", ""), "--source", "v"],
            ["leads", "import", try cli.write("l2.csv", "phone\n13900000009\n"), "--source", "v", "--cost-per-lead", "1e30"],
            ["leads", "import", try cli.write("l3.csv", "phone\n13900000009\n"), "--source", "v", "--rejects", path],
            ["leads", "import", try cli.write("l4.csv", "phone\n13900000009\n"), "--source", "v", "--class", "hot"],
            ["roster", "import", try cli.write("r.csv", "agent_code,name,team,hire_date\nA009,x,一组,2026-02-30\n")],
            ["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "86401"],
            ["calls", "log", "--agent", "A404", "--lead", "1", "--disposition", "connected", "--talk-seconds", "60"],
            ["calls", "import", try cli.write("c.csv", "call_id,agent_code\nc1,A001\n")],
            ["sales", "record", "--lead", "1", "--agent", "A001", "--product", "NOPE", "--premium", "1200"],
            ["renewals", "collect", "--policy", "7", "--amount", "100"],
            ["seats", "report", "--format", "html", "--out", path],
            ["daily", "--out", path],
            ["backup", path],
            ["roster", "leave", "--agent", "A404", "--date", "2026-11-24"],
        ]
        for command in refusals {
            let before = cli.bytes(path)
            let result = try cli.run(command)
            #expect(result.status != 0, "\(command) was not refused")
            #expect(cli.bytes(path) == before, "\(command) changed the file: \(before?.count ?? 0) bytes, now \(cli.bytes(path)?.count ?? 0)")
        }
    }
}
