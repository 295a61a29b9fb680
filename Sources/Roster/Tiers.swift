import CallOpsCore

/// Where an agent's tier comes from (SPEC section 4), in the order they win.
public enum TierSource: String, Codable, CaseIterable, Sendable {
    /// Given in the roster file: a manual setting.
    case roster
    /// A rank applied by a pay review, from its month on.
    case review
    /// Worked out from tenure and the assessment month's sales.
    case derived
}

/// An agent's tier for one day, where it comes from and why, in words.
public struct ResolvedTier: Equatable, Sendable {
    public var tier: Tier
    public var source: TierSource
    public var why: String

    public init(tier: Tier, source: TierSource, why: String) {
        self.tier = tier
        self.source = source
        self.why = why
    }
}

/// An agent's sales in one calendar month, as the tier rule counts them: policies issued in it
/// and not cancelled in free-look, and their first-year commission (FYC) by the product rates.
public struct MonthSales: Equatable, Sendable {
    public var policies: Int
    public var fyc: Money

    public init(policies: Int, fyc: Money) {
        self.policies = policies
        self.fyc = fyc
    }

    public static let none = MonthSales(policies: 0, fyc: .zero)
}

/// A rank set by a pay review, which holds from `month` on.
public struct ReviewRank: Equatable, Sendable {
    public var month: CivilMonth
    public var tier: Tier

    public init(month: CivilMonth, tier: Tier) {
        self.month = month
        self.tier = tier
    }
}

/// The one tier rule (SPEC section 4, seed 000). Every command that shows or uses a tier gets
/// it from here, through `Roster.tiers`.
public enum TierRule {
    /// The month a day's derived tier is judged on: the last complete calendar month before it.
    public static func assessmentMonth(for day: CivilDay) -> CivilMonth {
        day.civilMonth.adding(months: -1)
    }

    /// The agent's tier for `day`: the roster's when given; else the latest review rank from its
    /// month on; else `new` in the first `new_hire_days` days of employment (day 1 is the hire
    /// date); else derived from the assessment month's sales.
    /// - Parameters:
    ///   - hired: the hire date.
    ///   - review: the latest rank a pay review set from a month up to `day`'s, if any.
    ///   - assessment: the agent's sales in `assessmentMonth(for: day)`.
    public static func resolve(
        day: CivilDay, hired: CivilDay, rosterTier: Tier?, review: ReviewRank?, assessment: MonthSales,
        rules: Settings.RosterRules
    ) -> ResolvedTier {
        if let rosterTier {
            return ResolvedTier(tier: rosterTier, source: .roster, why: "set in the roster")
        }
        if let review, review.month <= day.civilMonth {
            return ResolvedTier(tier: review.tier, source: .review, why: "rank set by the pay review from \(review.month)")
        }
        let days = hired.days(to: day)
        if days < rules.newHireDays {
            let text = days < 0 ? "hired on \(hired), not yet started" : "day \(days + 1) of employment"
            return ResolvedTier(tier: .new, source: .derived, why: "\(text); new for the first \(rules.newHireDays) days")
        }
        let tier = Tier.derive(policies: assessment.policies, fyc: assessment.fyc, rules: rules)
        let month = assessmentMonth(for: day)
        let counted = "\(month): \(assessment.policies) \(assessment.policies == 1 ? "policy" : "policies") kept, FYC \(assessment.fyc)"
        let threshold = switch tier {
        case .top: "top from \(rules.topMinPolicies) and \(Money(yuan: rules.topMinFYC))"
        case .core: "core from \(rules.coreMinPolicies) and \(Money(yuan: rules.coreMinFYC))"
        default: "core needs \(rules.coreMinPolicies) and \(Money(yuan: rules.coreMinFYC))"
        }
        return ResolvedTier(tier: tier, source: .derived, why: "\(counted) (\(threshold))")
    }
}

extension Tier {
    /// The tier a month's sales earn after the new-hire days (seed 000): `top` (绩优, 每月2件、
    /// 每月万C) at 2 policies and 10,000 of FYC, `core` (主力, 达星) at 1 policy and 3,000, else
    /// `general` (一般, whose goal is to sell at all).
    public static func derive(policies: Int, fyc: Money, rules: Settings.RosterRules) -> Tier {
        if policies >= rules.topMinPolicies && fyc >= Money(yuan: rules.topMinFYC) { return .top }
        if policies >= rules.coreMinPolicies && fyc >= Money(yuan: rules.coreMinFYC) { return .core }
        return .general
    }
}
