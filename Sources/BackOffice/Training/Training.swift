import CallOpsCore
import CallOpsStore
import Foundation
import Roster

/// The kinds of course (SPEC section 9, 培训岗).
public enum CourseKind: String, Codable, CaseIterable, Sendable {
    case preJob = "pre_job", bridging, regularization, level
}

/// Where an agent stands in a course.
public enum EnrollmentStatus: String, Codable, CaseIterable, Sendable {
    case enrolled, passed, failed
}

/// One course with how its enrolments stand.
public struct CourseStanding: Encodable, Equatable, Sendable, FetchableRecord, Decodable {
    public var course: String
    public var name: String
    public var kind: String
    public var enrolled: Int
    public var passed: Int
    public var failed: Int
    public var averageScore: Double?

    enum CodingKeys: String, CodingKey {
        case course, name, kind, enrolled, passed, failed
        case averageScore = "average_score"
    }
}

/// Courses and enrolments; a passed pre-job course opens the training gate for a probation agent.
public enum Training {
    public static let migrations: [Migration] = RosterSchema.migrations + [
        Migration("training.v1") { db in
            try db.execute(sql: """
                CREATE TABLE course (
                    id INTEGER PRIMARY KEY,
                    code TEXT NOT NULL UNIQUE CHECK (code <> ''),
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('pre_job', 'bridging', 'regularization', 'level'))
                );
                CREATE TABLE enrollment (
                    course_id INTEGER NOT NULL REFERENCES course(id),
                    agent_id INTEGER NOT NULL REFERENCES agent(id),
                    status TEXT NOT NULL DEFAULT 'enrolled' CHECK (status IN ('enrolled', 'passed', 'failed')),
                    score INTEGER CHECK (score BETWEEN 0 AND 100),
                    enrolled_on TEXT NOT NULL,
                    completed_on TEXT,
                    PRIMARY KEY (course_id, agent_id)
                ) WITHOUT ROWID;
                """)
        },
        // The CHECKs' IN lists as equalities, which SQLite tests in place (measured in
        // `CheckConstraints.writeEqualities`).
        Migration("training.check-equalities", changesRows: false) { db in
            try CheckConstraints.writeEqualities(db, tables: ["course", "enrollment"])
        },
    ]

    /// Adds a course.
    public static func addCourse(_ db: Database, code: String, name: String, kind: CourseKind) throws {
        if try !CourseRecord.filter(CourseRecord.Columns.code == code).isEmpty(db) {
            throw CallOpsError.refused("course \(code) exists already; choose another code")
        }
        var course = CourseRecord(code: code, name: name, kind: kind)
        try course.insert(db)
    }

    /// Enrols agents in a course (already enrolled ones are left as they are); returns how many were new.
    public static func enroll(_ db: Database, course code: String, agents: [String], on day: String) throws -> Int {
        let course = try courseID(db, code: code)
        let enrolledOn = try trainingDay(day)
        var added = 0
        for agentCode in agents {
            let agent = try Roster.agent(db, code: agentCode)
            try EnrollmentRecord(courseID: course, agentID: agent.id, enrolledOn: enrolledOn).insert(db)
            added += db.changesCount
        }
        return added
    }

    /// Records the result of an enrolled agent.
    public static func complete(_ db: Database, course code: String, agent agentCode: String, passed: Bool, score: Int?, on day: String) throws {
        let course = try courseID(db, code: code)
        let agent = try Roster.agent(db, code: agentCode)
        try checkScore(score)
        let columns = EnrollmentRecord.Columns.self
        let changed = try EnrollmentRecord.filter(columns.courseID == course && columns.agentID == agent.id).updateAll(
            db, columns.status.set(to: passed ? EnrollmentStatus.passed : .failed), columns.score.set(to: score), columns.completedOn.set(to: try trainingDay(day)))
        if changed == 0 {
            throw CallOpsError.refused("agent \(agentCode) is not enrolled in \(code); enrol first with `callops training enroll --course \(code) --agent \(agentCode)`")
        }
    }

    /// Agents who have passed a pre-job course: the training gate lets them have leads.
    public static func passedPreJob(_ db: Database) throws -> Set<String> {
        let passed = try passedAgents(db, kind: .preJob)
        return Set(try Roster.agents(db).filter { passed.contains($0.id) }.map(\.code))
    }

    /// Every course with its enrolments.
    /// Counts per course: one grouped statement over every enrolment.
    public static func report(_ db: Database) throws -> [CourseStanding] {
        // AVG reads a text score as 0 (a lower average, no word): the first such enrolment is the named error.
        try StoredValue.verifyIntegers(db, table: "enrollment", column: "score")
        return try CourseStanding.fetchAll(db, sql: """
            SELECT course.code AS course, course.name, course.kind,
                   COUNT(enrollment.agent_id) AS enrolled, COALESCE(SUM(enrollment.status = 'passed'), 0) AS passed,
                   COALESCE(SUM(enrollment.status = 'failed'), 0) AS failed, AVG(enrollment.score) AS average_score
            FROM course LEFT JOIN enrollment ON enrollment.course_id = course.id
            GROUP BY course.id ORDER BY course.kind, course.code
            """)
    }
}

extension CourseStanding: TabularRow {
    public static var blank: CourseStanding { CourseStanding(course: "", name: "", kind: "", enrolled: 0, passed: 0, failed: 0, averageScore: 0) }
}
