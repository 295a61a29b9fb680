import Foundation
import Testing

/// Recruiting end to end: a candidate to signing, where the training gate takes over.
@Suite(.serialized) struct RecruitCLITests {
    @Test func aCandidateBecomesAnAgent() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["init"])
        #expect(try cli.run(["training", "course", "add", "PJ01", "--name", "岗前培训", "--kind", "pre_job"]).status == 0)
        let added = try cli.run(["recruit", "add", "--name", "王小明", "--channel", "referral", "--date", "2026-11-01"])
        #expect(added.status == 0 && added.stdout.contains("candidate 1 added"), "\(added.stderr)")
        #expect(try cli.run(["recruit", "add", "--name", "李雷", "--channel", "job_site", "--date", "2026-11-02"]).status == 0)
        let badChannel = try cli.run(["recruit", "add", "--name", "x", "--channel", "newspaper"])
        #expect(badChannel.status != 0 && badChannel.stderr.contains("channel"))
        for day in ["2026-11-03", "2026-11-05", "2026-11-08", "2026-11-10", "2026-11-12", "2026-11-15", "2026-11-16"] {
            #expect(try cli.run(["recruit", "advance", "--candidate", "1", "--date", day]).status == 0)
        }
        let unsigned = try cli.run(["recruit", "advance", "--candidate", "1"])
        #expect(unsigned.status != 0 && unsigned.stderr.contains("--agent-code"))
        let signed = try cli.run(["recruit", "advance", "--candidate", "1", "--agent-code", "N001", "--team", "新人组", "--date", "2026-11-20"])
        #expect(signed.status == 0 && signed.stdout.contains("agent N001 on probation"), "\(signed.stderr)")
        #expect(try cli.run(["recruit", "drop", "--candidate", "2", "--reason", "另有工作", "--date", "2026-11-04"]).status == 0)
        let agents = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"])) as? [[String: Any]])
        #expect(agents.first?["agent_code"] as? String == "N001" && agents.first?["status"] as? String == "probation")
        let report = try #require(try CLI.json(cli.run(["recruit", "report", "--format", "json"])) as? [[String: Any]])
        #expect(report.map { $0["channel"] as? String } == ["referral", "job_site", "all"])
        let all = try #require(report.last?["stages"] as? [[String: Any]])
        #expect(all.map { $0["reached"] as? Int } == [2, 1, 1, 1, 1, 1, 1, 1, 1] && report.last?["dropped"] as? Int == 1)
        #expect(all[1]["conversion"] as? Double == 0.5 && all[0]["average_days"] as? Double == 2)
        let list = try cli.run(["recruit", "list", "--all"])
        #expect(list.stdout.contains("N001") && list.stdout.contains("另有工作"))
        #expect(try cli.run(["check"]).status == 0)
    }

    /// The CSV funnel carries each channel's dropped candidates (the old CSV's `channel,dropped`):
    /// per stage, summing to the channel's `dropped` in JSON and shown in the table too.
    @Test func theFunnelCountsDropsPerStageInEveryFormat() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        for (name, channel) in [("王小明", "referral"), ("李雷", "referral"), ("韩梅梅", "referral"), ("李四", "referral"), ("张三", "campus")] {
            try cli.ok(["recruit", "add", "--name", name, "--channel", channel, "--date", "2026-11-01"])
        }
        try cli.ok(["recruit", "advance", "--candidate", "1", "--date", "2026-11-03"])
        try cli.ok(["recruit", "advance", "--candidate", "2", "--date", "2026-11-03"])
        try cli.ok(["recruit", "drop", "--candidate", "2", "--reason", "另有工作", "--date", "2026-11-04"])
        try cli.ok(["recruit", "drop", "--candidate", "3", "--reason", "联系不上", "--date", "2026-11-04"])
        let lines = try cli.ok(["recruit", "report", "--format", "csv"]).stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "channel,stage,reached,conversion,now,dropped,average_days")
        #expect(lines.contains("referral,sourced,4,,1,1,2"), "\(lines)")
        #expect(lines.contains("referral,contacted,2,0.5,1,1,"), "\(lines)")
        #expect(lines.contains("campus,sourced,1,,1,0,"), "\(lines)")
        #expect(lines.contains("all,sourced,5,,2,1,2"), "\(lines)")
        // Per channel the rows' dropped sum to the channel's dropped in JSON.
        let report = try #require(try CLI.json(cli.ok(["recruit", "report", "--format", "json"])) as? [[String: Any]])
        for funnel in report {
            let channel = try #require(funnel["channel"] as? String)
            let stages = try #require(funnel["stages"] as? [[String: Any]])
            let fromCSV = lines.dropFirst().filter { $0.hasPrefix(channel + ",") }.map { Int($0.split(separator: ",", omittingEmptySubsequences: false)[5]) ?? -1 }
            #expect(fromCSV.reduce(0, +) == funnel["dropped"] as? Int, "\(channel)")
            #expect(stages.compactMap { $0["dropped"] as? Int } == fromCSV, "\(channel)")
        }
        #expect(report.map { $0["dropped"] as? Int } == [2, 0, 2])
        // The table shows the same column and each channel's total.
        let table = try cli.ok(["recruit", "report"]).stdout
        #expect(table.contains("dropped"), "\(table)")
        let total = table.split(separator: "\n").first { $0.hasPrefix("referral") && $0.contains("all stages") }.map(String.init) ?? ""
        #expect(total.split(separator: " ").last == "2", "\(table)")
    }
}
