import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import GRDB
import Roster
import Testing

@testable import BackOffice

/// The back office's tables read back through `StoredValue`: a value written outside callops
/// (the sqlite3 shell, a script) is the error naming table, row and column, never a crash.
@Suite struct BackOfficeStoredValueTests {
    let settings = Settings.defaults

    /// A center of one agent, read and damaged in one rolled-back transaction per case.
    func center() throws -> AppDatabase {
        let db = try AppDatabase.inMemory(schema: BackOfficeSchema.migrations)
        _ = try db.transaction { db in
            try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 0, code: "A001", name: "甲", team: "一组", hireDate: "2025-01-01", tier: .general, status: .active)
            ], hasSeatColumn: false), file: "test")
        }
        return db
    }

    /// Writes `sql` past the CHECK constraints (foreign keys deferred), runs `read`, rolls both
    /// back, and expects the named error; `callops check` (the back office's stored-value checks)
    /// lists the value by the same table and column.
    func expectNamed(_ db: AppDatabase, damage sql: String, table: String, column: String, value: String? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation, _ read: (Database) throws -> Void) throws {
        try db.transaction(dryRun: true) { db in
            try db.execute(sql: "PRAGMA defer_foreign_keys = ON; PRAGMA ignore_check_constraints = ON")
            defer { try? db.execute(sql: "PRAGMA ignore_check_constraints = OFF") }
            try db.execute(sql: sql)
            let listed = try BackOfficeSchema.storedValueChecks.flatMap { try $0.violations(db) }
            #expect(listed.contains { $0.contains("\(table) row ") && $0.contains("column \(column):") }, "\(sql): check lists \(listed)", sourceLocation: sourceLocation)
            #expect(sourceLocation: sourceLocation) { try read(db) } throws: { error in
                guard let error = error as? StoredValueError else { return false }
                return error.table == table && error.column == column && (value == nil || error.value == value)
                    && error.description.contains("callops check")
            }
        }
    }

    @Test func payBadValuesAreNamed() throws {
        let db = try center()
        let run = "INSERT INTO pay_run (month, status, run_at, total_fen) VALUES ('2026-10', 'draft', '2026-11-01T00:00:00', 100);"
        try expectNamed(db, damage: run + "INSERT INTO pay_line (month, agent_id, kind, amount_fen, detail) VALUES ('2026-10', 'x', 'base', 100, 'd')",
                        table: "pay_line", column: "agent_id", value: "x") { db in
            _ = try PayCost.perAgent(db, from: CivilDay("2026-10-01")!, through: CivilDay("2026-10-31")!)
        }
        try expectNamed(db, damage: run.replacingOccurrences(of: "2026-10", with: "2026-13")
                        + "INSERT INTO pay_line (month, agent_id, kind, amount_fen, detail) VALUES ('2026-13', 1, 'base', 100, 'd')",
                        table: "pay_line", column: "month", value: "2026-13") { db in
            _ = try PayCost.perAgent(db, from: CivilDay("2026-10-01")!, through: CivilDay("2027-01-31")!)
        }
    }

    /// Each pay table's column, damaged, is named by the slip `callops pay slip` prints.
    @Test func payRecordBadValuesAreNamed() throws {
        let db = try center()
        let payRun = PayRun(settings: settings, clock: try Clock(fixed: "2026-11-23T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!))
        func slip(_ db: Database) throws { _ = try payRun.slip(db, agent: "A001", month: CivilDay("2026-10-01")!) }
        let run = "INSERT INTO pay_run (month, status, run_at, total_fen) VALUES ('2026-10', 'draft', '2026-11-01T00:00:00', 100);"
        let line = "INSERT INTO pay_line (month, agent_id, kind, amount_fen, detail, for_month) VALUES ('2026-10', 1, "
        try expectNamed(db, damage: run.replacingOccurrences(of: "'draft'", with: "'closed'"), table: "pay_run", column: "status", value: "closed", slip)
        try expectNamed(db, damage: run + line + "'base', 'abc', 'd', NULL)", table: "pay_line", column: "amount_fen", value: "abc", slip)
        try expectNamed(db, damage: run + line + "'bonus', 100, 'd', NULL)", table: "pay_line", column: "kind", value: "bonus", slip)
        try expectNamed(db, damage: run + line + "'adjustment', 100, 'd', 'Oct')", table: "pay_line", column: "for_month", value: "Oct", slip)
        let basis = "INSERT INTO pay_basis (month, agent_id, tier, employed_days, month_days) VALUES ('2026-10', 1, "
        try expectNamed(db, damage: run + basis + "'star', 31, 31)", table: "pay_basis", column: "tier", value: "star", slip)
        try expectNamed(db, damage: run + basis + "'core', 40, 31)", table: "pay_basis", column: "employed_days", value: "40", slip)
        try expectNamed(db, damage: run + basis + "'core', 'all', 31)", table: "pay_basis", column: "employed_days", value: "all", slip)
    }

    /// Audit defect: a text amount on a pay line crashed `pay slip` (GRDB's try!) and read as 0
    /// in the seat report's pay cost.
    @Test func textPayAmountIsNamedNotACrash() throws {
        let db = try center()
        let damage = "INSERT INTO pay_run (month, status, run_at, total_fen) VALUES ('2026-10', 'draft', '2026-11-01T00:00:00', 100);"
            + "INSERT INTO pay_line (month, agent_id, kind, amount_fen, detail) VALUES ('2026-10', 1, 'base', 100, 'd');"
            + "INSERT INTO pay_line (month, agent_id, kind, amount_fen, detail) VALUES ('2026-10', 1, 'base', 'abc', 'd')"
        let clock = try Clock(fixed: "2026-11-23T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        try expectNamed(db, damage: damage, table: "pay_line", column: "amount_fen", value: "abc") { db in
            _ = try PayRun(settings: settings, clock: clock).slip(db, agent: "A001", month: CivilDay("2026-10-01")!)
        }
        try expectNamed(db, damage: damage, table: "pay_line", column: "amount_fen", value: "abc") { db in
            _ = try PayCost.perAgent(db, from: CivilDay("2026-10-01")!, through: CivilDay("2026-10-31")!)
        }
    }

    /// Audit: the tier's FYC is a SUM over policy.commission_fen: text read as 0 (a lower tier),
    /// a fraction trapped GRDB. Now the named policy error (FollowUp's check lists the column).
    @Test func aTextCommissionIsNamedByTheTierResolver() throws {
        let db = try center()
        try db.transaction(dryRun: true) { db in
            try db.execute(sql: "PRAGMA defer_foreign_keys = ON; PRAGMA ignore_check_constraints = ON")
            defer { try? db.execute(sql: "PRAGMA ignore_check_constraints = OFF") }
            for commission in ["'abc'", "400.5"] {
                try db.execute(sql: """
                    DELETE FROM policy;
                    INSERT INTO policy (lead_id, agent_id, product, line, premium_fen, commission_fen, mode, insured, status, sold_at, next_due_on, renewals_paid)
                    VALUES (1, 1, 'ACC01', 'accident', 100000, \(commission), 'annual', 'self', 'active', '2026-11-10', NULL, 0)
                    """)
                #expect { try Roster.tiers(db, on: CivilDay("2026-12-05")!, rules: settings.roster, sales: Sales.tierSales) } throws: { error in
                    (error as? StoredValueError).map { $0.table == "policy" && $0.column == "commission_fen" } ?? false
                }
            }
        }
    }

    @Test func campaignBadValuesAreNamed() throws {
        let db = try center()
        let insert = "INSERT INTO campaign (code, name, metric, from_day, to_day, team_id, tiers) VALUES ('C1', 'c', 'premium', "
        let tiers = "'[{\"threshold\":1,\"reward\":10}]'"
        try expectNamed(db, damage: insert + "'2026-11-31', '2026-11-30', NULL, \(tiers))", table: "campaign", column: "from_day", value: "2026-11-31") { db in
            _ = try Campaigns.standings(db, code: "C1", today: CivilDay("2026-11-23")!)
        }
        try expectNamed(db, damage: insert + "'2026-11-01', '2026-11-30', 'team one', \(tiers))", table: "campaign", column: "team_id") { db in
            _ = try Campaigns.standings(db, code: "C1", today: CivilDay("2026-11-23")!)
        }
        try expectNamed(db, damage: insert + "'2026-11-01', '2026-11-30', NULL, 'lots of money')", table: "campaign", column: "tiers") { db in
            _ = try Campaigns.standings(db, code: "C1", today: CivilDay("2026-11-23")!)
        }
        // The record holds the metric as its case: an unknown one is named when the row is read.
        try expectNamed(db, damage: insert.replacingOccurrences(of: "'premium', ", with: "'calls', ") + "'2026-11-01', '2026-11-30', NULL, \(tiers))",
                        table: "campaign", column: "metric", value: "calls") { db in
            _ = try Campaigns.standings(db, code: "C1", today: CivilDay("2026-11-23")!)
        }
        // The pay run's campaign lines read the end day (a bad one was skipped without a word).
        try expectNamed(db, damage: insert + "'2026-11-01', '2026-11-3x', NULL, \(tiers))", table: "campaign", column: "to_day") { db in
            _ = try PayRun(settings: settings, clock: Clock(fixed: "2026-11-23T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)).campaignLines(db, month: CivilDay("2026-11-01")!, agents: Roster.agents(db))
        }
    }

    @Test func targetBadValuesAreNamed() throws {
        let db = try center()
        let insert = """
            INSERT INTO activity_target (agent_id, month, annual_income_fen, monthly_premium_fen, monthly_sales, monthly_effective_calls) VALUES
            """
        let months = [CivilMonth("2026-11")!]
        try expectNamed(db, damage: insert + "(1, '2026-11', 100, 100, 'some', 10)", table: "activity_target", column: "monthly_sales", value: "some") { db in
            _ = try Planning.monthTargets(db, months: months, rules: settings.planning)
        }
        try expectNamed(db, damage: insert + "('A001', '2026-11', 100, 100, 1, 10)", table: "activity_target", column: "agent_id") { db in
            _ = try Planning.monthTargets(db, months: months, rules: settings.planning)
        }
        try expectNamed(db, damage: insert + "(1, '2026-11', 100, 100.5, 1, 10)", table: "activity_target", column: "monthly_premium_fen") { db in
            _ = try Planning.monthTargets(db, months: months, rules: settings.planning)
        }
        let withDaily = insert.replacingOccurrences(of: "monthly_effective_calls)", with: "monthly_effective_calls, monthly_proposals, daily_effective_calls)")
        try expectNamed(db, damage: withDaily + "(1, '2026-11', 100, 100, 1, 10, 'many', 1)", table: "activity_target", column: "monthly_proposals", value: "many") { db in
            _ = try Planning.monthTargets(db, months: months, rules: settings.planning)
        }
        try expectNamed(db, damage: withDaily + "(1, '2026-11', 100, 100, 1, 10, 3, -5)", table: "activity_target", column: "daily_effective_calls", value: "-5") { db in
            _ = try Planning.monthTargets(db, months: months, rules: settings.planning)
        }
    }

    /// The training gate (allocation's pre-job check) and the regularisation list read enrolments
    /// through their records: text in an integer column was read as agent 0 before.
    @Test func trainingBadValuesAreNamed() throws {
        let db = try center()
        let clock = try Clock(fixed: "2026-11-23T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let course = "INSERT INTO course (id, code, name, kind) VALUES (1, 'PJ01', 'p', 'pre_job');"
        let enrol = course + "INSERT INTO enrollment (course_id, agent_id, status, score, enrolled_on, completed_on) VALUES (1, "
        try expectNamed(db, damage: enrol + "'A001', 'passed', 80, '2026-11-01', '2026-11-02')", table: "enrollment", column: "agent_id", value: "A001") { db in
            _ = try Training.passedPreJob(db)
        }
        try expectNamed(db, damage: enrol + "1, 'passed', 80, '2026-11-01', 'today')", table: "enrollment", column: "completed_on", value: "today") { db in
            _ = try Training.passedPreJob(db)
        }
        try expectNamed(db, damage: enrol.replacingOccurrences(of: "'pre_job'", with: "'regularization'") + "1, 'passed', 180, 'Nov 1', NULL)",
                        table: "enrollment", column: "enrolled_on", value: "Nov 1") { db in
            _ = try Training.regularizationList(db, clock: clock)
        }
        // The course report's average score: AVG read text as 0, a lower average without a word.
        try expectNamed(db, damage: enrol + "1, 'passed', 'good', '2026-11-01', '2026-11-02')", table: "enrollment", column: "score", value: "good") { db in
            _ = try Training.report(db)
        }
        // A course of a kind no callops writes is no course of any kind the gates read: check lists it.
        try db.transaction(dryRun: true) { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON; " + course.replacingOccurrences(of: "'pre_job'", with: "'onboarding'"))
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
            let listed = try BackOfficeSchema.storedValueChecks.flatMap { try $0.violations(db) }
            #expect(listed == ["course.kind holds known values: course row 1, column kind: \"onboarding\" is not one of pre_job, bridging, regularization, level"], "\(listed)")
        }
        let candidate = "INSERT INTO candidate (id, name, channel, stage, stage_since) VALUES (1, '乙', 'campus', 'pre_job_training', '2026-11-01');"
        try expectNamed(db, damage: course + candidate + "INSERT INTO candidate_enrollment (course_id, candidate_id, status, enrolled_on) VALUES (1, 1, 'done', '2026-11-01')",
                        table: "candidate_enrollment", column: "status", value: "done") { db in
            _ = try Recruiting.candidatePreJobCourse(db, candidate: 1)
        }
    }

    @Test func candidateBadValuesAreNamed() throws {
        let db = try center()
        let candidate = "INSERT INTO candidate (id, name, channel, stage, stage_since, agent_id) VALUES (1, '乙', 'campus', 'signed', '2026-11-01', "
        try expectNamed(db, damage: candidate + "'A001')", table: "candidate", column: "agent_id", value: "A001") { db in
            _ = try Recruiting.list(db, today: CivilDay("2026-11-23")!, all: true)
        }
        let sourced = "INSERT INTO candidate_stage (candidate_id, stage, entered_on) VALUES (1, 'sourced', '2026-11-01');"
        try expectNamed(db, damage: candidate + "NULL);" + sourced + "INSERT INTO candidate_stage VALUES (1, 'signed', 'then')",
                        table: "candidate_stage", column: "entered_on", value: "then") { db in
            _ = try Recruiting.funnels(db, from: CivilDay("2026-11-01")!, to: CivilDay("2026-11-30")!)
        }
        try expectNamed(db, damage: candidate + "NULL);" + sourced + "INSERT INTO candidate_stage VALUES (1, 'hired', '2026-11-02')",
                        table: "candidate_stage", column: "stage", value: "hired") { db in
            _ = try Recruiting.funnels(db, from: CivilDay("2026-11-01")!, to: CivilDay("2026-11-30")!)
        }
        // The record holds the channel and the stage as cases: an unknown one is named (the
        // channel was passed on as text to the list before).
        try expectNamed(db, damage: candidate.replacingOccurrences(of: "'campus'", with: "'radio'") + "NULL)", table: "candidate", column: "channel", value: "radio") { db in
            _ = try Recruiting.list(db, today: CivilDay("2026-11-23")!, all: true)
        }
        try expectNamed(db, damage: candidate.replacingOccurrences(of: "'signed'", with: "'hired'") + "NULL)", table: "candidate", column: "stage", value: "hired") { db in
            _ = try Recruiting.list(db, today: CivilDay("2026-11-23")!, all: true)
        }
        // A table without `id`: the row is named by its key, as `callops check` names it.
        try expectNamed(db, damage: candidate + "NULL);" + sourced.replacingOccurrences(of: "'sourced'", with: "'found'"), table: "candidate_stage", column: "stage", value: "found") { db in
            do { _ = try CandidateStageRecord.fetchAll(db) } catch let error as StoredValueError {
                #expect(error.row == "1 found", "\(error)")
                throw error
            }
        }
        try expectNamed(db, damage: candidate + "'x');" + sourced + "INSERT INTO candidate_stage VALUES (1, 'signed', '2026-11-03')",
                        table: "candidate", column: "agent_id") { db in
            _ = try Recruiting.hires(db)
        }
    }
}
