import CallOpsCore
import CallOpsStore

/// A row of `activity_target`: an agent's 3:3:1 targets for a month (SPEC section 8); its column
/// names are SPEC section 2's contract. Rows stored before `planning.v2` have no proposals or
/// daily target (NULL), derived from the planning rules when read.
public struct ActivityTargetRecord: Codable, Equatable, Sendable, StoredRecord, PersistableRecord {
    public static let databaseTableName = "activity_target"
    /// The table's key: an error names the row `agent_id month`, as `callops check` does.
    public static var storedKeys: [String] { ["agent_id", "month"] }
    public var agentID: Int64
    public var month: CivilMonth
    public var annualIncome: Money
    public var monthlyPremium: Money
    public var monthlySales: Int
    public var monthlyEffectiveCalls: Int
    public var monthlyProposals: Int?
    public var dailyEffectiveCalls: Int?

    public enum Columns {
        public static let agentID = Column(CodingKeys.agentID), month = Column(CodingKeys.month)
    }

    enum CodingKeys: String, CodingKey {
        case month
        case agentID = "agent_id"
        case annualIncome = "annual_income_fen"
        case monthlyPremium = "monthly_premium_fen"
        case monthlySales = "monthly_sales"
        case monthlyEffectiveCalls = "monthly_effective_calls"
        case monthlyProposals = "monthly_proposals"
        case dailyEffectiveCalls = "daily_effective_calls"
    }

    public init(agentID: Int64, month: CivilMonth, targets: ActivityTargets) {
        self.agentID = agentID
        self.month = month
        self.annualIncome = targets.annualIncome
        self.monthlyPremium = targets.monthlyPremium
        self.monthlySales = targets.monthlySales
        self.monthlyEffectiveCalls = targets.monthlyEffectiveCalls
        self.monthlyProposals = targets.monthlyProposals
        self.dailyEffectiveCalls = targets.dailyEffectiveCalls
    }

    /// `INSERT OR REPLACE`: storing a month's targets again replaces them.
    public static let persistenceConflictPolicy = PersistenceConflictPolicy(insert: .replace, update: .replace)

    /// The month's targets, each number within SPEC section 12's range (or the named error);
    /// a row stored without proposals or a daily target derives them as `plan targets` does:
    /// proposals = sales × proposals per sale; daily = ⌈⌈monthly effective calls / weeks⌉ / working days a week⌉.
    func targets(rules: Settings.PlanningRules) throws -> MonthTargets {
        let table = Self.databaseTableName, key = "\(agentID) \(month)"
        func count(_ value: Int, _ column: String) throws -> Int {
            Int(try StoredValue.checked(Int64(value), in: StoredValue.countRange, table: table, column: column, id: key))
        }
        let premium = try StoredValue.checked(monthlyPremium.fen, in: StoredValue.fenRange, table: table, column: "monthly_premium_fen", id: key)
        let sales = try count(monthlySales, "monthly_sales")
        let effective = try count(monthlyEffectiveCalls, "monthly_effective_calls")
        let weekly = (effective + max(1, rules.weeksPerMonth) - 1) / max(1, rules.weeksPerMonth)
        let daily = (weekly + max(1, rules.workdaysPerWeek) - 1) / max(1, rules.workdaysPerWeek)
        return MonthTargets(premium: Money(fen: premium), sales: sales,
                            proposals: try monthlyProposals.map { try count($0, "monthly_proposals") } ?? sales * rules.proposalsPerSale,
                            effectiveCalls: effective,
                            dailyEffectiveCalls: try dailyEffectiveCalls.map { try count($0, "daily_effective_calls") } ?? daily)
    }
}
