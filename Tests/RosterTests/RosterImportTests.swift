import CallOpsCore
import CallOpsStore
import Foundation
import Testing

@testable import Roster

/// Writes `text` to a new temporary file named `name`; the caller removes the folder.
func writeFile(_ name: String, _ text: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-roster-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent(name).path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite struct RosterImportTests {
    let clock = try! Clock(fixed: "2026-11-23T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)

    func importRoster(_ db: AppDatabase, _ text: String, name: String = "roster.csv") throws -> RosterImportSummary {
        let path = try writeFile(name, text)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let roster = try RosterImport.read(path: path, clock: clock)
        return try db.transaction { db in try RosterImport.apply(db, roster: roster, file: name) }
    }

    let good = """
        agent_code,name,team,hire_date,tier,status,seat,daily_new_leads,max_open_leads
        A001,张伟,一组,2024-03-01,top,active,A-01,50,400
        A002,李娜,一组,2026-11-10,,probation,A-02,,
        A003,"Wang, Fang",二组,2025-06-15,,active,,20,
        """

    @Test func importsTeamsSeatsAndAgents() throws {
        let db = try AppDatabase.inMemory(schema: RosterSchema.migrations)
        let summary = try importRoster(db, good)
        #expect(summary == RosterImportSummary(rows: 3, added: 3, updated: 0, teamsCreated: 2, seatsCreated: 2))
        let agents = try db.read { db in try Roster.agents(db) }
        #expect(agents.map(\.code) == ["A001", "A002", "A003"])
        #expect(agents[2].name == "Wang, Fang" && agents[2].dailyNewLeads == 20 && agents[2].maxOpenLeads == nil)
        let tiers = try db.read { db in try Roster.tiers(db, on: clock.civilToday, rules: Settings.defaults.roster, sales: Roster.noSales) }
        #expect(tiers[agents[0].id] == ResolvedTier(tier: .top, source: .roster, why: "set in the roster"))
        // Hired 13 days ago: new, whatever the roster leaves empty.
        #expect(tiers[agents[1].id]?.tier == .new && tiers[agents[1].id]?.source == .derived)
        #expect(tiers[agents[2].id]?.tier == .general && tiers[agents[2].id]?.source == .derived)
        #expect(try db.read { db in try Roster.seatCounts(db) } == (seats: 2, occupied: 2))
        #expect(try db.read { db in try Roster.agents(db, team: "二组").count } == 1)
    }

    @Test func reimportUpdatesByCodeAndMovesSeats() throws {
        let db = try AppDatabase.inMemory(schema: RosterSchema.migrations)
        _ = try importRoster(db, good)
        let summary = try importRoster(db, """
            agent_code,name,team,hire_date,status,seat
            A001,张伟,一组,2024-03-01,active,A-02
            A002,李娜,一组,2026-11-10,left,
            """)
        #expect(summary.added == 0 && summary.updated == 2)
        let agents = try db.read { db in try Roster.agents(db) }
        #expect(agents[0].seat == "A-02" && agents[0].rosterTier == .top)  // tier column absent: kept
        #expect(agents[1].status == .left && agents[1].seat == nil)
        #expect(agents[2].dailyNewLeads == 20)  // not in the file: untouched
    }

    @Test func aFileWithoutASeatColumnKeepsSeats() throws {
        let db = try AppDatabase.inMemory(schema: RosterSchema.migrations)
        _ = try importRoster(db, good)
        _ = try importRoster(db, "agent_code,name,team,hire_date\nA001,张伟,一组,2024-03-01\n")
        #expect(try db.read { db in try Roster.agent(db, code: "A001").seat } == "A-01")
    }

    /// Each refusal names the line and field, and changes nothing.
    @Test(arguments: [
        ("agent_code,name,team\nA001,张伟,一组\n", 1, "hire_date"),
        ("agent_code,name,team,hire_date\nA001,张伟,一组,2026-02-30\n", 2, "hire_date"),
        ("agent_code,name,team,hire_date\nA001,张伟,一组,23/11/2026\n", 2, "hire_date"),
        ("agent_code,name,team,hire_date,status\nA001,张伟,一组,2026-01-05,active\nA009,王芳,一组,2026-01-05,on_leave\n", 3, "status"),
        ("agent_code,name,team,hire_date,tier\nA001,张伟,一组,2026-01-05,star\n", 2, "tier"),
        ("agent_code,name,team,hire_date\nA001,张伟,一组,2026-01-05\nA001,李娜,二组,2026-01-05\n", 3, "agent_code"),
        ("agent_code,name,team,hire_date\nA001,,一组,2026-01-05\n", 2, "name"),
        ("agent_code,name,team,hire_date\nA001,张伟,一组\n", 2, "row"),
        ("agent_code,name,team,hire_date,daily_new_leads\nA001,张伟,一组,2026-01-05,-3\n", 2, "daily_new_leads"),
        ("agent_code,name,team,hire_date,seat\nA001,张伟,一组,2026-01-05,S1\nA002,李娜,一组,2026-01-05,S1\n", 3, "seat"),
    ])
    func refusesABadFileNamingLineAndField(text: String, line: Int, field: String) throws {
        let db = try AppDatabase.inMemory(schema: RosterSchema.migrations)
        _ = try importRoster(db, good)
        let before = try db.read { db in try Roster.agents(db) }
        #expect {
            _ = try importRoster(db, text, name: "bad.csv")
        } throws: { error in
            guard case let .badInput(file, l, f, _) = error as? CallOpsError else { return false }
            return file == "bad.csv" && l == line && f == field
        }
        #expect(try db.read { db in try Roster.agents(db) } == before)
    }

    @Test func aSeatHeldOutsideTheFileIsRefused() throws {
        let db = try AppDatabase.inMemory(schema: RosterSchema.migrations)
        _ = try importRoster(db, good)
        #expect(throws: CallOpsError.self) {
            _ = try importRoster(db, "agent_code,name,team,hire_date,seat\nA003,王芳,二组,2025-06-15,A-01\n")
        }
        #expect(try db.read { db in try Roster.agent(db, code: "A001").seat } == "A-01")
    }

    @Test func anEmptyFileIsRefused() throws {
        let db = try AppDatabase.inMemory(schema: RosterSchema.migrations)
        #expect(throws: CallOpsError.self) { _ = try importRoster(db, "") }
    }
}
