import CallOpsCore
import CallOpsStore
import Foundation
import Roster
import Testing

@testable import BackOffice

@Suite struct RecruitingTests {
    /// Seed 003's funnel: 39 → 21 → 12 → 8 → 7 → 6 → 5 → 4 → 3, built candidate by candidate.
    @Test func seed003sFunnel() throws {
        let db = try AppDatabase.inMemory(schema: Recruiting.migrations)
        let reached = [39, 21, 12, 8, 7, 6, 5, 4, 3]
        let start = CivilDay("2026-09-01")!
        try db.transaction { db in
            try Training.addCourse(db, code: "PJ01", name: "岗前培训", kind: .preJob)
            for i in 0..<39 {
                let channel: RecruitChannel = i % 3 == 0 ? .referral : .jobSite
                let id = try Recruiting.add(db, name: "候选\(i)", channel: channel, phone: nil, on: start)
                // Candidate i goes as far as the last stage at least i + 1 candidates reach; each stage takes 2 days.
                let last = reached.lastIndex { $0 > i }!
                var day = start
                for step in 0..<last {
                    day = day.adding(days: 2)
                    let signing = step == 7 ? Recruiting.Signing(agentCode: "N\(i)", team: "新人组") : nil
                    _ = try Recruiting.advance(db, candidate: id, on: day, signing: signing)
                }
                if last < 8 && i % 2 == 0 { try Recruiting.drop(db, candidate: id, reason: "另有工作", on: day.adding(days: 1)) }
            }
        }
        let funnels = try db.read { db in try Recruiting.funnels(db, from: start, to: CivilDay("2026-12-31")!) }
        #expect(funnels.map(\.channel) == ["referral", "job_site", "all"])
        let all = try #require(funnels.last)
        #expect(all.stages.map(\.reached) == reached)
        #expect(all.stages[1].conversion == 21.0 / 39.0 && all.stages[0].conversion == nil && all.stages[8].conversion == 3.0 / 4.0)
        #expect(all.stages.allSatisfy { $0.averageDays == ($0.stage == "signed" ? nil : 2) })
        #expect(funnels[0].stages.map(\.reached)[0] + funnels[1].stages.map(\.reached)[0] == 39)
        // Those who stopped short: dropped if even, still waiting in their stage if odd.
        #expect(all.dropped == (0..<39).filter { i in reached.lastIndex { $0 > i }! < 8 && i % 2 == 0 }.count)
        #expect(all.stages.map(\.now).reduce(0, +) + all.dropped == 39)
        // Each stage's dropped are those who stopped there: together the funnel's dropped.
        #expect(all.stages.map(\.dropped).reduce(0, +) == all.dropped && all.stages.last?.dropped == 0)
        // The three who signed are agents on probation, hired the day they signed, enrolled in PJ01.
        let signed = try db.read { db in try Roster.agents(db).filter { $0.code.hasPrefix("N") } }
        #expect(signed.map(\.code).sorted() == ["N0", "N1", "N2"] && signed.allSatisfy { $0.status == .probation && $0.hireDate == "2026-09-17" })
        #expect(try db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM enrollment WHERE status = 'enrolled'") } == 3)
        // A period with nobody sourced has an empty funnel, not a division by zero.
        let empty = try db.read { db in try Recruiting.funnels(db, from: CivilDay("2026-10-01")!, to: CivilDay("2026-10-31")!) }
        #expect(empty.map(\.channel) == ["all"] && empty[0].stages.allSatisfy { $0.reached == 0 && $0.conversion == nil })
    }

    @Test func refusalsChangeNothing() throws {
        let db = try AppDatabase.inMemory(schema: Recruiting.migrations)
        let day = CivilDay("2026-11-23")!
        let id = try db.transaction { db in try Recruiting.add(db, name: "王五", channel: .campus, phone: "13900000001", on: day) }
        func advance(_ on: CivilDay = CivilDay("2026-11-23")!, _ signing: Recruiting.Signing? = nil) throws -> RecruitStage {
            try db.transaction { db in try Recruiting.advance(db, candidate: id, on: on, signing: signing) }
        }
        #expect(throws: CallOpsError.self) { try advance(day.adding(days: -1)) }
        for _ in 0..<7 { _ = try advance() }
        // Signing needs an agent code, and a pre-job course to enrol.
        #expect(throws: CallOpsError.self) { try advance() }
        #expect(throws: CallOpsError.self) { try advance(day, Recruiting.Signing(agentCode: "N1", team: "一组")) }
        #expect(try db.read { db in try Roster.agents(db) }.isEmpty)
        try db.transaction { db in try Training.addCourse(db, code: "PJ01", name: "岗前", kind: .preJob) }
        #expect(try advance(day, Recruiting.Signing(agentCode: "N1", team: "一组")) == .signed)
        #expect(throws: CallOpsError.self) { try advance() }
        #expect(throws: CallOpsError.self) { try db.transaction { db in try Recruiting.drop(db, candidate: id, reason: "x", on: day) } }
        let other = try db.transaction { db in try Recruiting.add(db, name: "赵六", channel: .agency, phone: nil, on: day) }
        #expect(throws: CallOpsError.self) { try db.transaction { db in try Recruiting.drop(db, candidate: other, reason: "x", on: day.adding(days: -1)) } }
        try db.transaction { db in try Recruiting.drop(db, candidate: other, reason: "薪资不符", on: day) }
        #expect(throws: CallOpsError.self) { try db.transaction { db in try Recruiting.drop(db, candidate: other, reason: "again", on: day) } }
        #expect(throws: CallOpsError.self) { try db.transaction { db in try Recruiting.advance(db, candidate: other, on: day) } }
        #expect(throws: CallOpsError.self) { try db.transaction { db in _ = try Recruiting.add(db, name: " ", channel: .agency, phone: nil, on: day) } }
        let listed = try db.read { db in try Recruiting.list(db, today: day.adding(days: 3), all: true) }
        #expect(listed.map(\.stage) == ["sourced", "signed"] && listed[0].dropReason == "薪资不符" && listed[0].daysInStage == 0)
        #expect(try db.read { db in try Recruiting.list(db, today: day) }.isEmpty)
    }
}

@Suite struct RetentionTests {
    @Test func onTheRosterByTheLastMoveOnOrBeforeTheDay() {
        let signed = CivilDay("2026-01-10")!
        let stays = Hire(channel: "referral", signedOn: signed)
        let leftOnTheMark = Hire(channel: "referral", signedOn: signed, events: [("left", CivilDay("2026-04-10")!)])
        let back = Hire(channel: "referral", signedOn: signed, events: [("returned", CivilDay("2026-04-01")!), ("left", CivilDay("2026-03-10")!)])
        let legacy = Hire(channel: "campus", signedOn: signed, leftWithoutDay: true)
        let mark = signed.adding(months: 3)
        // left_on is the first day away: gone on the mark itself; the day before, still there.
        #expect(stays.onRoster(on: mark) && !leftOnTheMark.onRoster(on: mark) && leftOnTheMark.onRoster(on: mark.adding(days: -1)))
        #expect(back.onRoster(on: mark) && !back.onRoster(on: CivilDay("2026-03-20")!) && !legacy.onRoster(on: mark))
        let rows = Retention.rows([stays, leftOnTheMark, back, legacy, Hire(channel: "agency", signedOn: CivilDay("2026-09-01")!)],
                                  today: CivilDay("2026-12-01")!)
        #expect(rows.map { "\($0.month) \($0.channel) \($0.signed)" } == ["2026-01 referral 3", "2026-01 campus 1", "2026-09 agency 1"])
        #expect(rows[0].retained3m == 2.0 / 3.0 && rows[0].retained6m == 2.0 / 3.0 && rows[0].retained12m == nil)
        #expect(rows[1].retained3m == 0 && rows[2].retained3m == 1 && rows[2].retained6m == nil)
    }
}
