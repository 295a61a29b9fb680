import Foundation
import Testing

/// The training gate end to end: a probationer gets leads once the pre-job course is passed.
@Suite(.serialized) struct TrainingCLITests {
    @Test func passingThePreJobCourseOpensTheGate() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date,status\nP1,新人,一组,2026-11-20,probation\n")])
        _ = try cli.run(["leads", "import", cli.write("l.csv", "phone\n13900000001\n13900000002\n"), "--source", "v"])
        let gated = try CLI.json(cli.run(["leads", "allocate", "--format", "json"])) as? [String: Any]
        #expect(gated?["allocated"] as? Int == 0)
        #expect(try cli.run(["training", "course", "add", "PJ01", "--name", "岗前培训", "--kind", "pre_job"]).status == 0)
        #expect(try cli.run(["training", "enroll", "--course", "PJ01", "--agent", "P1"]).status == 0)
        let early = try cli.run(["training", "complete", "--course", "PJ01", "--agent", "P9", "--result", "passed"])
        #expect(early.status != 0 && early.stderr.contains("no agent \"P9\""))
        #expect(try cli.run(["training", "complete", "--course", "PJ01", "--agent", "P1", "--result", "passed", "--score", "86"]).status == 0)
        let open = try CLI.json(cli.run(["leads", "allocate", "--format", "json"])) as? [String: Any]
        #expect(open?["allocated"] as? Int == 2)
        let report = try #require(try CLI.json(cli.run(["training", "report", "--format", "json"])) as? [[String: Any]])
        #expect(report.first?["passed"] as? Int == 1 && report.first?["average_score"] as? Double == 86)
    }
}
