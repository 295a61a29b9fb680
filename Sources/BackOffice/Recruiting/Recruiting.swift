import CallOpsCore
import CallOpsStore
import Foundation
import Roster

/// Where a candidate came from.
public enum RecruitChannel: String, Codable, CaseIterable, Sendable {
    case referral, jobSite = "job_site", campus, agency
}

/// The recruiting funnel (SPEC section 9, 招募岗), in order.
public enum RecruitStage: String, Codable, CaseIterable, Sendable, Comparable {
    case sourced, contacted, assessed
    case interview1 = "interview_1", interview2 = "interview_2", interview3 = "interview_3"
    case offer
    case preJobTraining = "pre_job_training"
    case signed

    var index: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: RecruitStage, b: RecruitStage) -> Bool { a.index < b.index }

    /// The stage after this one, nil after signing.
    public var next: RecruitStage? { index + 1 < Self.allCases.count ? Self.allCases[index + 1] : nil }
}

/// A candidate as listed.
public struct Candidate: Encodable, Equatable, Sendable {
    public var id: Int64
    public var name: String
    public var channel: String
    public var stage: String
    public var since: String
    public var daysInStage: Int
    public var dropped: String?
    public var dropReason: String?
    public var agentCode: String?

    enum CodingKeys: String, CodingKey {
        case id, name, channel, stage, since, dropped
        case daysInStage = "days_in_stage"
        case dropReason = "drop_reason"
        case agentCode = "agent_code"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(channel, forKey: .channel)
        try c.encode(stage, forKey: .stage)
        try c.encode(since, forKey: .since)
        try c.encode(daysInStage, forKey: .daysInStage)
        try c.encode(dropped, forKey: .dropped)
        try c.encode(dropReason, forKey: .dropReason)
        try c.encode(agentCode, forKey: .agentCode)
    }
}

/// One stage of a channel's funnel.
public struct FunnelStage: Encodable, Equatable, Sendable {
    public var stage: String
    /// Candidates who reached this stage.
    public var reached: Int
    /// Reached this stage over reached the one before (nil for the first).
    public var conversion: Double?
    /// Candidates in this stage now (not dropped).
    public var now: Int
    /// Candidates dropped while in this stage; a channel's sum to its `RecruitFunnel.dropped`.
    public var dropped: Int
    /// Average days from entering this stage to entering the next, over those who moved on.
    public var averageDays: Double?

    enum CodingKeys: String, CodingKey {
        case stage, reached, conversion, now, dropped
        case averageDays = "average_days"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stage, forKey: .stage)
        try c.encode(reached, forKey: .reached)
        try c.encode(conversion, forKey: .conversion)
        try c.encode(now, forKey: .now)
        try c.encode(dropped, forKey: .dropped)
        try c.encode(averageDays, forKey: .averageDays)
    }
}

/// A channel's funnel (or all channels', with `channel` "all").
public struct RecruitFunnel: Encodable, Equatable, Sendable {
    public var channel: String
    public var stages: [FunnelStage]
    public var dropped: Int
}

/// Pure funnel arithmetic: stage-to-stage conversion from the counts reaching each stage.
public enum FunnelMath {
    public static func conversions(_ reached: [Int]) -> [Double?] {
        reached.indices.map { i in i == 0 || reached[i - 1] == 0 ? nil : Double(reached[i]) / Double(reached[i - 1]) }
    }
}

/// Candidates through the funnel; signing puts the new agent on the roster on probation and
/// enrols the pre-job course.
public enum Recruiting {
    public static let migrations: [Migration] = Training.migrations + [
        Migration("recruiting.v1") { db in
            try db.execute(sql: """
                CREATE TABLE candidate (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL CHECK (name <> ''),
                    phone TEXT,
                    channel TEXT NOT NULL CHECK (channel IN ('referral', 'job_site', 'campus', 'agency')),
                    stage TEXT NOT NULL,
                    stage_since TEXT NOT NULL,
                    dropped_on TEXT,
                    drop_reason TEXT,
                    agent_id INTEGER REFERENCES agent(id),
                    CHECK ((dropped_on IS NULL) = (drop_reason IS NULL))
                );
                -- Each stage a candidate reached and the day it was reached: the funnel and the days in stage.
                CREATE TABLE candidate_stage (
                    candidate_id INTEGER NOT NULL REFERENCES candidate(id),
                    stage TEXT NOT NULL,
                    entered_on TEXT NOT NULL,
                    PRIMARY KEY (candidate_id, stage)
                ) WITHOUT ROWID;
                """)
        },
        preJobMigration,
        // The CHECKs' IN lists as equalities, which SQLite tests in place (measured in
        // `CheckConstraints.writeEqualities`).
        Migration("recruiting.check-equalities", changesRows: false) { db in
            try CheckConstraints.writeEqualities(db, tables: ["candidate", "candidate_enrollment"])
        },
    ]

    /// Adds a candidate at `sourced`; returns the id.
    public static func add(_ db: Database, name: String, channel: RecruitChannel, phone: String?, on day: CivilDay) throws -> Int64 {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CallOpsError.invalidValue(field: "--name", value: name, expected: "the candidate's name")
        }
        let id = try CandidateRecord(name: name, phone: phone, channel: channel, on: day).inserted(db).id ?? db.lastInsertedRowID
        try CandidateStageRecord(candidateID: id, stage: .sourced, on: day).insert(db)
        return id
    }

    /// Who signs, and where: the agent the candidate becomes.
    public struct Signing: Sendable {
        public var agentCode: String
        public var team: String
        public var seat: String?
        /// The pre-job course to enrol; nil: the one pre-job course there is.
        public var course: String?

        public init(agentCode: String, team: String, seat: String? = nil, course: String? = nil) {
            self.agentCode = agentCode
            self.team = team
            self.seat = seat
            self.course = course
        }
    }

    /// Moves a candidate to the next stage on `day`; returns the new stage. Reaching
    /// `pre_job_training` enrols the candidate in the pre-job course (`course`, else the only
    /// one). Signing needs `signing`: the agent is created on probation, hired on `day`, and
    /// keeps the candidate's course results (else is enrolled in the pre-job course).
    public static func advance(_ db: Database, candidate id: Int64, on day: CivilDay, signing: Signing? = nil, course: String? = nil) throws -> RecruitStage {
        let candidate = try candidateRecord(db, id)
        if let dropped = candidate.droppedOn {
            throw CallOpsError.refused("candidate \(id) was dropped on \(dropped) (\(candidate.dropReason ?? "")); nothing was changed")
        }
        let stage = candidate.stage
        guard let next = stage.next else {
            throw CallOpsError.refused("candidate \(id) has signed already; nothing was changed")
        }
        let since = try candidate.since()
        guard day >= since else {
            throw CallOpsError.invalidValue(field: "--date", value: day.description, expected: "a day on or after \(since), when \(stage.rawValue) began")
        }
        var agentID: Int64?
        if next == .preJobTraining, let preJob = try preJobCourse(db, chosen: course ?? signing?.course, required: false) {
            _ = try Training.enroll(db, course: preJob, candidates: [id], on: day.description)
        }
        if next == .signed {
            guard let signing else {
                throw CallOpsError.invalidValue(field: "--agent-code", value: "", expected: "the new agent's code and --team to sign candidate \(id)")
            }
            agentID = try sign(db, candidate: id, name: candidate.name, signing: signing, on: day)
        }
        try CandidateRecord.filter(key: id).updateAll(db, CandidateRecord.Columns.stage.set(to: next.rawValue),
                                                      CandidateRecord.Columns.stageSince.set(to: day.description),
                                                      CandidateRecord.Columns.agentID.set(to: agentID ?? candidate.agentID))
        try CandidateStageRecord(candidateID: id, stage: next, on: day).insert(db)
        return next
    }

    private static func sign(_ db: Database, candidate id: Int64, name: String, signing: Signing, on day: CivilDay) throws -> Int64 {
        if try Roster.agentExists(db, code: signing.agentCode) {
            throw CallOpsError.refused("agent \(signing.agentCode) exists already; choose a new code")
        }
        // The course taken before signing, else the one chosen or the only one.
        let course = try candidatePreJobCourse(db, candidate: id) ?? preJobCourse(db, chosen: signing.course, required: true)!
        _ = try RosterImport.apply(db, roster: RosterFile(rows: [
            RosterRow(line: 0, code: signing.agentCode, name: name, team: signing.team, hireDate: day.description, status: .probation, seat: signing.seat)
        ], hasSeatColumn: signing.seat != nil), file: "recruit advance")
        let agentID = try Roster.agent(db, code: signing.agentCode).id
        try carryOverTraining(db, candidate: id, agent: agentID)
        _ = try Training.enroll(db, course: course, agents: [signing.agentCode], on: day.description)
        return agentID
    }

    /// Drops a candidate with a reason.
    public static func drop(_ db: Database, candidate id: Int64, reason: String, on day: CivilDay) throws {
        let candidate = try candidateRecord(db, id)
        if let dropped = candidate.droppedOn {
            throw CallOpsError.refused("candidate \(id) was dropped on \(dropped) already; nothing was changed")
        }
        guard candidate.stage != .signed else {
            throw CallOpsError.refused("candidate \(id) has signed; a leaver is marked `left` in the roster instead")
        }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CallOpsError.invalidValue(field: "--reason", value: reason, expected: "why the candidate was dropped")
        }
        let since = try candidate.since()
        guard day >= since else {
            throw CallOpsError.invalidValue(field: "--date", value: day.description, expected: "a day on or after \(since), when \(candidate.stage.rawValue) began")
        }
        try CandidateRecord.filter(key: id).updateAll(db, CandidateRecord.Columns.droppedOn.set(to: day.description),
                                                      CandidateRecord.Columns.dropReason.set(to: reason))
    }

    /// Candidates, those in the funnel first by stage; dropped and signed ones only when asked.
    public static func list(_ db: Database, today: CivilDay, all: Bool = false) throws -> [Candidate] {
        let candidates = try CandidateRecord.order(CandidateRecord.Columns.id).fetchAll(db)
        let codes = Dictionary(uniqueKeysWithValues: try Roster.agents(db).map { ($0.id, $0.code) })
        return try candidates.compactMap { candidate -> (RecruitStage, Candidate)? in
            let stage = candidate.stage
            if !all && (candidate.droppedOn != nil || stage == .signed) { return nil }
            let since = try candidate.since()
            let id = candidate.id ?? 0
            let droppedOn = try candidate.droppedOn.map { try StoredValue.day($0, table: "candidate", column: "dropped_on", id: id) }
            return (stage, Candidate(id: id, name: candidate.name, channel: candidate.channel.rawValue, stage: stage.rawValue, since: since.description,
                                     daysInStage: since.days(to: droppedOn ?? today), dropped: candidate.droppedOn,
                                     dropReason: candidate.dropReason, agentCode: candidate.agentID.flatMap { codes[$0] }))
        }
        .sorted { ($0.0, $0.1.id) < ($1.0, $1.1.id) }.map(\.1)
    }

    /// The funnel per channel with candidates added in [from, to], then all channels together.
    public static func funnels(_ db: Database, from: CivilDay, to: CivilDay) throws -> [RecruitFunnel] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT candidate.id, candidate.channel, candidate.stage AS current, candidate.dropped_on, s.stage, s.entered_on
            FROM candidate JOIN candidate_stage s ON s.candidate_id = candidate.id
            WHERE candidate.id IN (SELECT candidate_id FROM candidate_stage WHERE stage = 'sourced' AND entered_on BETWEEN ? AND ?)
            """, arguments: [from.description, to.description])
        struct Person { var channel: String; var current: RecruitStage; var dropped: Bool; var entered: [RecruitStage: CivilDay] = [:] }
        var people: [Int64: Person] = [:]
        for row in rows {
            let id: Int64 = row["id"]
            if people[id] == nil {
                // An unknown channel was grouped under no channel, the candidate left out unseen: the named error.
                people[id] = Person(channel: try StoredValue.enum(RecruitChannel.self, row, "channel", table: "candidate").rawValue, current: try StoredValue.enum(RecruitStage.self, row["current"], table: "candidate", column: "stage", id: id),
                                    dropped: try StoredValue.optional(String.self, row, "dropped_on", table: "candidate") != nil)
            }
            let key = "\(id) \(StoredValue.text(row, "stage"))"
            let stage = try StoredValue.enum(RecruitStage.self, row["stage"], table: "candidate_stage", column: "stage", id: key)
            people[id]!.entered[stage] = try StoredValue.day(row["entered_on"], table: "candidate_stage", column: "entered_on", id: key)
        }
        func funnel(_ channel: String, _ group: [Person]) -> RecruitFunnel {
            let stages = RecruitStage.allCases
            let reached = stages.map { stage in group.filter { $0.entered[stage] != nil }.count }
            let conversions = FunnelMath.conversions(reached)
            return RecruitFunnel(channel: channel, stages: stages.enumerated().map { i, stage in
                let moved = stage.next.map { next in group.compactMap { p in p.entered[stage].flatMap { a in p.entered[next].map { a.days(to: $0) } } } } ?? []
                return FunnelStage(stage: stage.rawValue, reached: reached[i], conversion: conversions[i],
                                   now: group.filter { $0.current == stage && !$0.dropped }.count,
                                   dropped: group.filter { $0.current == stage && $0.dropped }.count,
                                   averageDays: moved.isEmpty ? nil : Double(moved.reduce(0, +)) / Double(moved.count))
            }, dropped: group.filter(\.dropped).count)
        }
        let everyone = Array(people.values)
        var result = RecruitChannel.allCases.compactMap { channel -> RecruitFunnel? in
            let group = everyone.filter { $0.channel == channel.rawValue }
            return group.isEmpty ? nil : funnel(channel.rawValue, group)
        }
        result.append(funnel("all", everyone))
        return result
    }

    private static func candidateRecord(_ db: Database, _ id: Int64) throws -> CandidateRecord {
        guard let row = try CandidateRecord.fetchOne(db, key: id) else {
            throw CallOpsError.notFound(kind: "candidate", key: String(id), hint: "see `callops recruit list`")
        }
        return row
    }
}

extension Candidate: TabularRow {
    public static var blank: Candidate {
        Candidate(id: 0, name: "", channel: "", stage: "", since: "", daysInStage: 0, dropped: "", dropReason: "", agentCode: "")
    }
}

extension RecruitFunnel: TabularRow {
    public static var blank: RecruitFunnel { RecruitFunnel(channel: "", stages: [], dropped: 0) }
}

extension FunnelStage: TabularRow {
    public static var blank: FunnelStage { FunnelStage(stage: "", reached: 0, conversion: 0, now: 0, dropped: 0, averageDays: 0) }
}
