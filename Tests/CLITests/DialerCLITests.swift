import Foundation
import Testing

/// VICIdial both ways, end to end (SPEC section 6, Dialers): the night's list out, the dialer's
/// call export back in, agents known by their roster dialer_user.
@Suite(.serialized) struct DialerCLITests {
    static let sqlite3 = "/usr/bin/sqlite3"

    /// A center of two agents (A001 logs in to the dialer as vici01) and six leads, and its
    /// night before 2026-11-24 with the VICIdial list.
    func center(_ cli: CLI) throws -> [[String]] {
        let roster = try cli.run(["roster", "import", cli.write("roster.csv", """
            agent_code,name,team,hire_date,tier,dialer_user
            A001,张伟,一组,2024-03-01,core,vici01
            A002,李娜,一组,2024-03-01,core,
            """)])
        #expect(roster.status == 0, "\(roster.stderr)")
        var leads = "phone,name,age\n"
        for i in 1...6 { leads += "1390000000\(i),客户\(i),3\(i)\n" }
        _ = try cli.run(["leads", "import", cli.write("leads.csv", leads), "--source", "v"])
        let night = try cli.run(["daily", "--date", "2026-11-24", "--out", "night", "--dialer", "vicidial", "--format", "json"], now: "2026-11-23T22:00")
        #expect(night.status == 0, "\(night.stderr)")
        let files = try #require(try CLI.json(night) as? [String: Any])["files"] as? [String]
        #expect(files?.contains("dialer/vicidial_list.txt") == true)
        let text = try String(contentsOf: cli.folder.appendingPathComponent("night/dialer/vicidial_list.txt"), encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func theNightsListGoesOutAndTheDialersCallsComeBack() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let list = try center(cli)
        #expect(list.count == 6)
        #expect(list.allSatisfy { $0.count == 25 })
        #expect(Set(list.map { $0[24] }) == ["vici01", "A002"])
        #expect(Set(list.map { $0[4] }) == Set((1...6).map { "1390000000\($0)" }))
        #expect(list.allSatisfy { Int($0[0]) != nil && Int($0[23]) != nil })
        // Each owner's rows are ranked in queue order from 1.
        for owner in ["vici01", "A002"] {
            let ranks = list.filter { $0[24] == owner }.map { Int($0[23])! }
            #expect(ranks == Array(1...ranks.count))
        }
        let listed = try cli.run(["roster", "list", "--format", "json"])
        let agents = try #require(try CLI.json(listed) as? [[String: Any]])
        #expect(agents.map { $0["dialer_user"] as? String } == ["vici01", "A002"])
        #expect(try cli.run(["roster", "list"]).stdout.contains("vici01"))

        // The dialer's export of the day: every list row called once; one status no one mapped.
        let statuses = ["NP", "NA", "CALLBK", "NI", "B", "MYSTERY"]
        var export = "call_date\tphone_number_dialed\tstatus\tuser\tfull_name\tcampaign_id\tvendor_lead_code\tsource_id\tlist_id\tgmt_offset_now\tphone_code\tphone_number\ttitle\tfirst_name\tmiddle_initial\tlast_name\taddress1\taddress2\taddress3\tcity\tstate\tprovince\tpostal_code\tcountry_code\tgender\tdate_of_birth\talt_phone\temail\tsecurity_phrase\tcomments\tlength_in_sec\tuser_group\talt_dial\trank\towner\tlead_id\tlist_name\tlist_description\tstatus_name\r\n"
        for (i, row) in list.enumerated() {
            let user = statuses[i] == "NA" ? "VDAD" : row[24]
            let talk = ["NA", "B"].contains(statuses[i]) ? 0 : 100 + i
            var fields = ["2026-11-24 10:1\(i):00", row[4], statuses[i], user, "", "CALLOPS", row[0], row[1], row[2], "8.00", row[3], row[4]]
            fields += Array(row[5...22]) + [String(talk), "AGENTS", "MAIN", row[23], row[24], String(5000 + i), "list", "", ""]
            export += fields.joined(separator: "\t") + "\r\n"
        }
        let path = try cli.write("EXPORT_CALL_REPORT_20261124.txt", export)
        let imported = try cli.run(["calls", "import", path, "--layout", "vicidial", "--format", "json"], now: "2026-11-24T20:00")
        #expect(imported.status == 0, "\(imported.stderr)")
        let summary = try #require(try CLI.json(imported) as? [String: Any])
        #expect(summary["rows"] as? Int == 6 && summary["imported"] as? Int == 5)
        let rejected = try #require(summary["rejected"] as? [[String: Any]])
        #expect(rejected.count == 1 && rejected.first?["line"] as? Int == 7 && rejected.first?["field"] as? String == "status")
        #expect((rejected.first?["reason"] as? String)?.contains("MYSTERY") == true)
        // The table names the rejected row by file, line and field.
        let again = try cli.run(["calls", "import", path, "--layout", "vicidial"], now: "2026-11-24T20:00")
        #expect(again.stdout.contains("EXPORT_CALL_REPORT_20261124.txt:7: status: \"MYSTERY\""))
        let stats = try #require(try CLI.json(cli.run(["leads", "stats", "--format", "json"], now: "2026-11-24T20:00")) as? [[String: Any]])
        #expect(stats.first?["dialed"] as? Int == 5)
        #expect(try cli.run(["check"], now: "2026-11-24T20:00").status == 0)

        // callops reads its own list back, as VICIdial's lead loader would.
        let fresh = ["CALLOPS_DB": cli.folder.appendingPathComponent("fresh.sqlite").path]
        #expect(try cli.run(["init"], environment: fresh).status == 0)
        let back = try cli.run(["leads", "import", "night/dialer/vicidial_list.txt", "--layout", "vicidial", "--source", "vici", "--format", "json"],
                               environment: fresh)
        #expect(back.status == 0, "\(back.stderr)")
        let read = try #require(try CLI.json(back) as? [String: Any])
        #expect(read["rows"] as? Int == 6 && read["accepted"] as? Int == 6)
    }

    @Test func aPlainCallFileGivenAsVicidialIsRefusedWhole() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date\nA001,张伟,一组,2024-03-01\n")])
        let path = try cli.write("calls.csv", "call_id,agent_code,phone,started_at,talk_seconds,disposition\nc1,A001,13900000001,2026-11-23T09:30:00,0,busy\n")
        let refused = try cli.run(["calls", "import", path, "--layout", "vicidial"])
        #expect(refused.status != 0)
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(refused.stderr.contains("calls.csv:1") && refused.stderr.contains("call_date") && refused.stderr.contains("Header Row"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: sqlite3), "needs the sqlite3 shell to read the audit log"))
    func theListsNumbersAreAudited() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let list = try center(cli)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.sqlite3)
        process.arguments = [cli.folder.appendingPathComponent("test.sqlite").path, "SELECT command, numbers FROM audit_log"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text == "daily --dialer vicidial|\(list.count)\n")
    }
}
