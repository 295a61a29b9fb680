import CallOpsCore
import CallOpsStore
import Foundation
import Testing

@testable import Roster

/// The roster's dialer_user (SPEC section 4): the agent's login on the dialer.
@Suite struct DialerUserTests {
    let clock = try! Clock(fixed: "2026-11-23T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)

    func importRoster(_ db: AppDatabase, _ text: String) throws -> RosterImportSummary {
        let path = try writeFile("roster.csv", text)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let roster = try RosterImport.read(path: path, clock: clock)
        return try db.transaction { db in try RosterImport.apply(db, roster: roster, file: "roster.csv") }
    }

    func users(_ db: AppDatabase) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try db.read { db in try Roster.agents(db) }.map { ($0.code, $0.dialerUser) })
    }

    @Test func defaultsToTheAgentCodeAndIsResolvedBack() throws {
        let db = try AppDatabase.inMemory(schema: RosterSchema.migrations)
        _ = try importRoster(db, """
            agent_code,name,team,hire_date,dialer_user
            A001,张伟,一组,2024-03-01,vici01
            A002,李娜,一组,2024-03-01,
            """)
        #expect(try users(db) == ["A001": "vici01", "A002": "A002"])
        // A file without the column keeps what the roster had, and gives a new agent the code.
        _ = try importRoster(db, "agent_code,name,team,hire_date\nA001,张伟,一组,2024-03-01\nA003,王芳,一组,2024-03-01\n")
        #expect(try users(db) == ["A001": "vici01", "A002": "A002", "A003": "A003"])
        #expect(try db.read { db in try Roster.agentCodesByDialerUser(db) } == ["vici01": "A001", "A002": "A002", "A003": "A003"])
    }

    @Test func aFileMaySwapTwoLogins() throws {
        let db = try AppDatabase.inMemory(schema: RosterSchema.migrations)
        _ = try importRoster(db, "agent_code,name,team,hire_date,dialer_user\nA001,甲,一组,2024-03-01,u1\nA002,乙,一组,2024-03-01,u2\n")
        _ = try importRoster(db, "agent_code,name,team,hire_date,dialer_user\nA001,甲,一组,2024-03-01,u2\nA002,乙,一组,2024-03-01,u1\n")
        #expect(try users(db) == ["A001": "u2", "A002": "u1"])
    }

    @Test func aLoginHeldTwiceIsRefusedNamingTheLine() throws {
        let db = try AppDatabase.inMemory(schema: RosterSchema.migrations)
        // In the file: an empty cell means the code, which another row already claims.
        #expect(throws: CallOpsError.badInput(
            file: "roster.csv", line: 3, field: "dialer_user",
            message: "\"A002\" is also given on line 2 (an empty cell means the agent code); each agent has their own login")
        ) {
            try importRoster(db, "agent_code,name,team,hire_date,dialer_user\nA001,甲,一组,2024-03-01,A002\nA002,乙,一组,2024-03-01,\n")
        }
        #expect(throws: CallOpsError.self) {
            try importRoster(db, "agent_code,name,team,hire_date,dialer_user\nA001,甲,一组,2024-03-01,vici 01\n")
        }
        // Against the roster: a new agent whose code is someone's login.
        _ = try importRoster(db, "agent_code,name,team,hire_date,dialer_user\nA001,甲,一组,2024-03-01,B7\n")
        #expect(throws: CallOpsError.badInput(
            file: "roster.csv", line: 2, field: "dialer_user",
            message: "\"B7\" is the dialer login of agent A001; give one of them another dialer_user")
        ) {
            try importRoster(db, "agent_code,name,team,hire_date\nB7,乙,一组,2024-03-01\n")
        }
        #expect(try users(db) == ["A001": "B7"])
    }

    @Test func aFirstReleaseDatabaseGetsTheCodesAsLogins() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-dialer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("old.sqlite").path
        let old = try AppDatabase.open(path: path, schema: Array(RosterSchema.migrations.prefix(1)))
        try old.transaction { db in
            try db.execute(sql: "INSERT INTO team (name) VALUES ('一组')")
            try db.execute(sql: "INSERT INTO agent (code, name, team_id, hire_date, status) VALUES ('A1', '甲', 1, '2025-01-01', 'active')")
        }
        let migrated = try AppDatabase.open(path: path, schema: RosterSchema.migrations)
        #expect(try users(migrated) == ["A1": "A1"])
        // An agent inserted without a login gets the default from the trigger, so the index guards it.
        try migrated.transaction { db in
            try db.execute(sql: "INSERT INTO agent (code, name, team_id, hire_date, status) VALUES ('A2', '乙', 1, '2025-01-01', 'active')")
        }
        #expect(try migrated.read { db in try String.fetchOne(db, sql: "SELECT dialer_user FROM agent WHERE code = 'A2'") } == "A2")
        #expect(throws: (any Error).self) {
            try migrated.transaction { db in try db.execute(sql: "UPDATE agent SET dialer_user = 'A1' WHERE code = 'A2'") }
        }
    }
}
