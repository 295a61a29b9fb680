import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster

/// What `customers referral add` did (SPEC section 13).
public struct ReferralResult: Encodable, Equatable, Sendable {
    public var leadID: Int64
    public var agentCode: String
    public var referredBy: Int64

    enum CodingKeys: String, CodingKey {
        case leadID = "lead_id"
        case agentCode = "agent_code"
        case referredBy = "referred_by"
    }
}

/// Referrals from customers (seed 003: 转介绍, "4 referrals a month"): a new lead of class
/// `referral`, assigned straight to the agent who serves the customer, not through the pool.
public struct Referrals {
    let settings: Settings
    let clock: Clock
    /// Built once when given: building one checks 50,000 prefixes against the mobile pattern.
    let validator: MobileValidator?

    public init(settings: Settings, clock: Clock, validator: MobileValidator? = nil) {
        self.settings = settings
        self.clock = clock
        self.validator = validator
    }

    /// Records a referral in the caller's transaction, through the import's phone checks
    /// in the import's order (a mainland mobile, not already a lead, not on the do-not-call list).
    public func add(_ db: Database, customer: Int64, name: String, phone raw: String, note: String?) throws -> ReferralResult {
        try CustomerServicing.requireLead(db, customer)
        guard let serving = try CustomerServicing.servingAgent(db, customer: customer) else {
            throw CallOpsError.refused("lead \(customer) has no policy in force, so it is no customer to refer anyone; see `callops queue cross-sell --agent A` for customers")
        }
        let agent = try Roster.agent(db, code: serving)
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CallOpsError.invalidValue(field: "--name", value: name, expected: "the referred person's name")
        }
        let phone: String
        switch PhoneNumber.normalize(raw, validator: try validator ?? MobileValidator(pattern: settings.leads.mobilePattern)) {
        case .missing: throw CallOpsError.invalidValue(field: "--phone", value: raw, expected: "a mainland mobile number")
        case let .invalid(why): throw CallOpsError.invalidValue(field: "--phone", value: raw, expected: "a mainland mobile number (\(why))")
        case let .valid(digits): phone = digits
        }
        // The import's order of checks: a number already a lead is that lead (duplicate_existing)
        // even when it is also on the do-not-call list.
        if let existing = try Leads.id(db, phone: phone) {
            throw CallOpsError.refused("\(PhoneNumber.mask(phone)) is already lead \(existing); nothing was changed")
        }
        if try DoNotCall.contains(db, phone: phone) {
            throw CallOpsError.refused("\(PhoneNumber.mask(phone)) is on the do-not-call list; nothing was changed")
        }
        let graded = LeadGrading.grade(LeadProfile(), rules: settings.leads.grading)
        let extra = try note.map { String(decoding: try JSONSerialization.data(withJSONObject: ["note": $0], options: [.sortedKeys]), as: UTF8.self) }
        let lead = try Leads.addReferral(db, phone: phone, name: name, extra: extra, grade: graded.grade, score: graded.score,
                                         agent: agent.id, referredBy: customer, clock: clock)
        try LeadLedger.record(db, lead: lead, event: "assigned", agent: agent.id,
                              reason: "referral from customer \(customer), to the agent who serves them", clock: clock)
        return ReferralResult(leadID: lead, agentCode: agent.code, referredBy: customer)
    }
}
