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
        // A call imported, none rejected: still the header of the rejected rows.
        try cli.oneAgentCenter()
        let one = try cli.write("c1.csv", Self.callHeader + "k1,A001,1,2026-11-23T09:00,5,no_answer\n")
        #expect(try cli.ok(["calls", "import", one, "--format", "csv"]).stdout == "line,field,reason\n")
    }
}
