import CallOpsCore
import CallOpsStore
import Foundation
import Roster

/// One channel's hires of one signing month, and the share still on the roster later.
public struct RetentionRow: Encodable, Equatable, Sendable {
    public var channel: String
    /// The signing month, YYYY-MM.
    public var month: String
    public var signed: Int
    /// Shares still on the roster 3, 6 and 12 months after signing; nil until that day has come
    /// for every hire of the month.
    public var retained3m: Double?
    public var retained6m: Double?
    public var retained12m: Double?

    enum CodingKeys: String, CodingKey {
        case channel, month, signed
        case retained3m = "retained_3m"
        case retained6m = "retained_6m"
        case retained12m = "retained_12m"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(channel, forKey: .channel)
        try c.encode(month, forKey: .month)
        try c.encode(signed, forKey: .signed)
        try c.encode(retained3m, forKey: .retained3m)
        try c.encode(retained6m, forKey: .retained6m)
        try c.encode(retained12m, forKey: .retained12m)
    }
}

/// A signed hire and their moves in and out of the roster since.
public struct Hire: Equatable, Sendable {
    public var channel: String
    public var signedOn: CivilDay
    /// Departures (`left`, on the first day away) and returns (`returned`), any order.
    public var events: [(kind: String, day: CivilDay)]
    /// Marked `left` before leaving days were recorded: gone, since an unknown day.
    public var leftWithoutDay: Bool

    public init(channel: String, signedOn: CivilDay, events: [(kind: String, day: CivilDay)] = [], leftWithoutDay: Bool = false) {
        self.channel = channel
        self.signedOn = signedOn
        self.events = events
        self.leftWithoutDay = leftWithoutDay
    }

    public static func == (a: Hire, b: Hire) -> Bool {
        a.channel == b.channel && a.signedOn == b.signedOn && a.leftWithoutDay == b.leftWithoutDay
            && a.events.map { "\($0.kind) \($0.day)" } == b.events.map { "\($0.kind) \($0.day)" }
    }

    /// Whether the hire is on the roster on `day`: the last departure or return on or before it
    /// decides (a hire who left and came back counts again from the day back).
    public func onRoster(on day: CivilDay) -> Bool {
        let last = events.enumerated().filter { $0.element.day <= day }
            .max { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) }?.element
        guard let last else { return !leftWithoutDay }
        return last.kind != "left"
    }
}

/// Retention (SPEC section 9): of the hires signed per channel and month, the share still on the
/// roster 3, 6 and 12 months later.
public enum Retention {
    public static let horizons = [3, 6, 12]

    /// Rows by signing month, then channel (in the channel order of the funnel).
    public static func rows(_ hires: [Hire], today: CivilDay) -> [RetentionRow] {
        let order = RecruitChannel.allCases.map(\.rawValue)
        let groups = Dictionary(grouping: hires) { "\($0.signedOn.monthText) \($0.channel)" }
        return groups.values.map { group -> RetentionRow in
            let shares = horizons.map { months -> Double? in
                guard group.allSatisfy({ $0.signedOn.adding(months: months) <= today }) else { return nil }
                return Double(group.filter { $0.onRoster(on: $0.signedOn.adding(months: months)) }.count) / Double(group.count)
            }
            return RetentionRow(channel: group[0].channel, month: group[0].signedOn.monthText, signed: group.count,
                                retained3m: shares[0], retained6m: shares[1], retained12m: shares[2])
        }
        .sorted { ($0.month, order.firstIndex(of: $0.channel) ?? order.count) < ($1.month, order.firstIndex(of: $1.channel) ?? order.count) }
    }
}

extension Recruiting {
    /// The signed hires with their departures and returns.
    public static func hires(_ db: Database) throws -> [Hire] {
        let events = Dictionary(grouping: try Roster.tenureEvents(db), by: \.agentID)
        let tenures = try Roster.tenures(db)
        let rows = try Row.fetchAll(db, sql: """
            SELECT candidate.id, candidate.channel, candidate.agent_id, s.entered_on FROM candidate
            JOIN candidate_stage AS s ON s.candidate_id = candidate.id AND s.stage = 'signed'
            ORDER BY candidate.id
            """)
        let status = Dictionary(uniqueKeysWithValues: try Roster.agents(db).map { ($0.id, $0.status) })
        return try rows.map { row in
            // Signing sets the agent: a signed candidate without one (an outside tool's NULL) was left
            // out of retention unseen, now the named error.
            guard try StoredValue.optionalInt64(row, "agent_id", table: "candidate") != nil else {
                throw StoredValueError(table: "candidate", row: StoredValue.text(row, "id"), column: "agent_id", value: "NULL",
                                       expected: "the signed candidate's agent id")
            }
            let agent = try StoredValue.int64(row, "agent_id", table: "candidate")
            let signed = try StoredValue.day(row["entered_on"], table: "candidate_stage", column: "entered_on", id: "\(row["id"] as Int64) signed")
            let moves = (events[agent] ?? []).map { (kind: $0.kind, day: $0.day) }
            let leftWithoutDay = status[agent] == .left && tenures[agent]?.leftOn == nil && !moves.contains { $0.kind == "left" }
            return Hire(channel: try StoredValue.enum(RecruitChannel.self, row, "channel", table: "candidate").rawValue, signedOn: signed, events: moves, leftWithoutDay: leftWithoutDay)
        }
    }
}

extension RetentionRow: TabularRow {
    public static var blank: RetentionRow { RetentionRow(channel: "", month: "", signed: 0, retained3m: 0, retained6m: 0, retained12m: 0) }
}
