/// Every business rule with a number in it (SPEC section 2), with the SPEC's defaults.
///
/// The defaults live here and nowhere else; `Config/callops.toml` repeats them with comments,
/// and a test checks that the two agree. A config file only needs the keys it changes.
public struct Settings: Codable, Equatable, Sendable {
    public var general = General()
    public var roster = RosterRules()
    public var leads = LeadRules()
    public var cadence = CadenceRules()
    public var sales = SalesRules()
    public var crossSell = CrossSellRules()
    public var products: [Product] = Product.shippedCatalog
    public var seats = SeatRules()
    public var planning = PlanningRules()
    public var renewals = RenewalRules()
    public var pay = PayRules()
    public var dialer = DialerRules()
    public var programmes = ProgrammeRules()

    public init() {}

    public static let defaults = Settings()

    enum CodingKeys: String, CodingKey {
        case general, roster, leads, cadence, sales, products, seats, planning, renewals, pay
        case crossSell = "cross_sell"
        case dialer, programmes
    }

    /// The center as a whole.
    public struct General: Codable, Equatable, Sendable {
        /// Every local time (`--now`, due times, report periods) is read in this zone.
        public var timezone = "Asia/Shanghai"
        /// A run that finds another one writing waits this many seconds for it, then gives up
        /// (a calls import of 400,000 rows holds the database about a minute).
        public var busyWaitSeconds = 600
        /// `callops daily` acts as of this local time (HH:MM) on its day: before anyone calls.
        public var dailyBatchAt = "06:00"

        /// `daily_batch_at` in minutes after midnight; nil when it is not `HH:MM`.
        public var dailyBatchMinutes: Int? {
            let parts = dailyBatchAt.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]), let m = Int(parts[1]),
                  (0...23).contains(h), (0...59).contains(m) else { return nil }
            return h * 60 + m
        }
        public init() {}

        enum CodingKeys: String, CodingKey {
            case timezone
            case busyWaitSeconds = "busy_wait_seconds"
            case dailyBatchAt = "daily_batch_at"
        }
    }

    /// Tiers (seed 000) and each tier's default lead capacity.
    public struct RosterRules: Codable, Equatable, Sendable {
        /// An agent is `new` for this many days after the hire date.
        public var newHireDays = 30
        /// `top` (绩优人员, 每月2件、每月万C): at least this many policies in the assessment month
        /// (the last complete calendar month)...
        public var topMinPolicies = 2
        /// ...and at least this first-year commission (yuan) in it.
        public var topMinFYC = 10_000.0
        /// `core` (主力人员, 达星): at least this many policies in the assessment month...
        public var coreMinPolicies = 1
        /// ...and at least this first-year commission (yuan) in it.
        public var coreMinFYC = 3_000.0
        /// Regularisation (转正, SPEC section 9): a probation agent is listed after this many days...
        public var probationDays = 90
        /// ...with a sale in this many trailing days (and the regularisation course passed).
        public var regularizationSalesDays = 30
        /// Per-tier defaults for agents whose roster row gives no quota of its own.
        public var tiers = TierTable()

        enum CodingKeys: String, CodingKey {
            case newHireDays = "new_hire_days"
            case topMinPolicies = "top_min_policies"
            case topMinFYC = "top_min_fyc"
            case coreMinPolicies = "core_min_policies"
            case coreMinFYC = "core_min_fyc"
            case probationDays = "probation_days"
            case regularizationSalesDays = "regularization_sales_days"
            case tiers
        }
        public init() {}
    }

    /// One row per tier: capacity defaults and the allocation weight.
    public struct TierTable: Codable, Equatable, Sendable {
        public var new = TierDefaults(dailyNewLeads: 15, maxOpenLeads: 120, weight: 0.8)
        public var general = TierDefaults(dailyNewLeads: 30, maxOpenLeads: 250, weight: 1.0)
        public var core = TierDefaults(dailyNewLeads: 40, maxOpenLeads: 350, weight: 1.3)
        public var top = TierDefaults(dailyNewLeads: 50, maxOpenLeads: 400, weight: 1.6)
        public init() {}

        public subscript(tier: Tier) -> TierDefaults {
            switch tier {
            case .new: new
            case .general: general
            case .core: core
            case .top: top
            }
        }
    }

    public struct TierDefaults: Codable, Equatable, Sendable {
        public var dailyNewLeads: Int
        public var maxOpenLeads: Int
        /// Allocation weight before the agent's own conversion is taken into account.
        public var weight: Double

        public init(dailyNewLeads: Int, maxOpenLeads: Int, weight: Double) {
            self.dailyNewLeads = dailyNewLeads
            self.maxOpenLeads = maxOpenLeads
            self.weight = weight
        }

        enum CodingKeys: String, CodingKey {
            case dailyNewLeads = "daily_new_leads"
            case maxOpenLeads = "max_open_leads"
            case weight
        }
    }

    /// The data officer's rules (SPEC section 5).
    public struct LeadRules: Codable, Equatable, Sendable {
        /// A known age outside this range is rejected as `out_of_age_range`.
        public var minAge = 18
        public var maxAge = 65
        /// libphonenumber's CN mobile pattern (release 9.0.35); change it here when new ranges open.
        public var mobilePattern = #"^(?:1(?:610\d|740[0-5])\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8})$"#
        public var grading = GradingRules()
        public var allocation = AllocationRules()
        public var recycling = RecyclingRules()
        /// `grade` or `score`: with `score`, allocation and fresh leads in the queue go by expected
        /// premium (learned score × the class's average premium) once a model beats the grades.
        public var rankBy = "grade"
        /// `daily` warns when the newest scoring model is older than this.
        public var maxModelAgeDays = 30
        public var scoring = ScoringRules()

        enum CodingKeys: String, CodingKey {
            case minAge = "min_age"
            case maxAge = "max_age"
            case mobilePattern = "mobile_pattern"
            case grading, allocation, recycling
            case rankBy = "rank_by"
            case maxModelAgeDays = "max_model_age_days"
            case scoring
        }
        public init() {}
    }

    /// Grades A/B/C from the target profile (seed 003): 25–50, with income, stable job,
    /// married or with children.
    public struct GradingRules: Codable, Equatable, Sendable {
        public var targetMinAge = 25
        public var targetMaxAge = 50
        public var agePoints = 30
        /// Points for a known annual income of at least `minIncome` yuan.
        public var incomePoints = 25
        public var minIncome = 50_000.0
        public var occupationPoints = 20
        public var marriedPoints = 15
        public var childrenPoints = 10
        /// Occupations counted as stable (matched case-insensitively, as a substring).
        public var stableOccupations = [
            "公务员", "教师", "医生", "护士", "工程师", "经理", "会计", "白领", "职员", "技术",
            "civil", "teacher", "doctor", "nurse", "engineer", "manager", "management",
            "accountant", "admin", "technician", "services", "entrepreneur", "self-employed",
        ]
        /// A score at or above this is grade A.
        public var gradeA = 60
        /// A score at or above this (and below `gradeA`) is grade B; anything lower is C.
        public var gradeB = 30

        enum CodingKeys: String, CodingKey {
            case targetMinAge = "target_min_age"
            case targetMaxAge = "target_max_age"
            case agePoints = "age_points"
            case incomePoints = "income_points"
            case minIncome = "min_income"
            case occupationPoints = "occupation_points"
            case marriedPoints = "married_points"
            case childrenPoints = "children_points"
            case stableOccupations = "stable_occupations"
            case gradeA = "grade_a"
            case gradeB = "grade_b"
        }
        public init() {}
    }

    public struct AllocationRules: Codable, Equatable, Sendable {
        /// `weighted` or `even`.
        public var strategy = "weighted"
        /// Probation agents get leads only with the pre-job course passed.
        public var trainingGate = true
        /// Conversion is smoothed toward the team mean as if the agent had this many more
        /// leads worked at the team's rate, so one lucky sale does not swing the weight.
        public var smoothingLeads = 50.0
        /// Days of history behind an agent's conversion.
        public var conversionDays = 30
        /// Agents in their first `new_hire_days` get this fixed number a day (capped by capacity).
        public var newHireQuota = 10
        /// A-grade leads go first to these tiers, then to anyone with room.
        public var gradeATiers = ["core", "top"]

        enum CodingKeys: String, CodingKey {
            case strategy
            case trainingGate = "training_gate"
            case smoothingLeads = "smoothing_leads"
            case conversionDays = "conversion_days"
            case newHireQuota = "new_hire_quota"
            case gradeATiers = "grade_a_tiers"
        }
        public init() {}
    }

    public struct RecyclingRules: Codable, Equatable, Sendable {
        /// An open lead with no attempt this many days after assignment goes back to the pool.
        public var idleDays = 3
        /// An exhausted lead waits this long before it is offered again.
        public var cooldownDays = 30
        /// An exhausted lead is recycled at most this many times, then retired.
        public var maxRecycles = 2
        /// A reclaimed lead does not return to its previous agent for this many days.
        public var ownerLockDays = 7
        /// An agent holds at most this many open callbacks.
        public var maxOpenCallbacks = 30
        /// A callback overdue by more than this many hours goes to a teammate.
        public var overdueCallbackHours = 24

        enum CodingKeys: String, CodingKey {
            case idleDays = "idle_days"
            case cooldownDays = "cooldown_days"
            case maxRecycles = "max_recycles"
            case ownerLockDays = "owner_lock_days"
            case maxOpenCallbacks = "max_open_callbacks"
            case overdueCallbackHours = "overdue_callback_hours"
        }
        public init() {}
    }

    /// The follow-up cadence (SPEC section 6, seed 002: two to five follow-up calls).
    public struct CadenceRules: Codable, Equatable, Sendable {
        /// Follow-up k is due `intervals[k-1]` days after the previous contact.
        public var intervals = [1, 2, 3, 5, 7]
        /// A lead is not given up for lack of progress before this follow-up.
        public var minFollowUps = 2
        /// An unanswered attempt is retried at least this many hours later.
        public var retryGapHours = 2.0
        public var maxAttemptsPerDay = 2
        /// This many unanswered attempts in a row exhaust the lead.
        public var maxUnanswered = 6
        /// A contact of at least this many seconds is an effective call.
        public var effectiveCallSeconds = 60
        /// Calling windows, local time, as `HH:MM-HH:MM`.
        public var windows = ["09:00-12:00", "13:30-20:00"]

        enum CodingKeys: String, CodingKey {
            case intervals
            case minFollowUps = "min_follow_ups"
            case retryGapHours = "retry_gap_hours"
            case maxAttemptsPerDay = "max_attempts_per_day"
            case maxUnanswered = "max_unanswered"
            case effectiveCallSeconds = "effective_call_seconds"
            case windows
        }
        public init() {}
    }

    /// Policies, stabilisation and free-look (SPEC section 7).
    public struct SalesRules: Codable, Equatable, Sendable {
        public var stabilizationDays = 2
        public var freeLookDays = 15

        enum CodingKeys: String, CodingKey {
            case stabilizationDays = "stabilization_days"
            case freeLookDays = "free_look_days"
        }
        public init() {}
    }

    /// The cross-sell ladder (seed 002 step 5).
    public struct CrossSellRules: Codable, Equatable, Sendable {
        /// The adults' ladder: the seed's own order; `medical` and `life` are rungs a center may add.
        public var ladder = ["accident", "critical_illness", "pension", "education"]
        /// The children's ladder (seed 002: the child's accident, then education cover).
        public var childLadder = ["accident", "education"]
        /// New annual premium may not take a household above this share of its income.
        public var affordabilityShare = 0.10
        public var maxSuggestions = 5
        /// Education cover is for children under this age.
        public var childMaxAge = 18

        enum CodingKeys: String, CodingKey {
            case ladder
            case childLadder = "child_ladder"
            case affordabilityShare = "affordability_share"
            case maxSuggestions = "max_suggestions"
            case childMaxAge = "child_max_age"
        }
        public init() {}
    }

    /// Seat productivity flags (SPEC section 8).
    public struct SeatRules: Codable, Equatable, Sendable {
        /// `stalled`: no sale in this many days.
        public var stalledDays = 14
        /// `at_risk`: premium under this share of the team median.
        public var atRiskShare = 0.5

        enum CodingKeys: String, CodingKey {
            case stalledDays = "stalled_days"
            case atRiskShare = "at_risk_share"
        }
        public init() {}
    }

    /// Activity targets (seed 001's 3:3:1 rule).
    public struct PlanningRules: Codable, Equatable, Sendable {
        /// First-year commission as a percentage of premium.
        public var fycRatePercent = 30.0
        /// Average premium per policy, yuan.
        public var averagePremium = 2_000.0
        public var proposalsPerSale = 3
        public var effectiveCallsPerProposal = 3
        public var weeksPerMonth = 4
        public var workdaysPerWeek = 5
        /// `plan sizing` observes contacts per agent-day over this many trailing days.
        public var observeDays = 30
        /// Seed 003's funnel: of 25 names, 17 are reached, 7 interested, 5 take a proposal, 4 a
        /// second talk, 3 decide, 1 buys. The first number is the leads a sale needs when no
        /// batch has sold yet.
        public var leadFunnel = [25, 17, 7, 5, 4, 3, 1]
        /// The weekdays a month's targets are spread over (the seat report prorates by them).
        public var workingDays = ["mon", "tue", "wed", "thu", "fri"]

        /// `working_days` as a calendar; the defaults when the names do not parse (the config
        /// loader refuses such a file first).
        public var workingCalendar: WorkingDays {
            (try? WorkingDays(names: workingDays)) ?? (try! WorkingDays(names: ["mon", "tue", "wed", "thu", "fri"]))
        }

        enum CodingKeys: String, CodingKey {
            case workingDays = "working_days"
            case fycRatePercent = "fyc_rate_percent"
            case averagePremium = "average_premium"
            case proposalsPerSale = "proposals_per_sale"
            case effectiveCallsPerProposal = "effective_calls_per_proposal"
            case weeksPerMonth = "weeks_per_month"
            case workdaysPerWeek = "workdays_per_week"
            case observeDays = "observe_days"
            case leadFunnel = "lead_funnel"
        }
        public init() {}
    }

    /// The pay plan (基本法, SPEC section 9): what an agent earns in a month. Amounts in yuan.
    public struct PayRules: Codable, Equatable, Sendable {
        /// Monthly base salary (底薪) by rank; the rank is the agent's tier.
        public var base = TierAmounts(new: 3_000, general: 3_500, core: 4_000, top: 4_500)
        /// Bonus on the month's net first-year commission: the highest tier reached pays its rate on all of it.
        public var bonusTiers = [BonusTier(minFYC: 3_000, rate: 0.10), BonusTier(minFYC: 6_000, rate: 0.15), BonusTier(minFYC: 10_000, rate: 0.20)]
        /// A bonus for selling at all in the month (举绩奖): at least one policy not cancelled.
        public var sellingBonus = 300.0
        /// The tier bonus is multiplied by the first step whose persistency the agent's 13-month
        /// persistency reaches (no measurable cohort: 1).
        public var persistencySteps = [PersistencyStep(minRate: 0.90, multiplier: 1.1), PersistencyStep(minRate: 0.80, multiplier: 1.0),
                                       PersistencyStep(minRate: 0.70, multiplier: 0.9), PersistencyStep(minRate: 0, multiplier: 0.8)]
        /// Seed 004: a variable share of pay between 30% and 50% works best; the run warns outside.
        public var variableShareMin = 0.30
        public var variableShareMax = 0.50
        /// First-year commission over a quarter needed to keep each rank (晋升预警); reaching the
        /// next rank's promotes.
        public var keepQuarterFYC = TierAmounts(new: 0, general: 6_000, core: 15_000, top: 30_000)
        /// Below the keep threshold but at this share of it or more: a warning; below: demotion.
        public var warnShare = 0.8
        /// A team lead's override (管理津贴): this share of the month's net FYC of the rest of the team.
        public var overrideShare = 0.05

        enum CodingKeys: String, CodingKey {
            case base
            case overrideShare = "override_share"
            case bonusTiers = "bonus_tiers"
            case sellingBonus = "selling_bonus"
            case persistencySteps = "persistency_steps"
            case variableShareMin = "variable_share_min"
            case variableShareMax = "variable_share_max"
            case keepQuarterFYC = "keep_quarter_fyc"
            case warnShare = "warn_share"
        }
        public init() {}
    }

    /// One amount per rank.
    public struct TierAmounts: Codable, Equatable, Sendable {
        public var new: Double
        public var general: Double
        public var core: Double
        public var top: Double

        public init(new: Double, general: Double, core: Double, top: Double) {
            self.new = new
            self.general = general
            self.core = core
            self.top = top
        }

        public subscript(tier: Tier) -> Double {
            switch tier {
            case .new: new
            case .general: general
            case .core: core
            case .top: top
            }
        }
    }

    public struct BonusTier: Codable, Equatable, Sendable {
        public var minFYC: Double
        public var rate: Double

        public init(minFYC: Double, rate: Double) {
            self.minFYC = minFYC
            self.rate = rate
        }

        enum CodingKeys: String, CodingKey {
            case minFYC = "min_fyc"
            case rate
        }
    }

    public struct PersistencyStep: Codable, Equatable, Sendable {
        public var minRate: Double
        public var multiplier: Double

        public init(minRate: Double, multiplier: Double) {
            self.minRate = minRate
            self.multiplier = multiplier
        }

        enum CodingKeys: String, CodingKey {
            case minRate = "min_rate"
            case multiplier
        }
    }

    /// Policy delivery, renewal premiums and persistency (SPEC section 9, operations and renewals).
    public struct RenewalRules: Codable, Equatable, Sendable {
        /// A premium unpaid on its due day has this many days of grace; the day after, the policy lapses.
        public var graceDays = 60
        /// A policy is delivered (保单递送) within this many days of the sale, or listed as late.
        public var deliveryDays = 7
        /// Premiums due within this many days are in the owning agent's queue, after stabilisation calls.
        public var queueDays = 7
        /// A renewal reminder that reached the customer is due again after this many days, not at once.
        public var reminderIntervalDays = 3
        /// `renewals due` and the nightly run list premiums due within this many days.
        public var dueWithinDays = 30
        /// A premium is accepted up to this many days before it falls due.
        public var advanceDays = 60
        /// Persistency counts what is still in force this many months after the sale.
        public var persistencyMonths = 13

        enum CodingKeys: String, CodingKey {
            case graceDays = "grace_days"
            case deliveryDays = "delivery_days"
            case queueDays = "queue_days"
            case reminderIntervalDays = "reminder_interval_days"
            case dueWithinDays = "due_within_days"
            case advanceDays = "advance_days"
            case persistencyMonths = "persistency_months"
        }
        public init() {}
    }
}

/// An agent's tier (seed 000).
public enum Tier: String, Codable, CaseIterable, Sendable, Comparable {
    case new, general, core, top

    public static func < (lhs: Tier, rhs: Tier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A product of the catalog (SPEC section 7).
public struct Product: Codable, Equatable, Sendable {
    public var code: String
    public var name: String
    /// `accident`, `critical_illness`, `medical`, `life`, `pension` or `education`.
    public var line: String
    public var minAge: Int
    public var maxAge: Int
    /// First-year commission as a fraction of premium.
    public var commissionRate: Double
    /// The annual premium a typical buyer pays, yuan; used for affordability.
    public var typicalPremium: Double

    public init(
        code: String, name: String, line: String, minAge: Int, maxAge: Int,
        commissionRate: Double, typicalPremium: Double
    ) {
        self.code = code
        self.name = name
        self.line = line
        self.minAge = minAge
        self.maxAge = maxAge
        self.commissionRate = commissionRate
        self.typicalPremium = typicalPremium
    }

    enum CodingKeys: String, CodingKey {
        case code, name, line
        case minAge = "min_age"
        case maxAge = "max_age"
        case commissionRate = "commission_rate"
        case typicalPremium = "typical_premium"
    }

    public static let shippedCatalog: [Product] = [
        Product(code: "ACC01", name: "综合意外险", line: "accident", minAge: 0, maxAge: 65, commissionRate: 0.35, typicalPremium: 300),
        Product(code: "CI01", name: "重大疾病险", line: "critical_illness", minAge: 0, maxAge: 55, commissionRate: 0.30, typicalPremium: 5_000),
        Product(code: "MED01", name: "百万医疗险", line: "medical", minAge: 0, maxAge: 60, commissionRate: 0.25, typicalPremium: 600),
        Product(code: "LIFE01", name: "定期寿险", line: "life", minAge: 18, maxAge: 60, commissionRate: 0.30, typicalPremium: 1_500),
        Product(code: "PEN01", name: "养老年金险", line: "pension", minAge: 18, maxAge: 60, commissionRate: 0.20, typicalPremium: 10_000),
        Product(code: "EDU01", name: "少儿教育金", line: "education", minAge: 0, maxAge: 17, commissionRate: 0.20, typicalPremium: 6_000),
    ]
}
