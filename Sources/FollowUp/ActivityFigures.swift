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
            """, arguments: [from, to]), let days = try StoredValue.optional(Int.self, row, at: 1, table: "call"), days > 0 else { return nil }
        return Double(try StoredValue.optional(Int.self, row, at: 0, table: "call") ?? 0) / Double(days)
    }

    /// Per agent over [from, to): calls and sales (cancelled ones do not count). Whole days come
    /// from `activity_day` (`ActivityAggregate`), the parts of a day at the period's ends from the
    /// call and policy tables; leads worked from the aggregate when the period is anchored on a
    /// month's first day, else counted from the calls.
    public static func perAgent(_ db: Database, from: String, to: String) throws -> [Int64: AgentActivity] {
        // A call whose time is damaged would fall outside every period unseen (SPEC section 12).
        try StoredValue.checkTimeEnds(db, table: "call", column: "started_at")
        let period = ActivityPeriod(from: from, to: to)
        var result: [Int64: AgentActivity] = [:]
        // Agents with a policy sold before `to` are listed whatever they did in the period (their latest sale).
        for row in try Row.fetchAll(db, sql: """
            SELECT MIN(id) AS id, agent_id, MAX(CASE WHEN status <> 'cancelled' THEN sold_at END) AS last_sale FROM policy WHERE sold_at < ? GROUP BY agent_id
            """, arguments: [to]) {
            let id = try StoredValue.int64(row, "agent_id", table: "policy")
            var a = AgentActivity(agentID: id)
            a.lastSaleAt = try StoredValue.optional(String.self, row, "last_sale", table: "policy")
            result[id] = a
        }
        // `table` names where the sums came from (activity_day, or call and policy at the edges).
        func add(_ row: Row, table: String) throws {
            func sum(_ index: Int) throws -> Int { try StoredValue.optional(Int.self, row, at: index, table: table) ?? 0 }
            let id = try StoredValue.value(Int64.self, row, at: 0, table: table)
            var a = result[id] ?? AgentActivity(agentID: id)
            a.dials += try sum(1)
            a.contacts += try sum(2)
            a.effectiveCalls += try sum(3)
            a.talkSeconds += try sum(4)
            a.sales += try sum(5)
            a.premium += Money(fen: Int64(try sum(6)))
            result[id] = a
        }
        if let days = period.days {
            try ActivityAggregate.verifyPeriod(db, from: days.first, to: days.end)
            for row in try Row.fetchAll(db, sql: """
                SELECT agent_id, SUM(dials), SUM(contacts), SUM(effective_calls), SUM(talk_seconds), SUM(sales), SUM(premium_fen),
                       SUM(leads_worked)
                FROM activity_day WHERE day >= ? AND day < ? GROUP BY agent_id HAVING SUM(dials) > 0 OR SUM(sales) > 0
                """, arguments: [days.first, days.end]) {
                try add(row, table: "activity_day")
                if period.monthAnchored {
                    result[try StoredValue.value(Int64.self, row, at: 0, table: "activity_day")]?.leadsWorked =
                        try StoredValue.optional(Int.self, row, at: 7, table: "activity_day") ?? 0
                }
            }
        }
        for edge in period.edges {
            for row in try Row.fetchAll(db, sql: """
                SELECT agent_id, SUM(dials), SUM(contacts), SUM(effective), SUM(talk_seconds), SUM(sales), SUM(premium_fen) FROM (
                    SELECT agent_id, COUNT(*) AS dials, SUM(contact) AS contacts, SUM(effective) AS effective, SUM(talk_seconds) AS talk_seconds,
                           0 AS sales, 0 AS premium_fen
                    FROM call WHERE started_at >= ? AND started_at < ? GROUP BY agent_id
                    UNION ALL
                    SELECT agent_id, 0, 0, 0, 0, COUNT(*), SUM(premium_fen)
                    FROM policy WHERE sold_at >= ? AND sold_at < ? AND status <> 'cancelled' GROUP BY agent_id)
                GROUP BY agent_id
                """, arguments: [edge.from, edge.to, edge.from, edge.to]) {
                try add(row, table: "call and policy")
            }
        }
        if period.monthAnchored {
            // Leads first called by the agent this month in the partial day at the end.
            for edge in period.edges {
                for row in try Row.fetchAll(db, sql: """
                    SELECT agent_id, COUNT(DISTINCT lead_id) FROM call AS c WHERE started_at >= ? AND started_at < ?
                    AND NOT EXISTS (SELECT 1 FROM call AS p WHERE p.lead_id = c.lead_id AND p.agent_id = c.agent_id
                                    AND p.started_at >= ? AND p.started_at < ?)
                    GROUP BY agent_id
                    """, arguments: [edge.from, edge.to, from, edge.from]) {
                    result[try StoredValue.value(Int64.self, row, at: 0, table: "call")]?.leadsWorked += try StoredValue.value(Int.self, row, at: 1, table: "call")
                }
            }
        } else {
            for row in try Row.fetchAll(db, sql: """
                SELECT agent_id, COUNT(DISTINCT lead_id) FROM call WHERE started_at >= ? AND started_at < ? GROUP BY agent_id
                """, arguments: [from, to]) {
                result[try StoredValue.value(Int64.self, row, at: 0, table: "call")]?.leadsWorked = try StoredValue.value(Int.self, row, at: 1, table: "call")
            }
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
            let id = try StoredValue.value(Int64.self, row, at: 0, table: "policy")
            var a = AgentActivity(agentID: id)
            a.sales = try StoredValue.optional(Int.self, row, at: 1, table: "policy") ?? 0
            a.premium = Money(fen: try StoredValue.optional(Int64.self, row, at: 2, table: "policy") ?? 0)
            a.lastSaleAt = try StoredValue.optional(String.self, row, at: 3, table: "policy")
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
            result[try StoredValue.value(Int64.self, row, at: 0, table: "policy")] = try StoredValue.value(Int.self, row, at: 1, table: "policy")
        }
        return result
    }

    /// Per day over [from, to), for the agents given (all when nil): whole days from
    /// `activity_day`, the parts of a day at the period's ends from the calls and policies.
    public static func perDay(_ db: Database, from: String, to: String, agents: [Int64]?) throws -> [DayActivity] {
        try StoredValue.checkTimeEnds(db, table: "call", column: "started_at")
        let filter = agents.map { "AND agent_id IN (\($0.map(String.init).joined(separator: ",")))" } ?? ""
        let period = ActivityPeriod(from: from, to: to)
        var days: [String: DayActivity] = [:]
        func add(_ row: Row, table: String) throws {
            func sum(_ index: Int) throws -> Int { try StoredValue.optional(Int.self, row, at: index, table: table) ?? 0 }
            let day = try StoredValue.value(String.self, row, at: 0, table: table)
            var d = days[day] ?? DayActivity(day: day)
            d.dials += try sum(1)
            d.contacts += try sum(2)
            d.effectiveCalls += try sum(3)
            d.sales += try sum(4)
            d.premium += Money(fen: Int64(try sum(5)))
            days[day] = d
        }
        if let whole = period.days {
            try ActivityAggregate.verifyPeriod(db, from: whole.first, to: whole.end)
            for row in try Row.fetchAll(db, sql: """
                SELECT day, SUM(dials), SUM(contacts), SUM(effective_calls), SUM(sales), SUM(premium_fen)
                FROM activity_day WHERE day >= ? AND day < ? \(filter) GROUP BY day HAVING SUM(dials) > 0 OR SUM(sales) > 0
                """, arguments: [whole.first, whole.end]) {
                try add(row, table: "activity_day")
            }
        }
        for edge in period.edges {
            for row in try Row.fetchAll(db, sql: """
                SELECT substr(started_at, 1, 10) AS day, COUNT(*), SUM(contact), SUM(effective), 0, 0
                FROM call WHERE started_at >= ? AND started_at < ? \(filter) GROUP BY day
                UNION ALL
                SELECT substr(sold_at, 1, 10) AS day, 0, 0, 0, COUNT(*), SUM(premium_fen)
                FROM policy WHERE sold_at >= ? AND sold_at < ? AND status <> 'cancelled' \(filter) GROUP BY day
                """, arguments: [edge.from, edge.to, edge.from, edge.to]) {
                try add(row, table: "call and policy")
            }
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

    /// Rates by attempt number over every call, or over the calls of `leads` (ids from
    /// `LeadStats.leadIDs`), passed as one JSON array through `json_each`. A `sale` call is a
    /// contact even with no talk time logged, so an attempt's sales never outnumber its contacts.
    public static func byAttempt(_ db: Database, leads: [Int64]? = nil) throws -> [AttemptRate] {
        let filter = leads == nil ? "" : "WHERE lead_id IN (SELECT value FROM json_each(?))"
        let arguments: StatementArguments = leads.map { ["[" + $0.map(String.init).joined(separator: ",") + "]"] } ?? []
        return try Row.fetchAll(db, sql: """
            SELECT attempt, COUNT(*) AS calls, SUM(contact OR disposition = 'sale') AS contacts, SUM(disposition = 'sale') AS sales
            FROM (SELECT ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY started_at, id) AS attempt, contact, disposition
                  FROM call \(filter))
            GROUP BY attempt ORDER BY attempt
            """, arguments: arguments).map { row in
            let calls = try StoredValue.value(Int.self, row, "calls", table: "call")
            let contacts = try StoredValue.value(Int.self, row, "contacts", table: "call")
            let sales = try StoredValue.value(Int.self, row, "sales", table: "call")
            return AttemptRate(attempt: try StoredValue.value(Int.self, row, "attempt", table: "call"), calls: calls, contacts: contacts, sales: sales,
                               contactRate: Double(contacts) / Double(calls), saleRate: Double(sales) / Double(calls))
        }
    }
}

extension ActivityFigures.AttemptRate: TabularRow {
    public static var blank: ActivityFigures.AttemptRate { ActivityFigures.AttemptRate(attempt: 0, calls: 0, contacts: 0, sales: 0, contactRate: 0, saleRate: 0) }
}
