import CallOpsCore
import CallOpsStore
import Foundation

/// One agent's calls and sales over a period, counted in SQL (`GROUP BY` over the call and
/// policy indexes), for the seat report.
public struct AgentActivity: Equatable, Sendable {
    public var agentID: Int64
    public var dials = 0
    public var contacts = 0
    public var effectiveCalls = 0
    public var talkSeconds = 0
    public var leadsWorked = 0
    public var sales = 0
    public var premium = Money.zero
    /// The agent's latest sale up to the period's end, for the `stalled` flag.
    public var lastSaleAt: String?

    public init(agentID: Int64) { self.agentID = agentID }
}

/// One day's calls and sales, for `--by day`.
public struct DayActivity: Equatable, Sendable {
    public var day: String
    public var dials = 0
    public var contacts = 0
    public var effectiveCalls = 0
    public var sales = 0
    public var premium = Money.zero
}

/// The follow-up module's figures: how much each agent dialed, reached and sold.
public enum ActivityFigures {
    /// Contacts per agent per day with a call over [from, to); nil without calls (plan sizing).
    public static func contactsPerAgentDay(_ db: Database, from: String, to: String) throws -> Double? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT SUM(contacts), COUNT(*) FROM (
                SELECT SUM(contact) AS contacts FROM call WHERE started_at >= ? AND started_at < ?
                GROUP BY agent_id, substr(started_at, 1, 10))
            """, arguments: [from, to]), let days = row[1] as Int?, days > 0 else { return nil }
        return Double(row[0] as Int? ?? 0) / Double(days)
    }

    /// Per agent over [from, to): calls from the call table, sales from policies (cancelled ones do not count).
    public static func perAgent(_ db: Database, from: String, to: String) throws -> [Int64: AgentActivity] {
        var result = try salesPerAgent(db, from: from, to: to)
        let calls = try Row.fetchCursor(db, sql: """
            SELECT agent_id, COUNT(*), SUM(contact), SUM(effective), SUM(talk_seconds), COUNT(DISTINCT lead_id)
            FROM call WHERE started_at >= ? AND started_at < ? GROUP BY agent_id
            """, arguments: [from, to])
        while let row = try calls.next() {
            let id: Int64 = row[0]
            var a = result[id] ?? AgentActivity(agentID: id)
            a.dials = row[1]
            a.contacts = row[2]
            a.effectiveCalls = row[3]
            a.talkSeconds = row[4]
            a.leadsWorked = row[5]
            result[id] = a
        }
        return result
    }

    /// Per agent over [from, to): sales and premium only (no call is read), and each agent's
    /// latest sale before `to`.
    public static func salesPerAgent(_ db: Database, from: String, to: String) throws -> [Int64: AgentActivity] {
        var result: [Int64: AgentActivity] = [:]
        let sales = try Row.fetchCursor(db, sql: """
            SELECT agent_id, SUM(sold_at >= ? AND status <> 'cancelled'),
                   SUM(CASE WHEN sold_at >= ? AND status <> 'cancelled' THEN premium_fen ELSE 0 END),
                   MAX(CASE WHEN status <> 'cancelled' THEN sold_at END)
            FROM policy WHERE sold_at < ? GROUP BY agent_id
            """, arguments: [from, from, to])
        while let row = try sales.next() {
            let id: Int64 = row[0]
            var a = AgentActivity(agentID: id)
            a.sales = row[1] ?? 0
            a.premium = Money(fen: row[2] ?? 0)
            a.lastSaleAt = row[3]
            result[id] = a
        }
        return result
    }

    /// Per agent over [from, to): the days with at least one sale that was not cancelled (active-seller days).
    public static func sellingDays(_ db: Database, from: String, to: String) throws -> [Int64: Int] {
        var result: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT agent_id, COUNT(DISTINCT substr(sold_at, 1, 10)) FROM policy
            WHERE sold_at >= ? AND sold_at < ? AND status <> 'cancelled' GROUP BY agent_id
            """, arguments: [from, to]) {
            result[row[0]] = row[1]
        }
        return result
    }

    /// Per day over [from, to), for the agents given (all when nil).
    public static func perDay(_ db: Database, from: String, to: String, agents: [Int64]?) throws -> [DayActivity] {
        let filter = agents.map { "AND agent_id IN (\($0.map(String.init).joined(separator: ",")))" } ?? ""
        var days: [String: DayActivity] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT substr(started_at, 1, 10) AS day, COUNT(*), SUM(contact), SUM(effective)
            FROM call WHERE started_at >= ? AND started_at < ? \(filter) GROUP BY day
            """, arguments: [from, to]) {
            days[row[0]] = DayActivity(day: row[0], dials: row[1], contacts: row[2], effectiveCalls: row[3])
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT substr(sold_at, 1, 10) AS day, COUNT(*), SUM(premium_fen)
            FROM policy WHERE sold_at >= ? AND sold_at < ? AND status <> 'cancelled' \(filter) GROUP BY day
            """, arguments: [from, to]) {
            let day: String = row[0]
            var d = days[day] ?? DayActivity(day: day)
            d.sales = row[1]
            d.premium = Money(fen: row[2])
            days[day] = d
        }
        return days.values.sorted { $0.day < $1.day }
    }

    /// Contact and sale rates of the 1st, 2nd, ... call to a lead: how many follow-ups are worth making.
    public struct AttemptRate: Encodable, Equatable, Sendable {
        public var attempt: Int
        public var calls: Int
        public var contacts: Int
        public var sales: Int
        public var contactRate: Double
        public var saleRate: Double

        enum CodingKeys: String, CodingKey {
            case attempt, calls, contacts, sales
            case contactRate = "contact_rate"
            case saleRate = "sale_rate"
        }
    }

    /// Rates by attempt number over every call (optionally one batch's or source's leads).
    public static func byAttempt(_ db: Database, leadFilterSQL: String? = nil, arguments: StatementArguments = []) throws -> [AttemptRate] {
        let filter = leadFilterSQL.map { "WHERE lead_id IN (\($0))" } ?? ""
        return try Row.fetchAll(db, sql: """
            SELECT attempt, COUNT(*) AS calls, SUM(contact) AS contacts, SUM(disposition = 'sale') AS sales
            FROM (SELECT ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY started_at, id) AS attempt, contact, disposition
                  FROM call \(filter))
            GROUP BY attempt ORDER BY attempt
            """, arguments: arguments).map { row in
            let calls: Int = row["calls"], contacts: Int = row["contacts"], sales: Int = row["sales"]
            return AttemptRate(attempt: row["attempt"], calls: calls, contacts: contacts, sales: sales,
                               contactRate: Double(contacts) / Double(calls), saleRate: Double(sales) / Double(calls))
        }
    }
}
