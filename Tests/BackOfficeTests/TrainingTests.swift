import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import Roster
import Testing

@testable import BackOffice

@Suite struct TrainingTests {
    @Test func aPassedPreJobCourseOpensTheGate() throws {
        let db = try AppDatabase.inMemory(schema: Training.migrations)
        try db.transaction { db in
            _ = try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 2, code: "P1", name: "新人", team: "一组", hireDate: "2026-11-20", status: .probation),
                RosterRow(line: 3, code: "P2", name: "新人二", team: "一组", hireDate: "2026-11-20", status: .probation),
            ], hasSeatColumn: false), file: "t")
            try Training.addCourse(db, code: "PJ01", name: "岗前培训", kind: .preJob)
            try Training.addCourse(db, code: "LV01", name: "层级培训", kind: .level)
            #expect(try Training.enroll(db, course: "PJ01", agents: ["P1", "P2"], on: "2026-11-20") == 2)
            #expect(try Training.enroll(db, course: "PJ01", agents: ["P1"], on: "2026-11-21") == 0)
            try Training.complete(db, course: "PJ01", agent: "P1", passed: true, score: 88, on: "2026-11-24")
            try Training.complete(db, course: "PJ01", agent: "P2", passed: false, score: 52, on: "2026-11-24")
        }
        #expect(try db.read(Training.passedPreJob) == ["P1"])
        let report = try db.read(Training.report)
        #expect(report.map(\.course) == ["LV01", "PJ01"])
        #expect(report[1].enrolled == 2 && report[1].passed == 1 && report[1].failed == 1 && report[1].averageScore == 70)
        #expect(throws: CallOpsError.self) { try db.transaction { db in try Training.addCourse(db, code: "PJ01", name: "x", kind: .preJob) } }
        #expect(throws: CallOpsError.self) {
            try db.transaction { db in try Training.complete(db, course: "LV01", agent: "P1", passed: true, score: nil, on: "2026-11-24") }
        }
        #expect(throws: CallOpsError.self) {
            try db.transaction { db in try Training.complete(db, course: "PJ01", agent: "P1", passed: true, score: 101, on: "2026-11-24") }
        }
    }
}

@Suite struct RegularizationTests {
    @Test func probationersPast90DaysWithTheCourseAndASale() throws {
        let db = try AppDatabase.inMemory(schema: FollowUp.FollowUpSchema.migrations + Training.migrations)
        let clock = try Clock(fixed: "2026-11-23T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        try db.transaction { db in
            // R1 qualifies; R2 is at day 90 exactly; R3 has not passed the course; R4 sold 31 days ago.
            _ = try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 2, code: "R1", name: "一", team: "一组", hireDate: "2026-08-01", status: .probation),
                RosterRow(line: 3, code: "R2", name: "二", team: "一组", hireDate: "2026-08-25", status: .probation),
                RosterRow(line: 4, code: "R3", name: "三", team: "一组", hireDate: "2026-08-01", status: .probation),
                RosterRow(line: 5, code: "R4", name: "四", team: "一组", hireDate: "2026-08-01", status: .probation),
            ], hasSeatColumn: false), file: "t")
            try Training.addCourse(db, code: "ZZ01", name: "转正培训", kind: .regularization)
            _ = try Training.enroll(db, course: "ZZ01", agents: ["R1", "R2", "R3", "R4"], on: "2026-10-01")
            for code in ["R1", "R2", "R4"] { try Training.complete(db, course: "ZZ01", agent: code, passed: true, score: 80, on: "2026-10-10") }
            try db.execute(sql: """
                INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('v', 'f', 'h', '2026-10-01T00:00:00');
                INSERT INTO lead (id, batch_id, phone, grade, score, status, agent_id) VALUES
                    (1, 1, '13900000001', 'A', 60, 'won', 1), (2, 1, '13900000002', 'A', 60, 'won', 2),
                    (3, 1, '13900000003', 'A', 60, 'won', 3), (4, 1, '13900000004', 'A', 60, 'won', 4);
                INSERT INTO policy (lead_id, agent_id, product, line, premium_fen, mode, insured, commission_fen, sold_at) VALUES
                    (1, 1, 'ACC01', 'accident', 30000, 'annual', 'self', 10500, '2026-11-10T10:00:00'),
                    (2, 2, 'ACC01', 'accident', 30000, 'annual', 'self', 10500, '2026-11-10T10:00:00'),
                    (3, 3, 'ACC01', 'accident', 30000, 'annual', 'self', 10500, '2026-11-10T10:00:00'),
                    (4, 4, 'ACC01', 'accident', 30000, 'annual', 'self', 10500, '2026-10-23T09:00:00');
                """)
        }
        let list = try db.read { db in try Training.regularizationList(db, clock: clock) }
        #expect(list.map(\.agentCode) == ["R1"] && list[0].daysEmployed == 114 && list[0].salesLast30Days == 1)
    }
}
