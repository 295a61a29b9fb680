import Foundation
import GRDB
import Testing

/// `callops check` names an agent-day of `activity_day` that an outside tool damaged, and
/// `check --repair-aggregates` rebuilds it, audited, then the check passes.
@Suite(.serialized) struct AggregateCLITests {
    @Test func checkNamesADamagedAgentDayAndTheRepairRebuildsIt() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date\nA001,张伟,一组,2024-03-01\n")]).status == 0)
        _ = try cli.run(["leads", "import", cli.write("leads.csv", "phone,name\n13900000001,客户\n"), "--source", "v"])
        _ = try cli.run(["leads", "allocate"])
        #expect(try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "90"]).status == 0)
        #expect(try cli.run(["check"]).status == 0)
        let path = cli.folder.appendingPathComponent("test.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "UPDATE activity_day SET dials = 7") }
        try queue.close()
        let found = try cli.run(["check"])
        #expect(found.status != 0)
        #expect(found.stderr.contains("agent id 1 on ") && found.stderr.contains("stored 7 dials") && found.stderr.contains("give 1 dials"), "\(found.stderr)")
        let repaired = try cli.run(["check", "--repair-aggregates"])
        #expect(repaired.status == 0 && repaired.stdout.contains("1 agent-days were wrong"), "\(repaired.stdout)\(repaired.stderr)")
        let audited = try DatabaseQueue(path: path)
        let entry = try audited.read { db in try String.fetchOne(db, sql: "SELECT command FROM audit_log WHERE command LIKE 'check%'") }
        try audited.close()
        #expect(entry == "check --repair-aggregates (1 agent-days rebuilt)")
    }
}
