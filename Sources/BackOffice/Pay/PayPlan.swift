import CallOpsCore
import Foundation

/// A kind of line on a pay slip.
public enum PayLineKind: String, Codable, CaseIterable, Sendable {
    case base, commission
    case tierBonus = "tier_bonus"
    case sellingBonus = "selling_bonus"
    case clawback, adjustment
    /// A campaign's reward, in the month the campaign ends.
    case campaign
    /// A team lead's share of the team's FYC (管理津贴).
    case override
}

/// One line of a pay slip.
public struct PayLine: Equatable, Sendable, Encodable {
    public var kind: PayLineKind
    public var amount: Money
    public var detail: String
    /// For an adjustment: the finalised month it corrects.
    public var forMonth: String?

    public init(kind: PayLineKind, amount: Money, detail: String, forMonth: String? = nil) {
        self.kind = kind
        self.amount = amount
        self.detail = detail
        self.forMonth = forMonth
    }

    enum CodingKeys: String, CodingKey {
        case kind, amount, detail
        case forMonth = "for_month"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(amount.yuan, forKey: .amount)
        try c.encode(detail, forKey: .detail)
        try c.encode(forMonth, forKey: .forMonth)
    }
}

/// What an agent's month comes to before the pay plan is applied.
public struct PayInputs: Equatable, Sendable {
    public var tier: Tier
    /// First-year commission of the policies sold in the month.
    public var fyc: Money
    /// Commission of the policies cancelled in their free-look period in the month.
    public var clawback: Money
    /// Policies sold in the month and not cancelled.
    public var policiesKept: Int
    /// The agent's 13-month persistency, nil when no cohort is measurable.
    public var persistency: Double?
    /// Days of the month the agent was employed, of the month's days: the base is paid pro rata
    /// (a new hire from the hire day; none for one who has left).
    public var baseDays: (employed: Int, of: Int)
    /// For a team lead: the month's net FYC of the rest of the team (the override's basis).
    public var teamFYC: Money? = nil

    public init(tier: Tier, fyc: Money, clawback: Money, policiesKept: Int, persistency: Double?, baseDays: (employed: Int, of: Int) = (1, 1)) {
        self.tier = tier
        self.fyc = fyc
        self.clawback = clawback
        self.policiesKept = policiesKept
        self.persistency = persistency
        self.baseDays = baseDays
    }

    public static func == (a: PayInputs, b: PayInputs) -> Bool {
        a.tier == b.tier && a.fyc == b.fyc && a.clawback == b.clawback && a.policiesKept == b.policiesKept && a.persistency == b.persistency
            && a.baseDays == b.baseDays && a.teamFYC == b.teamFYC
    }
}

/// Where an agent stands at the quarter's review (晋升预警).
public enum ReviewVerdict: String, Codable, Sendable {
    case promote, keep, warn, demote
}

/// The pay plan's rules as pure functions (SPEC section 9, 人管岗).
public enum PayPlan {
    /// The month's lines: base by rank (pro rata to the days employed); commission; the bonus tier reached by the net FYC
    /// (commission less clawbacks) on all of it, times the persistency step; the selling bonus
    /// for at least one policy kept; the clawback, negative.
    public static func lines(_ inputs: PayInputs, rules: Settings.PayRules) -> [PayLine] {
        var lines: [PayLine] = []
        let (employed, days) = inputs.baseDays
        if employed > 0 && days > 0 {
            let full = Money(yuan: rules.base[inputs.tier])
            let whole = employed >= days
            lines.append(PayLine(kind: .base, amount: whole ? full : Money(fen: (full.fen * Int64(employed) + Int64(days / 2)) / Int64(days)),
                                 detail: "base salary, \(inputs.tier.rawValue)" + (whole ? "" : ", \(employed) of \(days) days")))
        }
        if inputs.fyc.fen > 0 {
            lines.append(PayLine(kind: .commission, amount: inputs.fyc, detail: "first-year commission on the month's sales"))
        }
        let net = Money(fen: max(0, inputs.fyc.fen - inputs.clawback.fen))
        if let tier = rules.bonusTiers.filter({ Money(yuan: $0.minFYC) <= net }).max(by: { $0.minFYC < $1.minFYC }), net.fen > 0 {
            let multiplier = persistencyMultiplier(inputs.persistency, rules: rules)
            let amount = Money(fenClamping: Double(net.fen) * tier.rate * multiplier)
            let persistency = inputs.persistency.map { String(format: "%.1f%%", $0 * 100) } ?? "not measured"
            lines.append(PayLine(kind: .tierBonus, amount: amount,
                                 detail: String(format: "%.0f%% of net FYC %@ (tier from %@), × %.2f for persistency %@",
                                                tier.rate * 100, net.description, Money(yuan: tier.minFYC).description, multiplier, persistency)))
        }
        if inputs.policiesKept > 0 && rules.sellingBonus > 0 {
            lines.append(PayLine(kind: .sellingBonus, amount: Money(yuan: rules.sellingBonus), detail: "sold in the month (\(inputs.policiesKept) policies kept)"))
        }
        if inputs.clawback.fen > 0 {
            lines.append(PayLine(kind: .clawback, amount: Money(fen: -inputs.clawback.fen), detail: "commission of free-look cancellations in the month"))
        }
        if let team = inputs.teamFYC, team.fen > 0, rules.overrideShare > 0 {
            lines.append(PayLine(kind: .override, amount: Money(fen: Int64((Double(team.fen) * rules.overrideShare).rounded())),
                                 detail: String(format: "team lead's override: %.1f%% of the team's net FYC %@", rules.overrideShare * 100, team.description)))
        }
        return lines
    }

    /// Days of the month starting `first` the agent was employed: from the hire date up to the
    /// day before `leftOn` (the first day away), so the base is paid pro rata by calendar days.
    public static func employedDays(month first: CivilDay, hired: CivilDay, leftOn: CivilDay?) -> Int {
        let next = first.adding(months: 1)
        let start = max(hired, first)
        let end = min(leftOn ?? next, next)
        return max(0, start.days(to: end))
    }

    /// The first step the persistency reaches; 1 when it is not measured.
    public static func persistencyMultiplier(_ persistency: Double?, rules: Settings.PayRules) -> Double {
        guard let persistency else { return 1 }
        return rules.persistencySteps.sorted { $0.minRate > $1.minRate }.first { persistency >= $0.minRate }?.multiplier ?? 1
    }

    public static func total(_ lines: [PayLine]) -> Money {
        lines.reduce(Money.zero) { $0 + $1.amount }
    }

    /// Pay that is not base, over total pay; nil when the total is not positive.
    public static func variableShare(_ lines: [PayLine]) -> Double? {
        let total = total(lines)
        guard total.fen > 0 else { return nil }
        let base = lines.filter { $0.kind == .base }.reduce(Money.zero) { $0 + $1.amount }
        return Double(total.fen - base.fen) / Double(total.fen)
    }

    /// The quarter's review: reaching the next rank's keep threshold promotes; reaching one's
    /// own keeps; within `warn_share` of it warns; below demotes (a top seller is never
    /// promoted, and nobody is demoted below `general`: `new` is only the first 30 days, SPEC
    /// section 4, so a `general` or `new` agent below the threshold keeps the rank).
    public static func review(tier: Tier, quarterFYC: Money, rules: Settings.PayRules) -> ReviewVerdict {
        let keep = Money(yuan: rules.keepQuarterFYC[tier])
        if let next = Tier.allCases.first(where: { $0 > tier }), quarterFYC >= Money(yuan: rules.keepQuarterFYC[next]) { return .promote }
        if quarterFYC >= keep { return .keep }
        if quarterFYC >= Money(yuan: rules.keepQuarterFYC[tier] * rules.warnShare) { return .warn }
        return tier <= .general ? .keep : .demote
    }
}

extension PayLine: TabularRow {
    public static var blank: PayLine { PayLine(kind: .base, amount: .zero, detail: "", forMonth: "") }
}
