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
        let courses = try String.fetchAll(db, sql: "SELECT code FROM course WHERE kind = 'pre_job' ORDER BY code")
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
        try String.fetchOne(db, sql: """
            SELECT course.code FROM candidate_enrollment JOIN course ON course.id = candidate_enrollment.course_id
            WHERE candidate_enrollment.candidate_id = ? AND course.kind = 'pre_job' ORDER BY candidate_enrollment.enrolled_on, course.code LIMIT 1
            """, arguments: [candidate])
    }

    /// Copies a candidate's course results to the agent they became (an agent's own enrolment in
    /// the same course, if any, is left as it is).
    static func carryOverTraining(_ db: Database, candidate: Int64, agent: Int64) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO enrollment (course_id, agent_id, status, score, enrolled_on, completed_on)
            SELECT course_id, ?, status, score, enrolled_on, completed_on FROM candidate_enrollment WHERE candidate_id = ?
            """, arguments: [agent, candidate])
    }
}

extension Training {
    /// Enrols candidates in a course (already enrolled ones are left as they are); returns how many were new.
    public static func enroll(_ db: Database, course code: String, candidates: [Int64], on day: String) throws -> Int {
        let course = try courseRowID(db, code: code)
        var added = 0
        for id in candidates {
            if let agent = try signedAgentCode(db, id) {
                throw CallOpsError.refused("candidate \(id) has signed as agent \(agent); enrol the agent with `--agent \(agent)`")
            }
            try db.execute(sql: "INSERT OR IGNORE INTO candidate_enrollment (course_id, candidate_id, enrolled_on) VALUES (?, ?, ?)",
                           arguments: [course, id, day])
            added += db.changesCount
        }
        return added
    }

    /// Records the result of an enrolled candidate.
    public static func complete(_ db: Database, course code: String, candidate id: Int64, passed: Bool, score: Int?, on day: String) throws {
        let course = try courseRowID(db, code: code)
        if let agent = try signedAgentCode(db, id) {
            throw CallOpsError.refused("candidate \(id) has signed as agent \(agent); record the result with `--agent \(agent)`")
        }
        if let score, !(0...100).contains(score) {
            throw CallOpsError.invalidValue(field: "--score", value: String(score), expected: "a score from 0 to 100")
        }
        try db.execute(sql: """
            UPDATE candidate_enrollment SET status = ?, score = ?, completed_on = ? WHERE course_id = ? AND candidate_id = ?
            """, arguments: [passed ? "passed" : "failed", score, day, course, id])
        if db.changesCount == 0 {
            throw CallOpsError.refused("candidate \(id) is not enrolled in \(code); enrol first with `callops training enroll --course \(code) --candidate \(id)`")
        }
    }

    private static func courseRowID(_ db: Database, code: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM course WHERE code = ?", arguments: [code]) else {
            throw CallOpsError.notFound(kind: "course", key: code, hint: "see `callops training report` for the courses")
        }
        return id
    }

    /// The agent code a candidate signed as, nil before signing (the agent read through Roster).
    private static func signedAgentCode(_ db: Database, _ id: Int64) throws -> String? {
        guard let candidate = try CandidateRecord.fetchOne(db, key: id) else {
            throw CallOpsError.notFound(kind: "candidate", key: String(id), hint: "see `callops recruit list`")
        }
        return try candidate.agentID.map { try Roster.agent(db, id: $0).code }
    }
}
