import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster
import Testing

@testable import FollowUp

/// A center with two agents and leads allocated to A1 on 2026-11-20 at 10:00 (a Friday).
final class AgentDay {
    let folder: URL
    let db: AppDatabase
    let settings = Settings.defaults
    var clock: Clock

    init(leads: Int = 6) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-agent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        db = try AppDatabase.open(path: folder.appendingPathComponent("t.sqlite").path, schema: FollowUpSchema.migrations)
        clock = try Clock(fixed: "2026-11-20T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        _ = try db.transaction { db in
            try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 2, code: "A1", name: "甲", team: "一组", hireDate: "2025-01-01", tier: .core, status: .active),
                RosterRow(line: 3, code: "A2", name: "乙", team: "一组", hireDate: "2025-01-01", tier: .core, status: .probation),
            ], hasSeatColumn: false), file: "t")
        }
        // Ages make lead 1 grade A and the rest B or C; the customer of lead 1 is married with a child.
        var text = "phone,name,age,income,occupation,marital,children\n"
        for i in 1...leads {
            text += i == 1 ? "1390000000\(i),客户\(i),30,200000,教师,已婚,1\n" : "1390000000\(i),客户\(i),\(i % 2 == 0 ? 40 : 60),,,,\n"
        }
        let path = folder.appendingPathComponent("l.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        _ = try LeadImporter(settings: settings, clock: clock).run(path: path, options: ImportOptions(source: "t"), db: db)
        var options = AllocationOptions()
        options.seed = 1
        _ = try Allocator(settings: settings, clock: clock, sales: Sales.tierSales).run(db, options: options)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func at(_ time: String) throws { clock = try Clock(fixed: time, timeZone: clock.timeZone) }

    @discardableResult
    func call(_ lead: Int64, _ disposition: Disposition, talk: Int = 0, at time: String, callback: String? = nil, agent: String = "A1",
              sale: SaleInput? = nil) throws -> CallOutcome {
        let at = clock.parse(time)!
        return try db.transaction { db in
            try CallRecorder(settings: settings, clock: clock).record(db, CallInput(
                callID: "\(lead)-\(time)-\(disposition.rawValue)", agentCode: agent, leadID: lead, startedAt: at, talkSeconds: talk,
                disposition: disposition, callbackAt: callback.flatMap(clock.parse), sale: sale))
        }
    }

    func queue(_ agent: String = "A1") throws -> [QueueEntry] {
        try db.read { db in try NextCallQueue(settings: settings, clock: clock).entries(db, agent: agent) }
    }
}

@Suite struct QueueAndSalesTests {
    @Test func theQueueServesEachKindInTheSpecOrder() throws {
        let day = try AgentDay(leads: 6)
        // Lead 1: sold Friday → stabilisation due Sunday 10:00. Lead 2: callback Monday 09:30.
        // Lead 3: opening call (connected) → follow-up 1 due Saturday. Lead 4: interested → follow-up 1 due Saturday, hotter.
        // Lead 5: unanswered → retry. Lead 6: never called → new.
        try day.call(1, .sale, talk: 600, at: "2026-11-20T10:05", sale: SaleInput(product: "ACC01", premium: Money(yuan: 300)))
        try day.call(2, .callback, talk: 30, at: "2026-11-20T10:10", callback: "2026-11-23T09:30")
        try day.call(3, .connected, talk: 90, at: "2026-11-20T10:15")
        try day.call(4, .interested, talk: 240, at: "2026-11-20T10:20")
        try day.call(5, .noAnswer, at: "2026-11-20T10:25")
        try day.at("2026-11-23T10:00")
        let queue = try day.queue()
        #expect(queue.map(\.reason) == [.callback, .stabilize, .followUp, .followUp, .retry, .new])
        #expect(queue.map(\.leadID) == [2, 1, 4, 3, 5, 6])
        #expect(queue[2].why == "follow_up 1/5" && queue[2].followUp == 1 && queue[2].purpose == "follow-up 1: needs analysis and fit")
        #expect(queue[4].dueAt == "2026-11-20T13:30:00" && queue[5].why.hasPrefix("new "))
        // Only the agent's own leads; nothing outside the windows; never a DNC number.
        #expect(try day.queue("A2").isEmpty)
        try day.at("2026-11-23T12:30")
        #expect(try day.queue().isEmpty)
        try day.at("2026-11-23T10:00")
        _ = try day.db.transaction { db in try DoNotCall.add(db, phones: ["13900000006"], source: "t", clock: day.clock) }
        #expect(!(try day.queue().contains { $0.leadID == 6 }))
        // The stabilisation call, once made, leaves the queue.
        try day.call(1, .connected, talk: 120, at: "2026-11-23T10:01")
        #expect(!(try day.queue().contains { $0.reason == .stabilize }))
    }

    @Test func freeLookEdges() throws {
        let day = try AgentDay(leads: 2)
        try day.call(1, .sale, talk: 600, at: "2026-11-20T10:05", sale: SaleInput(product: "CI01", premium: Money(yuan: 5_000)))
        try day.call(2, .sale, talk: 600, at: "2026-11-20T10:06", sale: SaleInput(product: "ACC01", premium: Money(yuan: 300)))
        // Day 14 after the sale: still inside the 15-day free-look. Day 16: outside.
        try day.at("2026-12-04T18:00")
        try day.db.transaction { db in try Sales(settings: day.settings, clock: day.clock).cancel(db, policy: 1, reason: "changed mind") }
        try day.at("2026-12-06T10:00")
        #expect(throws: CallOpsError.self) {
            try day.db.transaction { db in try Sales(settings: day.settings, clock: day.clock).cancel(db, policy: 2, reason: "late") }
        }
        let statuses = try day.db.read { db in try String.fetchAll(db, sql: "SELECT status FROM policy ORDER BY id") }
        #expect(statuses == ["cancelled", "in_force"])
        // Age limits of the catalog: education is for minors.
        #expect(throws: CallOpsError.self) {
            try day.call(2, .sale, talk: 100, at: "2026-12-06T10:00", sale: SaleInput(product: "EDU01", premium: Money(yuan: 6_000), insured: .spouse, insuredAge: 35))
        }
    }

    @Test func callImportIsIdempotentAndCountsOthersLeads() throws {
        let day = try AgentDay(leads: 3)
        let file = day.folder.appendingPathComponent("calls.csv").path
        try """
            call_id,agent_code,phone,started_at,talk_seconds,disposition,callback_at,product,premium,insured,note
            c3,A1,13900000001,2026-11-20T11:00:00,300,sale,,ACC01,300,self,
            c1,A1,13900000001,2026-11-20T10:30:00,200,interested,,,,,
            c2,A2,13900000002,2026-11-20T10:40:00,0,no_answer,,,,,
            c4,A9,13900000003,2026-11-20T10:50:00,0,busy,,,,,
            c5,A1,13800000000,2026-11-20T10:50:00,0,busy,,,,,
            c6,A1,13900000003,2026-11-20T25:00:00,0,busy,,,,,
            """.write(toFile: file, atomically: true, encoding: .utf8)
        try day.at("2026-11-20T20:00")
        let first = try day.db.transaction { db in try CallImport(settings: day.settings, clock: day.clock).run(db, path: file) }
        #expect(first.rows == 6 && first.imported == 3 && first.onOthersLeads == 1 && first.sales == 1)
        #expect(first.rejected.map(\.line) == [5, 6, 7])
        #expect(first.rejected[2].field == "started_at")
        let again = try day.db.transaction { db in try CallImport(settings: day.settings, clock: day.clock).run(db, path: file) }
        #expect(again.imported == 0 && again.alreadyImported == 3)
        // The calls were applied in time order: interested at 10:30, then the sale at 11:00.
        let lead = try day.db.read { db in try LeadProgress.lead(db, id: 1) }!
        #expect(lead.status == "won" && lead.attempts == 2)
        let violations = try day.db.read { db in try FollowUpSchema.invariants.flatMap { try $0.violations(db) } }
        #expect(violations.isEmpty, "\(violations)")
    }

    @Test func crossSellQueueReadsTheHousehold() throws {
        let day = try AgentDay(leads: 1)
        try day.call(1, .sale, talk: 600, at: "2026-11-20T10:05", sale: SaleInput(product: "ACC01", premium: Money(yuan: 300)))
        _ = try day.db.transaction { db in
            try Households(settings: day.settings, clock: day.clock).addMember(db, lead: 1, relation: .child, age: 4, gender: .female)
        }
        // Inside free-look: nothing yet. After it: the spouse's accident cover first.
        try day.at("2026-12-01T10:00")
        #expect(try day.db.read { db in try Households(settings: day.settings, clock: day.clock).queue(db, agent: "A1") }.isEmpty)
        try day.at("2026-12-06T10:00")
        let offers = try day.db.read { db in try Households(settings: day.settings, clock: day.clock).queue(db, agent: "A1") }
        // Income 200,000: 10% is 20,000 a year; 300 held + 300 + 5,000 + 10,000 + 300 = 15,900 fits,
        // the child's education fund (6,000) would not.
        #expect(offers.map { "\($0.member) \($0.line)" } == [
            "spouse accident", "self critical_illness", "self pension", "child accident",
        ])
    }

    /// A malformed `sold_at` (written by another tool) fell out of the cross-sell queue's range
    /// and the tier's month without a word; now both name the policy row and column.
    @Test func aBadSoldAtIsNamedByCrossSellAndTheTier() throws {
        let day = try AgentDay(leads: 1)
        try day.call(1, .sale, talk: 600, at: "2026-11-20T10:05", sale: SaleInput(product: "ACC01", premium: Money(yuan: 300)))
        try day.at("2026-12-06T10:00")
        let households = Households(settings: day.settings, clock: day.clock), rules = day.settings.roster
        #expect(try day.db.read { db in try households.queue(db, agent: "A1") }.isEmpty == false)
        #expect(try day.db.read { db in try Sales.tierSales(db, month: CivilMonth("2026-11")!, asOf: CivilDay("2026-12-06")!) }
                == [1: MonthSales(policies: 1, fyc: try day.db.read { db in try Money(fen: Int64.fetchOne(db, sql: "SELECT commission_fen FROM policy")!) })])
        try day.db.transaction(dryRun: true) { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            defer { try? db.execute(sql: "PRAGMA ignore_check_constraints = OFF") }
            try db.execute(sql: "UPDATE policy SET sold_at = 'last week'")
            let reads: [(Database) throws -> Void] = [
                { db in _ = try households.queue(db, agent: "A1") },
                { db in _ = try Roster.tiers(db, on: CivilDay("2026-12-06")!, rules: rules, sales: Sales.tierSales) },
            ]
            for read in reads {
                #expect { try read(db) } throws: { error in
                    guard let error = error as? StoredValueError else { return false }
                    return error.table == "policy" && error.column == "sold_at" && error.value == "last week" && error.row == "1"
                }
            }
        }
    }
}
