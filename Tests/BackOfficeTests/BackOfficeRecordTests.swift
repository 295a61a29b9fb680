import CallOpsCore
import CallOpsStore
import Foundation
import GRDB
import Roster
import Testing

@testable import BackOffice

/// The back office's typed records write their tables' columns and read them back.
@Suite struct BackOfficeRecordTests {
    /// A center of one agent, A001 (row 1).
    func center(status: AgentStatus = .active) throws -> AppDatabase {
        let db = try AppDatabase.inMemory(schema: BackOfficeSchema.migrations)
        try db.transaction { db in
            try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 0, code: "A001", name: "甲", team: "一组", hireDate: "2025-01-01", tier: .general, status: status)
            ], hasSeatColumn: false), file: "test")
        }
        return db
    }

    /// The pay records write SPEC section 2's columns in their stored SQL types and read them back.
    @Test func payRecordsRoundTrip() throws {
        let db = try center()
        try db.transaction { db in
            let month = CivilMonth("2026-10")!
            let run = PayRunRecord(month: month, status: .draft, runAt: "2026-11-01T09:00:00", total: Money(fen: -4_500))
            try run.insert(db)
            var line = try PayLineRecord(month: month, agentID: 1, line: PayLine(kind: .tierBonus, amount: Money(fen: -4_500), detail: "d", forMonth: "2026-09"))
            try line.insert(db)
            let basis = PayBasisRecord(month: month, agentID: 1, basis: PayRun.Basis(tier: .core, employedDays: 20, monthDays: 31))
            try basis.insert(db)
            #expect(try PayRunRecord.fetchOne(db, key: month) == run)
            #expect(try PayLineRecord.fetchOne(db, key: line.id!) == line)
            #expect(try PayBasisRecord.fetchAll(db) == [basis])
            #expect(try line.line() == PayLine(kind: .tierBonus, amount: Money(fen: -4_500), detail: "d", forMonth: "2026-09"))
            #expect(try basis.basis() == PayRun.Basis(tier: .core, employedDays: 20, monthDays: 31))
            let stored = try #require(try Row.fetchOne(db, sql: """
                SELECT pay_run.month, typeof(pay_run.month) AS month_type, pay_run.status, typeof(pay_run.total_fen) AS total_type,
                       pay_line.kind, pay_line.amount_fen, typeof(pay_line.amount_fen) AS amount_type, pay_line.for_month,
                       pay_basis.tier, typeof(pay_basis.employed_days) AS days_type
                FROM pay_run JOIN pay_line ON pay_line.month = pay_run.month JOIN pay_basis ON pay_basis.month = pay_run.month
                """))
            #expect(stored["month"] as String == "2026-10" && stored["month_type"] as String == "text" && stored["status"] as String == "draft")
            #expect(stored["total_type"] as String == "integer" && stored["kind"] as String == "tier_bonus" && stored["amount_fen"] as Int64 == -4_500)
            #expect(stored["amount_type"] as String == "integer" && stored["for_month"] as String == "2026-09")
            #expect(stored["tier"] as String == "core" && stored["days_type"] as String == "integer")
            // Finalised through the record's columns, the month is locked by the table's triggers.
            _ = try PayRunRecord.filter(key: month).updateAll(db, PayRunRecord.Columns.status.set(to: PayRunStatus.final))
            #expect(try PayRunRecord.fetchOne(db, key: month)?.status == .final)
            #expect(throws: DatabaseError.self) { try PayLineRecord.filter(PayLineRecord.Columns.month == month).deleteAll(db) }
        }
    }

    /// A month's targets stored through the record, in SPEC section 2's columns, read back as the seat report reads them.
    @Test func activityTargetsRoundTrip() throws {
        let db = try center()
        let rules = Settings.defaults.planning
        try db.transaction { db in
            let targets = ActivityTargets.from(annualIncome: Money(yuan: 120_000), rules: rules)
            try Planning.store(db, agent: "A001", month: "2026-11", targets: targets)
            // Stored again, it replaces the month's row.
            try Planning.store(db, agent: "A001", month: "2026-11", targets: targets)
            let record = try #require(try ActivityTargetRecord.fetchOne(db))
            #expect(try ActivityTargetRecord.fetchCount(db) == 1)
            #expect(record == ActivityTargetRecord(agentID: 1, month: CivilMonth("2026-11")!, targets: targets))
            let stored = try #require(try Row.fetchOne(db, sql: """
                SELECT month, typeof(agent_id) AS a, typeof(annual_income_fen) AS i, typeof(monthly_premium_fen) AS p, typeof(monthly_sales) AS s,
                       typeof(monthly_effective_calls) AS e, typeof(monthly_proposals) AS pr, typeof(daily_effective_calls) AS d FROM activity_target
                """))
            #expect(stored["month"] as String == "2026-11")
            for column in ["a", "i", "p", "s", "e", "pr", "d"] { #expect(stored[column] as String == "integer", "\(column)") }
            let read = try Planning.monthTargets(db, months: [CivilMonth("2026-11")!], rules: rules)[1]?[CivilMonth("2026-11")!]
            #expect(read == MonthTargets(premium: targets.monthlyPremium, sales: targets.monthlySales, proposals: targets.monthlyProposals,
                                         effectiveCalls: targets.monthlyEffectiveCalls, dailyEffectiveCalls: targets.dailyEffectiveCalls))
            #expect(throws: CallOpsError.self) { try Planning.store(db, agent: "A001", month: "2026-1", targets: targets) }
        }
    }

    /// Courses and enrolments, an agent's and a candidate's, written through their records in
    /// SPEC section 2's columns; a candidate's result is carried to the agent they sign as.
    @Test func trainingRecordsRoundTrip() throws {
        let db = try center(status: .probation)
        try db.transaction { db in
            try Training.addCourse(db, code: "PJ01", name: "岗前培训", kind: .preJob)
            let course = try #require(try CourseRecord.fetchOne(db))
            #expect(course.code == "PJ01" && course.kind == .preJob && course.id != nil)
            #expect(try Training.enroll(db, course: "PJ01", agents: ["A001"], on: "2026-11-20") == 1)
            #expect(try Training.enroll(db, course: "PJ01", agents: ["A001"], on: "2026-11-21") == 0)
            try Training.complete(db, course: "PJ01", agent: "A001", passed: true, score: 90, on: "2026-11-24")
            #expect(try EnrollmentRecord.fetchAll(db) == [EnrollmentRecord(courseID: course.id!, agentID: 1, status: .passed, score: 90,
                                                                          enrolledOn: CivilDay("2026-11-20")!, completedOn: CivilDay("2026-11-24")!)])
            let candidate = try Recruiting.add(db, name: "王芳", channel: .campus, phone: nil, on: CivilDay("2026-11-02")!)
            #expect(try Training.enroll(db, course: "PJ01", candidates: [candidate], on: "2026-11-22") == 1)
            try Training.complete(db, course: "PJ01", candidate: candidate, passed: false, score: 40, on: "2026-11-25")
            let enrolled = try #require(try CandidateEnrollmentRecord.fetchOne(db))
            #expect(enrolled.status == .failed && enrolled.score == 40 && enrolled.completedOn == CivilDay("2026-11-25"))
            #expect(try Recruiting.candidatePreJobCourse(db, candidate: candidate) == "PJ01")
            #expect(try Training.passedPreJob(db) == ["A001"])
            for table in ["enrollment", "candidate_enrollment"] {
                let stored = try #require(try Row.fetchOne(db, sql: """
                    SELECT status, typeof(score) AS s, typeof(course_id) AS c, enrolled_on, completed_on FROM \(table)
                    """))
                #expect(stored["s"] as String == "integer" && stored["c"] as String == "integer", "\(table)")
                #expect((stored["enrolled_on"] as String).count == 10 && (stored["completed_on"] as String).count == 10, "\(table)")
            }
            #expect(try String.fetchOne(db, sql: "SELECT kind FROM course") == "pre_job")
            #expect(throws: CallOpsError.self) { try Training.enroll(db, course: "PJ01", agents: ["A001"], on: "20 Nov") }
        }
    }

    @Test func aCampaignAndACandidateRoundTrip() throws {
        let db = try AppDatabase.inMemory(schema: BackOfficeSchema.migrations)
        try db.transaction { db in
            let tiers = [RewardTier(threshold: 10_000, reward: 500), RewardTier(threshold: 30_000, reward: 2_000)]
            var campaign = try CampaignRecord(code: "Q4", name: "冲刺", metric: .premium, from: CivilDay("2026-11-01")!, to: CivilDay("2026-11-30")!,
                                              teamID: nil, tiers: tiers)
            try campaign.insert(db)
            #expect(try CampaignRecord.fetchOne(db, key: campaign.id!) == campaign)
            let decoded = try campaign.decoded()
            #expect(decoded.metric == .premium && decoded.from == CivilDay("2026-11-01") && decoded.to == CivilDay("2026-11-30") && decoded.tiers == tiers)
            #expect(try Campaigns.standings(db, code: "Q4", today: CivilDay("2026-11-23")!).tiers == tiers)

            let id = try Recruiting.add(db, name: "王芳", channel: .campus, phone: nil, on: CivilDay("2026-11-02")!)
            let candidate = try #require(try CandidateRecord.fetchOne(db, key: id))
            #expect(candidate.name == "王芳" && candidate.channel == .campus && candidate.stage == .sourced && candidate.stageSince == "2026-11-02")
            #expect(try CandidateStageRecord.fetchAll(db) == [CandidateStageRecord(candidateID: id, stage: .sourced, on: CivilDay("2026-11-02")!)])
            #expect(try Recruiting.advance(db, candidate: id, on: CivilDay("2026-11-05")!) == .contacted)
            #expect(try CandidateRecord.fetchOne(db, key: id)?.stage == .contacted)
            try Recruiting.drop(db, candidate: id, reason: "took another offer", on: CivilDay("2026-11-06")!)
            let dropped = try #require(try CandidateRecord.fetchOne(db, key: id))
            #expect(dropped.droppedOn == "2026-11-06" && dropped.dropReason == "took another offer")
            #expect(throws: CallOpsError.self) { try Recruiting.advance(db, candidate: id, on: CivilDay("2026-11-07")!) }
        }
    }
}
