import CallOpsCore
import CallOpsStore
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
