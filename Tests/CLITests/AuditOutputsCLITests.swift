import Foundation
import Testing

/// An outside audit of issue 14's hardening, end to end on the built binary: empty CSVs with
/// their headers, the recruiting funnel as CSV, damaged call times, unreadable ages and
/// children, control characters through pipes, and `--now` within the range of days.
@Suite(.serialized) struct AuditOutputsCLITests {
    static let callHeader = "call_id,agent_code,lead_id,started_at,talk_seconds,disposition\n"

    @Test func emptyAllocationAndCallImportCSVsPrintTheirHeaders() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        // Nobody on the floor and nothing in the pool: the CSV is its header, not an empty line.
        #expect(try cli.ok(["leads", "allocate", "--format", "csv"]).stdout == "agent_code,team,tier,capacity,allocated,grades_A,grades_B,grades_C\n")
        #expect(try cli.ok(["calls", "import", cli.write("h.csv", Self.callHeader), "--format", "csv"]).stdout == "line,field,reason\n")
        // The sweep of every CSV: a sizing plan with no customer classes.
        #expect(try cli.ok(["plan", "sizing", "--target-sales", "10", "--contacts-per-agent-year", "1000", "--format", "csv"]).stdout
                == "name,customers,contacts_per_year,yearly_contacts\n")
        // A call imported, none rejected: still the header of the rejected rows.
        try cli.oneAgentCenter()
        let one = try cli.write("c1.csv", Self.callHeader + "k1,A001,1,2026-11-23T09:00,5,no_answer\n")
        #expect(try cli.ok(["calls", "import", one, "--format", "csv"]).stdout == "line,field,reason\n")
    }

    @Test func recruitReportCSVIsTheFunnelByChannelAndStage() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let header = "channel,stage,reached,conversion,now,dropped,average_days"
        #expect(try cli.ok(["recruit", "report", "--format", "csv"]).stdout.hasPrefix(header + "\n"))
        try cli.ok(["recruit", "add", "--name", "王小明", "--channel", "referral", "--date", "2026-11-01"])
        try cli.ok(["recruit", "add", "--name", "李雷", "--channel", "referral", "--date", "2026-11-02"])
        try cli.ok(["recruit", "advance", "--candidate", "1", "--date", "2026-11-05"])
        let lines = try cli.ok(["recruit", "report", "--format", "csv"]).stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == header)
        #expect(lines.contains("referral,sourced,2,,1,0,4"), "\(lines)")
        #expect(lines.contains("referral,contacted,1,0.5,1,0,"), "\(lines)")
    }

    @Test func aDamagedCallTimeFailsTheReportsThatReadCallsByTime() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        try cli.ok(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "90"])
        try cli.ok(["calls", "log", "--agent", "A001", "--lead", "2", "--disposition", "connected", "--talk-seconds", "30"])
        #expect(try cli.sqlite("UPDATE call SET started_at = 'garbage' WHERE id = (SELECT MAX(id) FROM call)").isEmpty)
        let named = "call row 2, column started_at: \"garbage\" is not a local time"
        for arguments in [["seats", "report"], ["seats", "report", "--by", "team"], ["seats", "report", "--by", "day"], ["daily", "--out", "night"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 1 && result.stderr.contains(named), "\(arguments): \(result.status) \(result.stderr)")
        }
        // A time sorting before every good one (empty) is found as well.
        #expect(try cli.sqlite("UPDATE call SET started_at = '' WHERE id = 2").isEmpty)
        let early = try cli.run(["seats", "report"])
        #expect(early.status == 1 && early.stderr.contains("call row 2, column started_at: \"\" is not a local time"), "\(early.stderr)")
    }

    @Test func unreadableAgesAndChildrenAreWarnedAndCounted() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let file = try cli.write("ag.csv", "phone,name,年龄,children\n13800138112,b,30,-1\n13800138113,c,1e3,2\n")
        let result = try cli.ok(["leads", "import", file, "--source", "a", "--format", "json"])
        #expect(result.stderr.contains("ag.csv:2: children \"-1\" is not a number of children"), "\(result.stderr)")
        #expect(result.stderr.contains("ag.csv:3: 年龄 \"1e3\" is not an age in whole years"), "\(result.stderr)")
        let summary = try #require(try CLI.json(result) as? [String: Any])
        #expect(summary["accepted"] as? Int == 2)
        #expect(summary["unreadable_age"] as? Int == 1 && summary["unreadable_children"] as? Int == 1 && summary["unreadable_income"] as? Int == 0)
        let stored = try cli.sqlite("SELECT phone, age, children FROM lead ORDER BY phone")
        #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == "13800138112|30|\n13800138113||2", "\(stored)")
    }

    @Test func controlCharactersAreEscapedInTextThroughAPipe() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date\nA1,\u{1B}[2J\u{1B}]0;owned\u{07}EVIL,T,2025-01-01\n")])
        // stdout is a pipe here, as in `roster list | cat`.
        let table = try cli.ok(["roster", "list"]).stdout
        #expect(!table.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" }, "\(table)")
        #expect(table.contains("\\x1B[2J\\x1B]0;owned\\x07EVIL"), "\(table)")
        // The columns are measured on what is shown: the team lines up under its header.
        let lines = table.split(separator: "\n").map(String.init)
        let teamColumn = try #require(lines[0].range(of: "team")).lowerBound.utf16Offset(in: lines[0])
        #expect(lines[2].dropFirst(teamColumn).hasPrefix("T "), "\(table)")
        let seats = try cli.ok(["seats", "report"]).stdout
        #expect(seats.contains("\\x1B[2J") && !seats.unicodeScalars.contains("\u{1B}"), "\(seats)")
        // Data formats keep their own rules: JSON escapes, CSV keeps the value.
        #expect(try cli.ok(["roster", "list", "--format", "json"]).stdout.contains("\\u001b[2J"))
        #expect(try cli.ok(["roster", "list", "--format", "csv"]).stdout.contains("\u{1B}[2J\u{1B}]0;owned\u{07}EVIL"))
    }

    @Test func nowIsADayOfTheRange() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        let far = try cli.run(["--now", "9999-12-31T23:59", "daily", "--out", "far"])
        #expect(far.status != 0 && far.stderr.contains("--now: \"9999-12-31T23:59\" is not valid; expected a day from 2000-01-01 to 2099-12-31"), "\(far.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("far").path))
        let queue = try cli.run(["queue", "next", "--agent", "A001"], now: "9999-12-31T23:59")
        #expect(queue.status != 0 && queue.stderr.contains("CALLOPS_NOW: \"9999-12-31T23:59\" is not valid; expected a day from 2000-01-01 to 2099-12-31"),
                "\(queue.stderr)")
        #expect(try cli.run(["queue", "next", "--agent", "A001"], now: "1999-12-31T10:00").status != 0)
        try cli.ok(["queue", "next", "--agent", "A001"], now: "2099-12-31T10:00")
    }
}
