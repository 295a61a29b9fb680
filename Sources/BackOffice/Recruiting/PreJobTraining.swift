import CallOpsCore
import CallOpsStore
import Foundation
import Roster

/// Pre-job training before signing (seed 003: 岗前参训 comes before 签约): a candidate who
/// reaches `pre_job_training` is enrolled in the pre-job course, and signing carries the result
/// over to the new agent, so a hire who passed before signing gets leads from the first day.
extension Recruiting {
    static let preJobMigration = Migration("recruiting.pre-job") { db in
        try db.execute(sql: """
            CREATE TABLE candidate_enrollment (
                course_id INTEGER NOT NULL REFERENCES course(id),
                candidate_id INTEGER NOT NULL REFERENCES candidate(id),
                status TEXT NOT NULL DEFAULT 'enrolled' CHECK (status IN ('enrolled', 'passed', 'failed')),
                score INTEGER CHECK (score BETWEEN 0 AND 100),
                enrolled_on TEXT NOT NULL,
                completed_on TEXT,
                PRIMARY KEY (course_id, candidate_id)
            ) WITHOUT ROWID;
            """)
    }

    /// The pre-job course to use: the one chosen, else the only one there is; nil when there is
    /// none (an older set-up: signing then asks for one).
    static func preJobCourse(_ db: Database, chosen: String?, required: Bool) throws -> String? {
        let courses = try CourseRecord.filter(CourseRecord.Columns.kind == CourseKind.preJob).order(CourseRecord.Columns.code).fetchAll(db).map(\.code)
        if let chosen {
            guard courses.contains(chosen) else {
                throw CallOpsError.notFound(kind: "pre-job course", key: chosen, hint: courses.isEmpty ? "add one with `callops training course add`" : "the pre-job courses are \(courses.joined(separator: ", "))")
            }
            return chosen
        }
        if courses.count == 1 { return courses[0] }
        if courses.isEmpty && !required { return nil }
        throw CallOpsError.invalidValue(field: "--course", value: "", expected: courses.isEmpty
            ? "a pre-job course to enrol the new agent in; add one first with `callops training course add CODE --name N --kind pre_job`"
            : "one of the pre-job courses \(courses.joined(separator: ", "))")
    }

    /// The pre-job course a candidate is enrolled in, if any.
    static func candidatePreJobCourse(_ db: Database, candidate: Int64) throws -> String? {
        let courses = Dictionary(uniqueKeysWithValues: try CourseRecord.filter(CourseRecord.Columns.kind == CourseKind.preJob).fetchAll(db)
            .compactMap { course in course.id.map { ($0, course.code) } })
        return try CandidateEnrollmentRecord.filter(CandidateEnrollmentRecord.Columns.candidateID == candidate).fetchAll(db)
            .compactMap { enrollment in courses[enrollment.courseID].map { (enrollment.enrolledOn, $0) } }
            .min { $0 < $1 }?.1
    }

    /// Copies a candidate's course results to the agent they became (an agent's own enrolment in
    /// the same course, if any, is left as it is).
    static func carryOverTraining(_ db: Database, candidate: Int64, agent: Int64) throws {
        for enrollment in try CandidateEnrollmentRecord.filter(CandidateEnrollmentRecord.Columns.candidateID == candidate).fetchAll(db) {
            try enrollment.carried(to: agent).insert(db)
        }
    }
}

extension Training {
    /// Enrols candidates in a course (already enrolled ones are left as they are); returns how many were new.
    public static func enroll(_ db: Database, course code: String, candidates: [Int64], on day: String) throws -> Int {
        let course = try courseID(db, code: code)
        let enrolledOn = try trainingDay(day)
        var added = 0
        for id in candidates {
            if let agent = try signedAgentCode(db, id) {
                throw CallOpsError.refused("candidate \(id) has signed as agent \(agent); enrol the agent with `--agent \(agent)`")
            }
            try CandidateEnrollmentRecord(courseID: course, candidateID: id, enrolledOn: enrolledOn).insert(db)
            added += db.changesCount
        }
        return added
    }

    /// Records the result of an enrolled candidate.
    public static func complete(_ db: Database, course code: String, candidate id: Int64, passed: Bool, score: Int?, on day: String) throws {
        let course = try courseID(db, code: code)
        if let agent = try signedAgentCode(db, id) {
            throw CallOpsError.refused("candidate \(id) has signed as agent \(agent); record the result with `--agent \(agent)`")
        }
        try checkScore(score)
        let columns = CandidateEnrollmentRecord.Columns.self
        let changed = try CandidateEnrollmentRecord.filter(columns.courseID == course && columns.candidateID == id).updateAll(
            db, columns.status.set(to: passed ? EnrollmentStatus.passed : .failed), columns.score.set(to: score), columns.completedOn.set(to: try trainingDay(day)))
        if changed == 0 {
            throw CallOpsError.refused("candidate \(id) is not enrolled in \(code); enrol first with `callops training enroll --course \(code) --candidate \(id)`")
        }
    }

    /// The agent code a candidate signed as, nil before signing (the agent read through Roster).
    private static func signedAgentCode(_ db: Database, _ id: Int64) throws -> String? {
        guard let candidate = try CandidateRecord.fetchOne(db, key: id) else {
            throw CallOpsError.notFound(kind: "candidate", key: String(id), hint: "see `callops recruit list`")
        }
        return try candidate.agentID.map { try Roster.agent(db, id: $0).code }
    }
}
