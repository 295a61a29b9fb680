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
}
