import CallOpsCore
import CallOpsStore

// The training tables as typed records for their one-row reads and writes; their column names
// are SPEC section 2's contract and the migrations'. The course report's counts keep their
// grouped SQL (one statement over every enrolment).

/// A row of `course`.
public struct CourseRecord: Codable, Equatable, Sendable, StoredRecord, MutablePersistableRecord {
    public static let databaseTableName = "course"
    public var id: Int64?
    public var code: String
    public var name: String
    public var kind: CourseKind

    public enum Columns {
        public static let id = Column(CodingKeys.id), code = Column(CodingKeys.code), kind = Column(CodingKeys.kind)
    }

    enum CodingKeys: String, CodingKey { case id, code, name, kind }

    public init(code: String, name: String, kind: CourseKind) {
        self.code = code
        self.name = name
        self.kind = kind
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// What an agent's and a candidate's enrolment share: the course, where it stands, the days.
public protocol CourseEnrollment: Codable, StoredRecord, PersistableRecord {
    var courseID: Int64 { get }
    var status: EnrollmentStatus { get }
    var score: Int? { get }
}

/// A row of `enrollment`: an agent in a course.
public struct EnrollmentRecord: Equatable, Sendable, CourseEnrollment {
    public static let databaseTableName = "enrollment"
    /// The table's key: an error names the row `course_id agent_id`, as `callops check` does.
    public static var storedKeys: [String] { ["course_id", "agent_id"] }
    /// Enrolling again leaves an existing enrolment as it is.
    public static let persistenceConflictPolicy = PersistenceConflictPolicy(insert: .ignore, update: .abort)
    public var courseID: Int64
    public var agentID: Int64
    public var status: EnrollmentStatus = .enrolled
    /// 0 to 100.
    public var score: Int?
    public var enrolledOn: CivilDay
    public var completedOn: CivilDay?

    public enum Columns {
        public static let courseID = Column(CodingKeys.courseID), agentID = Column(CodingKeys.agentID), status = Column(CodingKeys.status)
        public static let score = Column(CodingKeys.score), completedOn = Column(CodingKeys.completedOn)
    }

    enum CodingKeys: String, CodingKey {
        case status, score
        case courseID = "course_id"
        case agentID = "agent_id"
        case enrolledOn = "enrolled_on"
        case completedOn = "completed_on"
    }

    public init(courseID: Int64, agentID: Int64, status: EnrollmentStatus = .enrolled, score: Int? = nil, enrolledOn: CivilDay, completedOn: CivilDay? = nil) {
        self.courseID = courseID
        self.agentID = agentID
        self.status = status
        self.score = score
        self.enrolledOn = enrolledOn
        self.completedOn = completedOn
    }
}

/// A row of `candidate_enrollment`: a candidate in a pre-job course before signing.
public struct CandidateEnrollmentRecord: Equatable, Sendable, CourseEnrollment {
    public static let databaseTableName = "candidate_enrollment"
    /// The table's key: an error names the row `course_id candidate_id`, as `callops check` does.
    public static var storedKeys: [String] { ["course_id", "candidate_id"] }
    /// Enrolling again leaves an existing enrolment as it is.
    public static let persistenceConflictPolicy = PersistenceConflictPolicy(insert: .ignore, update: .abort)
    public var courseID: Int64
    public var candidateID: Int64
    public var status: EnrollmentStatus = .enrolled
    /// 0 to 100.
    public var score: Int?
    public var enrolledOn: CivilDay
    public var completedOn: CivilDay?

    public enum Columns {
        public static let courseID = Column(CodingKeys.courseID), candidateID = Column(CodingKeys.candidateID), status = Column(CodingKeys.status)
        public static let score = Column(CodingKeys.score), enrolledOn = Column(CodingKeys.enrolledOn), completedOn = Column(CodingKeys.completedOn)
    }

    enum CodingKeys: String, CodingKey {
        case status, score
        case courseID = "course_id"
        case candidateID = "candidate_id"
        case enrolledOn = "enrolled_on"
        case completedOn = "completed_on"
    }

    public init(courseID: Int64, candidateID: Int64, enrolledOn: CivilDay) {
        self.courseID = courseID
        self.candidateID = candidateID
        self.enrolledOn = enrolledOn
    }

    /// The candidate's result carried to the agent they signed as.
    func carried(to agentID: Int64) -> EnrollmentRecord {
        EnrollmentRecord(courseID: courseID, agentID: agentID, status: status, score: score, enrolledOn: enrolledOn, completedOn: completedOn)
    }
}

extension Training {
    /// The course's row id, or the error naming the code.
    static func courseID(_ db: Database, code: String) throws -> Int64 {
        guard let id = try CourseRecord.filter(CourseRecord.Columns.code == code).fetchOne(db)?.id else {
            throw CallOpsError.notFound(kind: "course", key: code, hint: "see `callops training report` for the courses")
        }
        return id
    }

    /// A day given to an enrolment or a result (`YYYY-MM-DD`).
    static func trainingDay(_ text: String) throws -> CivilDay {
        guard let day = CivilDay(text) else { throw CallOpsError.invalidValue(field: "--on", value: text, expected: "a day (YYYY-MM-DD)") }
        return day
    }

    /// The agents who passed a course of `kind` (the pre-job gate, regularisation).
    static func passedAgents(_ db: Database, kind: CourseKind) throws -> Set<Int64> {
        let courses = try CourseRecord.filter(CourseRecord.Columns.kind == kind).fetchAll(db).compactMap(\.id)
        return Set(try EnrollmentRecord.filter(courses.contains(EnrollmentRecord.Columns.courseID) && EnrollmentRecord.Columns.status == EnrollmentStatus.passed)
            .fetchAll(db).map(\.agentID))
    }

    /// A score given to a result, 0 to 100.
    static func checkScore(_ score: Int?) throws {
        if let score, !(0...100).contains(score) {
            throw CallOpsError.invalidValue(field: "--score", value: String(score), expected: "a score from 0 to 100")
        }
    }
}

extension CourseKind: StoredCase {}
extension EnrollmentStatus: StoredCase {}
