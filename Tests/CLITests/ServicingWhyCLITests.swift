import Foundation
import Testing

/// `leads why` on a customer handed over by a departure (SPEC sections 5 and 7, issue 12 §1):
/// the queues it lists are the servicing agent's, where the work now is.
@Suite(.serialized) struct ServicingWhyCLITests {
    @Test func aHandedOverCustomersQueuesAreTheServicingAgents() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date\nX1,甲,X组,2026-01-05\nX2,乙,X组,2026-01-05\n")], now: "2026-10-05T09:00")
        try cli.ok(["leads", "import", cli.write("l.csv", "phone,name,age,marital,children\n13900000001,张三,30,已婚,1\n13900000002,李四,31,已婚,1\n"),
                    "--source", "v"], now: "2026-10-05T09:00")
        try cli.ok(["leads", "allocate", "--seed", "1"], now: "2026-10-05T09:30")
        // The lead X1 holds.
        let owners = try [1, 2].map { lead in
            let story = try #require(try CLI.json(cli.ok(["leads", "why", String(lead), "--format", "json"], now: "2026-10-05T10:00")) as? [String: Any])
            return (lead, story["owner"] as? String)
        }
        let lead = String(try #require(owners.first { $0.1 == "X1" }?.0, "\(owners)"))
        try cli.ok(["sales", "record", "--lead", lead, "--agent", "X1", "--product", "ACC01", "--premium", "700"], now: "2026-11-17T10:00")
        try cli.ok(["roster", "leave", "--agent", "X1", "--date", "2026-11-18"], now: "2026-11-18T08:00")

        // The stabilisation call is in X2's queue, and `leads why` says so.
        let queue = try #require(try CLI.json(cli.ok(["queue", "next", "--agent", "X2", "--format", "json"], now: "2026-11-19T10:00")) as? [[String: Any]])
        #expect(queue.contains { String($0["lead_id"] as? Int ?? 0) == lead && $0["reason"] as? String == "stabilize" }, "\(queue)")
        let why = try cli.ok(["leads", "why", lead], now: "2026-11-19T10:00").stdout
        #expect(why.contains("handed_over"), "\(why)")
        #expect(why.contains("stabilisation: policy 1 (ACC01), agent X2"), "\(why)")
        #expect(!why.contains("queues: none"), "\(why)")
        #expect(why.contains("in agent X2's queue now"), "\(why)")

        // Past free-look the cross-sell suggestions are X2's, and `leads why` names them.
        let offers = try #require(try CLI.json(cli.ok(["queue", "cross-sell", "--agent", "X2", "--format", "json"], now: "2026-12-05T10:00")) as? [[String: Any]])
        #expect(offers.contains { String($0["lead_id"] as? Int ?? 0) == lead }, "\(offers)")
        let later = try cli.ok(["leads", "why", lead, "--format", "json"], now: "2026-12-05T10:00")
        let story = try #require(try CLI.json(later) as? [String: Any])
        let queues = try #require(story["queues"] as? [String])
        #expect(queues.contains { $0.hasPrefix("cross-sell:") && $0.contains("agent X2's list") }, "\(queues)")
        #expect(!queues.contains { $0.contains("X1") }, "\(queues)")
    }
}
