import Foundation
import GRDB
import Testing

/// Audit 10: an agent imported ahead of the hire date took leads before it.
@Suite struct HireDateAllocationCLITests {
    @Test func anAgentGetsNoLeadsBeforeTheHireDate() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let now = "2026-10-01T10:00"
        #expect(try cli.run(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date\nA00,老员工,一组,2024-03-01\nA01,新人,一组,2026-11-20\n")], now: now).status == 0)
        let phones = (1...30).map { "1390000\(String(format: "%04d", $0)),客户\($0)" }.joined(separator: "\n")
        #expect(try cli.run(["leads", "import", cli.write("l.csv", "phone,name\n\(phones)\n"), "--source", "v"], now: now).status == 0)
        #expect(try cli.run(["leads", "allocate", "--seed", "1"], now: now).status == 0)
        let queue = try DatabaseQueue(path: cli.database)
        let (future, hired) = try queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lead JOIN agent ON agent.id = lead.agent_id WHERE agent.code = 'A01'")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lead JOIN agent ON agent.id = lead.agent_id WHERE agent.code = 'A00'")!)
        }
        try queue.close()
        #expect(future == 0, "A01 is hired on 2026-11-20 and got \(future) leads on 2026-10-01")
        #expect(hired > 0, "the agent hired before the day still gets leads")
    }
}
