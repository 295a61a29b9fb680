import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster

/// `callops leads why LEAD` in full (SPEC section 5): the lead data's explanation, plus its calls,
/// its policies and every queue the lead or customer is in (next calls, stabilisation, renewal,
/// cross-sell).
public struct LeadStory: Encodable, Sendable {
    public var explanation: LeadExplanation
    public var calls: [CallLine]
    public var policies: [PolicyLine]
    /// Each queue the lead or customer is in, in words.
    public var queues: [String]

    public struct CallLine: Encodable, Equatable, Sendable {
        public var at: String
        public var agentCode: String
        public var disposition: String
        public var talkSeconds: Int
        public var followUp: Int?
        public var callbackAt: String?
        public var note: String?

        enum CodingKeys: String, CodingKey {
            case at, disposition, note
            case agentCode = "agent_code"
            case talkSeconds = "talk_seconds"
            case followUp = "follow_up"
            case callbackAt = "callback_at"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(at, forKey: .at)
            try c.encode(agentCode, forKey: .agentCode)
            try c.encode(disposition, forKey: .disposition)
            try c.encode(talkSeconds, forKey: .talkSeconds)
            try c.encode(followUp, forKey: .followUp)
            try c.encode(callbackAt, forKey: .callbackAt)
            try c.encode(note, forKey: .note)
        }
    }

    public struct PolicyLine: Encodable, Equatable, Sendable {
        public var policyID: Int64
        public var agentCode: String
        public var product: String
        public var premium: Money
        public var mode: String
        public var insured: String
        public var soldAt: String
        public var status: String

        enum CodingKeys: String, CodingKey {
            case product, premium, mode, insured, status
            case policyID = "policy_id"
            case agentCode = "agent_code"
            case soldAt = "sold_at"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(policyID, forKey: .policyID)
            try c.encode(agentCode, forKey: .agentCode)
            try c.encode(product, forKey: .product)
            try c.encode(premium.yuan, forKey: .premium)
            try c.encode(mode, forKey: .mode)
            try c.encode(insured, forKey: .insured)
            try c.encode(soldAt, forKey: .soldAt)
            try c.encode(status, forKey: .status)
        }
    }

    enum CodingKeys: String, CodingKey { case calls, policies, queues }

    /// The explanation's keys, then `calls`, `policies` and `queues`.
    public func encode(to encoder: any Encoder) throws {
        try explanation.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(calls, forKey: .calls)
        try c.encode(policies, forKey: .policies)
        try c.encode(queues, forKey: .queues)
    }

    /// Tells the story of one lead as of the clock.
    public static func tell(_ db: Database, lead id: Int64, settings: Settings, clock: Clock) throws -> LeadStory {
        let windows = try CallingWindows(settings.cadence.windows)
        var explanation = try LeadExplanation.explain(db, lead: id, clock: clock, windows: windows)
        // The customer's hand-overs (SPEC section 7) sit in the story by time, and so does a line
        // written after later ones (a sale of a leaver's last day imported after the departure):
        // the story is told in time order, lines of one time in the order they were written.
        let handovers = try CustomerServicing.history(db, customer: id)
        explanation.history = (explanation.history + handovers).enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        let codes = Dictionary(uniqueKeysWithValues: try Roster.agents(db).map { ($0.id, $0.code) })
        let calls = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT id, started_at, agent_id, disposition, talk_seconds, follow_up, callback_at, note FROM call WHERE lead_id = ? ORDER BY started_at, id
            """), arguments: [id]).map { row in
            CallLine(at: try StoredValue.string(row, "started_at", table: "call"), agentCode: codes[try StoredValue.int64(row, "agent_id", table: "call")] ?? "?",
                     disposition: try StoredValue.string(row, "disposition", table: "call"),
                     talkSeconds: Int(try StoredValue.integer(row, "talk_seconds", table: "call", in: StoredValue.talkSecondsRange)),
                     followUp: try StoredValue.optional(Int.self, row, "follow_up", table: "call"),
                     callbackAt: try StoredValue.optional(String.self, row, "callback_at", table: "call"),
                     note: try StoredValue.optional(String.self, row, "note", table: "call"))
        }
        let policyRows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT id, agent_id, servicing_agent_id, product, premium_fen, mode, insured, sold_at, status FROM policy WHERE lead_id = ? ORDER BY id
            """), arguments: [id])
        // Agent and premium through StoredValue: text in these integer columns is a named error, not a trap.
        let policies = try policyRows.map { row in
            PolicyLine(policyID: try StoredValue.int64(row, "id", table: "policy"), agentCode: codes[try StoredValue.int64(row, "agent_id", table: "policy")] ?? "?",
                       product: try StoredValue.string(row, "product", table: "policy"),
                       premium: Money(fen: try StoredValue.int64(row, "premium_fen", table: "policy")),
                       mode: try StoredValue.string(row, "mode", table: "policy"), insured: try StoredValue.string(row, "insured", table: "policy"),
                       soldAt: try StoredValue.string(row, "sold_at", table: "policy"), status: try StoredValue.string(row, "status", table: "policy"))
        }
        // Every agent who may hold work for this lead: its owner, the agents serving its policies
        // (service work follows the servicing agent after a hand-over, SPEC section 7) and their sellers.
        var agents: [(id: Int64, code: String)] = []
        let servicing = try policyRows.map { try StoredValue.optionalInt64($0, "servicing_agent_id", table: "policy") }
        let sellers = try policyRows.map { try StoredValue.optionalInt64($0, "agent_id", table: "policy") }
        for agentID in [try LeadProgress.lead(db, id: id)?.agentID] + servicing + sellers {
            if let agentID, let code = codes[agentID], !agents.contains(where: { $0.id == agentID }) { agents.append((agentID, code)) }
        }
        var queues: [String] = []
        var servedNow: String?
        for agent in agents {
            for policy in try Sales(settings: settings, clock: clock).stabilizationsDue(db, agent: agent.id) where policy.leadID == id {
                queues.append("stabilisation: policy \(policy.id) (\(policy.product)), agent \(agent.code), due since \(clock.day(clock.adding(days: settings.sales.stabilizationDays, to: try StoredValue.time(policy.soldAt, clock: clock, table: "policy", column: "sold_at", id: policy.id))))")
            }
            for premium in try Renewals(settings: settings, clock: clock).due(db, within: settings.renewals.queueDays, agent: agent.id)
            where premium.leadID == id {
                queues.append("renewal: policy \(premium.policyID) (\(premium.product)), premium \(premium.installment) of \(premium.amount) yuan due \(premium.dueOn), agent \(agent.code)")
            }
            let offers = try Households(settings: settings, clock: clock).queue(db, agent: agent.code).filter { $0.leadID == id }
            if !offers.isEmpty {
                queues.append("cross-sell: \(offers.count) suggestion\(offers.count == 1 ? "" : "s") in agent \(agent.code)'s list, first \(offers[0].member) \(offers[0].line) (\(offers[0].product))")
            }
            if servedNow == nil, let entry = try NextCallQueue(settings: settings, clock: clock).entries(db, agent: agent.code).first(where: { $0.leadID == id }) {
                servedNow = "in agent \(agent.code)'s queue now: \(entry.why), \(entry.purpose)"
            }
        }
        if let servedNow {
            explanation.queueNow = servedNow
        } else if explanation.status == LeadStatus.open.rawValue && explanation.queueNow.hasPrefix("in agent") {
            explanation.queueNow = "not queued now: called \(settings.cadence.maxAttemptsPerDay) times today (the limit); due again on the next calling day"
        } else if !queues.isEmpty && explanation.status != LeadStatus.open.rawValue {
            explanation.queueNow = "a customer (\(explanation.status)), in the queues below; not to be called this moment (outside the calling windows, not due, or called enough today)"
        }
        return LeadStory(explanation: explanation, calls: calls, policies: policies, queues: queues)
    }
}
