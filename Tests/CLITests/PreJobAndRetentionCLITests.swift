import Foundation
import Testing

/// Pre-job training before signing and retention per channel, end to end (SPEC section 9).
@Suite(.serialized) struct PreJobAndRetentionCLITests {
    @Test func aHireWhoTrainedBeforeSigningGetsLeadsOnTheFirstDay() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        func ok(_ arguments: [String], now: String = "2026-11-23T10:00") throws -> CLI.Result {
            let result = try cli.run(arguments, now: now)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return result
        }
        _ = try ok(["training", "course", "add", "PJ01", "--name", "岗前培训", "--kind", "pre_job"])
        _ = try ok(["recruit", "add", "--name", "王小明", "--channel", "referral", "--date", "2026-11-01"])
        for day in ["2026-11-03", "2026-11-05", "2026-11-08", "2026-11-10", "2026-11-12", "2026-11-15", "2026-11-16"] {
            _ = try ok(["recruit", "advance", "--candidate", "1", "--date", day])
        }
        // At pre_job_training the candidate is enrolled in the one pre-job course.
        let report = try #require(try CLI.json(ok(["training", "report", "--format", "json"])) as? [[String: Any]])
        #expect(report.first?["enrolled"] as? Int ?? -1 == 0, "agents' enrolments only: \(report)")
        let early = try cli.run(["training", "complete", "--course", "PJ01", "--candidate", "2", "--result", "passed"])
        #expect(early.status != 0 && early.stderr.contains("candidate"), "\(early.stderr)")
        let both = try cli.run(["training", "complete", "--course", "PJ01", "--candidate", "1", "--agent", "X", "--result", "passed"])
        #expect(both.status != 0 && both.stderr.contains("one of the two"))
        _ = try ok(["training", "complete", "--course", "PJ01", "--candidate", "1", "--result", "passed", "--score", "88"])
        let signed = try ok(["recruit", "advance", "--candidate", "1", "--agent-code", "N001", "--team", "新人组", "--date", "2026-11-20"])
        #expect(signed.stdout.contains("carried over"))
        // The result came over: N001 passed PJ01 with 88 and gets leads on the first day.
        let after = try #require(try CLI.json(ok(["training", "report", "--format", "json"])) as? [[String: Any]])
        #expect(after.first?["passed"] as? Int == 1 && after.first?["average_score"] as? Double == 88)
        _ = try ok(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n13900000002,李四,40\n"), "--source", "v"])
        let allocated = try #require(try CLI.json(ok(["leads", "allocate", "--seed", "1", "--format", "json"])) as? [String: Any])
        #expect(allocated["allocated"] as? Int == 2, "\(allocated)")
        // Enrolling a signed candidate is refused: the agent is enrolled instead.
        let late = try cli.run(["training", "enroll", "--course", "PJ01", "--candidate", "1"])
        #expect(late.status != 0 && late.stderr.contains("--agent N001"))
    }

    @Test func retentionPerChannelAndSigningMonth() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        func ok(_ arguments: [String], now: String) throws -> CLI.Result {
            let result = try cli.run(arguments, now: now)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return result
        }
        _ = try ok(["training", "course", "add", "PJ01", "--name", "岗前培训", "--kind", "pre_job"], now: "2026-01-01T09:00")
        _ = try ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date,tier\nV001,老王,新人组,2024-01-01,core\n")], now: "2026-01-01T09:00")
        // Four referral hires signed on 2026-01-10, one job-site hire on 2026-10-05.
        let hires: [(String, String, String)] = [("甲", "referral", "N1"), ("乙", "referral", "N2"), ("丙", "referral", "N3"), ("丁", "referral", "N4")]
        for (i, hire) in hires.enumerated() {
            _ = try ok(["recruit", "add", "--name", hire.0, "--channel", hire.1, "--date", "2026-01-02"], now: "2026-01-02T09:00")
            for _ in 0..<7 { _ = try ok(["recruit", "advance", "--candidate", String(i + 1), "--date", "2026-01-05"], now: "2026-01-05T09:00") }
            _ = try ok(["recruit", "advance", "--candidate", String(i + 1), "--agent-code", hire.2, "--team", "新人组", "--date", "2026-01-10"], now: "2026-01-10T09:00")
        }
        _ = try ok(["recruit", "add", "--name", "戊", "--channel", "job_site", "--date", "2026-10-01"], now: "2026-10-01T09:00")
        for _ in 0..<7 { _ = try ok(["recruit", "advance", "--candidate", "5", "--date", "2026-10-02"], now: "2026-10-02T09:00") }
        _ = try ok(["recruit", "advance", "--candidate", "5", "--agent-code", "N5", "--team", "新人组", "--date", "2026-10-05"], now: "2026-10-05T09:00")
        // N2 leaves before 3 months; N3 leaves and comes back before the 3-month mark; N4 leaves after it.
        _ = try ok(["roster", "leave", "--agent", "N2", "--date", "2026-02-15"], now: "2026-02-15T09:00")
        _ = try ok(["roster", "leave", "--agent", "N3", "--date", "2026-03-10"], now: "2026-03-10T09:00")
        _ = try ok(["roster", "import", cli.write("back.csv", "agent_code,name,team,hire_date,status\nN3,丙,新人组,2026-04-01,probation\n")], now: "2026-04-02T09:00")
        _ = try ok(["roster", "leave", "--agent", "N4", "--date", "2026-05-01"], now: "2026-05-01T09:00")
        let rows = try #require(try CLI.json(ok(["recruit", "report", "--retention", "--format", "json"], now: "2026-11-29T09:00")) as? [[String: Any]])
        #expect(rows.count == 2)
        // 3 months (2026-04-10): N1, N3 (back on 04-01), N4 of 4; 6 months (07-10): N1, N3; 12 months not yet.
        #expect(rows[0]["channel"] as? String == "referral" && rows[0]["month"] as? String == "2026-01" && rows[0]["signed"] as? Int == 4)
        #expect(rows[0]["retained_3m"] as? Double == 0.75 && rows[0]["retained_6m"] as? Double == 0.5 && rows[0]["retained_12m"] is NSNull)
        #expect(rows[1]["channel"] as? String == "job_site" && rows[1]["month"] as? String == "2026-10" && rows[1]["retained_3m"] is NSNull)
        let table = try ok(["recruit", "report", "--retention"], now: "2026-11-29T09:00")
        #expect(table.stdout.contains("75.0%") && table.stdout.contains("50.0%"))
    }
}
