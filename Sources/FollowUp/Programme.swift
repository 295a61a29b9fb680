import CallOpsCore

/// Which customer programme a window belongs to (seed 003, 客户经营闭环).
public enum ProgrammeKind: String, Codable, Sendable {
    /// 新客121: the first policy's sale day and the 90 days after it.
    case newCustomer = "121"
    /// 老客121N: each programme year after 121.
    case existing = "121N"
}

/// One programme window of a customer: 121, or year `year` of 121N.
public struct ProgrammeWindow: Equatable, Sendable {
    public var kind: ProgrammeKind
    /// 0 for 121; 1, 2, ... for the years of 121N.
    public var year: Int
    public var start: CivilDay
    /// The window's last day, inside it.
    public var end: CivilDay

    public func contains(_ day: CivilDay) -> Bool { start <= day && day <= end }
}

/// What a customer's service history holds, as days: the plain values the programme rule reads.
public struct ProgrammeFacts: Equatable, Sendable {
    /// The sale day of the customer's first policy.
    public var firstSale: CivilDay
    /// Contacts after the first sale that were not nurture calls (the stabilisation call is one).
    public var careContacts: [CivilDay] = []
    /// `visit` touches: a personal visit (个人拜访) is care first, a touch once care is done.
    public var visits: [CivilDay] = []
    /// Other touches: event, gift, info, and calls logged with `--purpose nurture` that reached the customer.
    public var touches: [CivilDay] = []
    /// Conversion attempts: proposal or sale calls to the customer while a cross-sell suggestion
    /// stood, and policies sold after the first sale day.
    public var attempts: [CivilDay] = []
    /// Renewal services: renewal premiums collected, and renewal reminder calls that reached the customer.
    public var renewalServices: [CivilDay] = []
    /// Referrals the customer gave (the day each referral lead came in).
    public var referrals: [CivilDay] = []

    public init(firstSale: CivilDay, careContacts: [CivilDay] = [], visits: [CivilDay] = [], touches: [CivilDay] = [],
                attempts: [CivilDay] = [], renewalServices: [CivilDay] = [], referrals: [CivilDay] = []) {
        self.firstSale = firstSale
        self.careContacts = careContacts
        self.visits = visits
        self.touches = touches
        self.attempts = attempts
        self.renewalServices = renewalServices
        self.referrals = referrals
    }
}

/// One step's progress: done against required (0 required: counted, no target).
public struct ProgrammeStep: Codable, Equatable, Sendable {
    public var done: Int
    public var required: Int

    public init(done: Int, required: Int) {
        self.done = done
        self.required = required
    }
}

/// The steps of a programme, by the names of SPEC section 13 (`care` is 121N's renewal service).
public enum ProgrammeStepName: String, Codable, CaseIterable, Sendable {
    case care, touches, attempts, referrals
}

/// A customer's progress in one window.
public struct ProgrammeProgress: Equatable, Sendable {
    public var window: ProgrammeWindow
    public var steps: [ProgrammeStepName: ProgrammeStep]
    /// Every step with a target has reached it.
    public var complete: Bool
    /// Steps with a unit whose deadline has passed undone.
    public var overdue: [ProgrammeStepName]
    /// Steps with an undone unit whose deadline falls within the queue's lead time (overdue ones included).
    public var due: [ProgrammeStepName]
    /// The earliest deadline among undone units, nil when nothing is left to do.
    public var nextDeadline: CivilDay?
    /// Days from today to the window's last day (0 on that day).
    public var daysLeft: Int
}

/// The programme rule (seed 003): pure functions of a customer's facts, the day and the rules.
public enum Programme {
    /// The window a day falls in: 121 up to `new_customer_days` after the first sale, then
    /// programme years of 121N, each a calendar year from the day after 121 ends.
    public static func window(firstSale: CivilDay, on day: CivilDay, rules: Settings.ProgrammeRules) -> ProgrammeWindow {
        let newEnd = firstSale.adding(days: rules.newCustomerDays)
        guard day > newEnd else { return ProgrammeWindow(kind: .newCustomer, year: 0, start: firstSale, end: newEnd) }
        let first = newEnd.adding(days: 1)
        var year = max(1, first.days(to: day) / 366)
        while first.adding(months: 12 * year) <= day { year += 1 }
        while year > 1 && first.adding(months: 12 * (year - 1)) > day { year -= 1 }
        return existingYear(year, from: first)
    }

    /// Year `year` of 121N, counted from `first`, the day after 121 ends.
    public static func existingYear(_ year: Int, from first: CivilDay) -> ProgrammeWindow {
        ProgrammeWindow(kind: .existing, year: year, start: first.adding(months: 12 * (year - 1)),
                        end: first.adding(months: 12 * year).adding(days: -1))
    }

    /// The targets of a window's steps.
    public static func required(_ kind: ProgrammeKind, rules: Settings.ProgrammeRules) -> [ProgrammeStepName: Int] {
        switch kind {
        case .newCustomer:
            return [.care: rules.careContacts, .touches: rules.nurturingTouches, .attempts: rules.conversionAttempts, .referrals: 0]
        case .existing:
            return [.care: rules.renewalServices, .touches: rules.valueAddedTouches, .attempts: rules.yearlyConversionAttempts,
                    .referrals: rules.referralsTarget]
        }
    }

    /// A customer's progress in `window` as of `today`. A step's k-th of n units is due by the
    /// window's start + k/n of its length, so 121's first nurturing touch is due by day 45 and
    /// the rest by day 90; only what happened inside the window counts.
    /// `dueWithin`: the days ahead a deadline makes a step due (default `queue_days`).
    public static func progress(_ facts: ProgrammeFacts, in window: ProgrammeWindow, today: CivilDay,
                                rules: Settings.ProgrammeRules, dueWithin: Int? = nil) -> ProgrammeProgress {
        func inside(_ days: [CivilDay]) -> Int { days.filter(window.contains).count }
        let required = required(window.kind, rules: rules)
        var done: [ProgrammeStepName: Int] = [:]
        let visits = inside(facts.visits)
        switch window.kind {
        case .newCustomer:
            // A personal visit is the care contact when no call was; further visits are touches.
            let calls = inside(facts.careContacts)
            let visitsForCare = min(visits, max(0, (required[.care] ?? 0) - calls))
            done[.care] = calls + visitsForCare
            done[.touches] = inside(facts.touches) + visits - visitsForCare
        case .existing:
            done[.care] = inside(facts.renewalServices)
            done[.touches] = inside(facts.touches) + visits
        }
        done[.attempts] = inside(facts.attempts)
        done[.referrals] = inside(facts.referrals)

        let length = window.start.days(to: window.end)
        var steps: [ProgrammeStepName: ProgrammeStep] = [:]
        var overdue: [ProgrammeStepName] = []
        var due: [ProgrammeStepName] = []
        var nextDeadline: CivilDay?
        for name in ProgrammeStepName.allCases {
            let need = required[name] ?? 0, have = done[name] ?? 0
            steps[name] = ProgrammeStep(done: have, required: need)
            guard have < need else { continue }
            let deadlines = (1...need).map { window.start.adding(days: length * $0 / need) }
            let firstOpen = deadlines[have]
            if firstOpen < today { overdue.append(name) }
            if firstOpen <= today.adding(days: dueWithin ?? rules.queueDays) { due.append(name) }
            nextDeadline = min(nextDeadline ?? firstOpen, firstOpen)
        }
        let complete = ProgrammeStepName.allCases.allSatisfy { (done[$0] ?? 0) >= (required[$0] ?? 0) }
        return ProgrammeProgress(window: window, steps: steps, complete: complete, overdue: overdue, due: due,
                                 nextDeadline: nextDeadline, daysLeft: max(0, today.days(to: window.end)))
    }

    /// The fewest days after the first sale before any step can be due (with nothing done, the
    /// earliest of 121's first deadlines, less the queue's notice): a customer sold more
    /// recently has nothing due, whatever the facts.
    public static func daysBeforeAnythingDue(rules: Settings.ProgrammeRules) -> Int {
        let counts = [rules.careContacts, rules.nurturingTouches, rules.conversionAttempts].filter { $0 > 0 }
        let first = counts.map { rules.newCustomerDays / $0 }.min() ?? rules.newCustomerDays + 1
        return max(0, first - rules.queueDays)
    }

    /// Whether 121 was completed in time: every step's target met inside the 121 window.
    public static func completedNewCustomer(_ facts: ProgrammeFacts, rules: Settings.ProgrammeRules) -> Bool {
        let window = window(firstSale: facts.firstSale, on: facts.firstSale, rules: rules)
        return progress(facts, in: window, today: window.end, rules: rules).complete
    }
}
