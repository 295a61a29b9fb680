import BackOffice
import CallOpsCore
import CallOpsStore
import Foundation
import Testing

@testable import Demo

/// Issue 17, item 7: with renewal reminders in the queues (a demo longer than a month), no lead is
/// called more than `max_attempts_per_day` times a day.
@Suite struct DemoPacingTests {
    @Test func noLeadIsCalledMoreThanTwiceADay() throws {
        let clock = try Clock(fixed: "2026-11-23T18:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let db = try AppDatabase.inMemory(schema: BackOfficeSchema.migrations)
        _ = try DemoCenter.build(db, options: DemoCenter.Options(seed: 3, agents: 6, leads: 500, days: 40), settings: .defaults, clock: clock)
        let (renewalCalls, busiest) = try db.read { db in
            (try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM call JOIN policy ON policy.lead_id = call.lead_id AND call.started_at > datetime(policy.sold_at, '+25 days')
                WHERE policy.mode = 'monthly'
                """) ?? 0,
             try Int.fetchOne(db, sql: "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM call GROUP BY lead_id, substr(started_at, 1, 10))") ?? 0)
        }
        #expect(renewalCalls > 0, "the demo must reach renewal reminders for this test to mean anything")
        #expect(busiest <= Settings.defaults.cadence.maxAttemptsPerDay, "a lead was called \(busiest) times in one day")
    }
}
