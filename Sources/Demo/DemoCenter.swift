import CallOpsCore
import CallOpsStore
import Foundation
import GRDB
import BackOffice
import FollowUp
import LeadData
import Roster

/// `callops demo`: a believable center built through the real modules, deterministic for a seed.
public enum DemoCenter {
    /// How big a center to build.
    public struct Options: Sendable {
        public var seed: UInt64 = 7
        public var agents = 40
        public var leads = 8_000
        public var days = 30
        /// `grade` or `score` for the floor's ranking (nil: the config's `leads.rank_by`).
        public var rankBy: String?

        public init(seed: UInt64 = 7, agents: Int = 40, leads: Int = 8_000, days: Int = 30) {
            self.seed = seed
            self.agents = agents
            self.leads = leads
            self.days = days
        }
    }

    /// What the demo built, for its closing summary.
    public struct Summary: Sendable, Equatable {
        public var teams = 0
        public var seats = 0
        public var agents = 0
        public var agentsByTier: [Tier: Int] = [:]
        public var batches = 0
        public var leads = 0
        public var calls = 0
        public var sales = 0
        public var cancellations = 0
        public var crossSales = 0
        public var candidates = 0
        public var signed = 0
        /// The pay runs made at the end: "2026-10 final", "2026-11 draft".
        public var payRuns: [String] = []
        public var firstDay = ""
        /// The model the center trained once it had enough sales, and the conversion of the
        /// leads it called first after that.
        public var scoring = DemoScoring(rankBy: "grade")
        /// The agent who left mid-period (through `roster leave`'s code path), the day, and the
        /// customers handed over.
        public var departure: String?
        public var customersHandedOver = 0
        /// Referrals customers gave, programme touches, and the customers in their 121 window at the end.
        public var referrals = 0
        public var touches = 0
        public var customersIn121 = 0
        /// The campaign, and its rewards paid as `campaign` lines in the pay run of the month it ended.
        public var campaign = ""
        public var campaignLines = 0
        public var campaignPaid = Money.zero
        /// The team leads, and their override lines (管理津贴) in those pay runs.
        public var teamLeads = 0
        public var overrideLines = 0
        public var overridePaid = Money.zero
    }

    /// The team names of the floor.
    static let teamNames = ["一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组", "九组", "十组"]

    /// Builds the center into `db`, which must be new (the caller makes a fresh file).
    public static func build(
        _ db: AppDatabase, options: Options, settings: Settings, clock: Clock,
        progress: (String, Double) -> Void = { _, _ in }
    ) throws -> Summary {
        var random = SeededRandom(seed: options.seed)
        var settings = settings
        if let rankBy = options.rankBy { settings.leads.rankBy = rankBy }
        return try db.transaction { db in
            try AppDatabase.setMeta(db, "demo_seed", String(options.seed))
            progress("roster", 0)
            let roster = makeRoster(agents: options.agents, clock: clock, random: &random)
            _ = try RosterImport.apply(db, roster: roster, file: "demo roster")
            // Spare seats: a floor always has a few empty ones (utilisation below 100%).
            for team in Set(roster.rows.map(\.team)) {
                let taken = roster.rows.filter { $0.team == team && $0.seat != nil }.count
                let prefix = seatPrefix(team)
                let spare = (0..<max(1, taken / 8)).map { String(format: "%@-%02d", prefix, taken + 1 + $0) }
                try Roster.addSeats(db, codes: spare, team: team)
            }
            progress("roster", 1)
            var summary = Summary()
            summary.scoring.rankBy = settings.leads.rankBy
            try simulate(db, options: options, settings: settings, clock: clock, random: &random, summary: &summary, progress: progress)
            // The pay desk: last month finalised when the simulated days reach into it, this month a draft.
            let thisMonth = clock.civilToday.firstOfMonth
            let pay = PayRun(settings: settings, clock: clock)
            var runs: [PayRunResult] = []
            if CivilDay(summary.firstDay)! < thisMonth {
                let run = try pay.run(db, month: thisMonth.adding(months: -1), finalize: true)
                summary.payRuns.append("\(run.month) final")
                runs.append(run)
            }
            let draft = try pay.run(db, month: thisMonth, finalize: false)
            summary.payRuns.append("\(draft.month) draft")
            for line in (runs + [draft]).flatMap({ $0.statements.flatMap(\.lines) }) {
                if line.kind == .campaign {
                    summary.campaignLines += 1
                    summary.campaignPaid += line.amount
                } else if line.kind == .override {
                    summary.overrideLines += 1
                    summary.overridePaid += line.amount
                }
            }
            summary.customersIn121 = try Programmes(settings: settings, clock: clock).rows(db).filter { $0.programme == .newCustomer }.count
            let agents = try Roster.agents(db)
            summary.agents = agents.count
            summary.teamLeads = try Roster.tenures(db).values.filter { $0.role == .lead }.count
            summary.teams = try Roster.teams(db).count
            summary.seats = try Roster.seatCounts(db).seats
            let tiers = try Roster.tiers(db, on: clock.civilToday, rules: settings.roster, agents: agents, sales: Sales.tierSales)
            for agent in agents where agent.status != .left {
                summary.agentsByTier[tiers[agent.id]!.tier, default: 0] += 1
            }
            return summary
        }
    }

    /// Lead batches from three vendors through the import, then the floor day by day to now.
    static func simulate(
        _ db: Database, options: Options, settings: Settings, clock: Clock, random: inout SeededRandom, summary: inout Summary,
        progress: (String, Double) -> Void
    ) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var floor = FloorSimulation(settings: settings, zone: clock.timeZone, random: SeededRandom(seed: random.next()))
        let today = clock.startOfDay(clock.now)
        let days = max(1, options.days)
        let first = clock.adding(days: -(days - 1), to: today)
        summary.firstDay = clock.day(first)
        // Batches arrive through the period: each vendor sends two, spread over the days.
        var arrivals: [Int: [(Vendor, Int)]] = [:]
        let batches = FloorSimulation.vendors.count * 2
        for b in 0..<batches {
            let day = (b * days) / batches
            arrivals[day, default: []].append((FloorSimulation.vendors[b % FloorSimulation.vendors.count], b))
        }
        var vendorOf: [Int64: Vendor] = [:]
        var agents = try Roster.agents(db)
        // The training calendar: every probation agent is enrolled in the pre-job course; those
        // hired before the simulated period have passed it already.
        try Training.addCourse(db, code: "PJ01", name: "岗前培训", kind: .preJob)
        try Training.addCourse(db, code: "BR01", name: "新人衔训", kind: .bridging)
        let probationers = agents.filter { $0.status == .probation }.map(\.code)
        _ = try Training.enroll(db, course: "PJ01", agents: probationers, on: clock.day(first))
        for agent in agents where try agent.status == .probation && StoredValue.time(agent.hireDate, clock: clock, table: "agent", column: "hire_date", id: agent.id) < clock.adding(days: -5, to: first) {
            try Training.complete(db, course: "PJ01", agent: agent.code, passed: true, score: 80, on: clock.day(first))
        }
        // Each agent's income goal for the month, by tier, gives the activity targets (seed 001).
        let tiers = try Roster.tiers(db, on: clock.civilToday, rules: settings.roster, agents: agents, sales: Sales.tierSales)
        for agent in agents where agent.status != .left {
            let income: Double = switch tiers[agent.id]!.tier {
            case .top: 180_000
            case .core: 120_000
            case .general: 72_000
            case .new: 48_000
            }
            try Planning.store(db, agent: agent.code, month: String(clock.today.prefix(7)),
                               targets: ActivityTargets.from(annualIncome: Money(yuan: income), rules: settings.planning))
        }
        try addCampaign(db, first: CivilDay(clock.day(first))!, today: clock.civilToday, summary: &summary)
        let validator = try MobileValidator(pattern: settings.leads.mobilePattern)
        for d in 0..<days {
            let day = clock.adding(days: d, to: first)
            // Mid-period an agent leaves and their customers are handed over, as `roster leave` does.
            if d == days / 2 && days >= 4 {
                try depart(db, settings: settings, clock: floor.clock(day.addingTimeInterval(8 * 3600)), seed: options.seed, summary: &summary)
                agents = try Roster.agents(db)
            }
            for (vendor, index) in arrivals[d] ?? [] {
                let path = try floor.leadFile(vendor, index: index, rows: max(1, options.leads / batches), folder: folder, phoneBase: index * 1_000_003)
                var importOptions = ImportOptions(source: vendor.name)
                importOptions.costPerLead = Money(yuan: vendor.costPerLead)
                let imported = try LeadImporter(settings: settings, clock: floor.clock(day.addingTimeInterval(8 * 3600)))
                    .importFile(db, path: path, options: importOptions)
                for id in try LeadProgress.leadIDs(db, batch: imported.batchID!) { vendorOf[id] = vendor }
                summary.batches += 1
                summary.leads += imported.accepted
            }
            // New hires take the pre-job course in their first five days; passing opens the lead gate.
            for agent in agents where try agent.status == .probation && clock.day(clock.adding(days: 5, to: StoredValue.time(agent.hireDate, clock: clock, table: "agent", column: "hire_date", id: agent.id))) == clock.day(day) {
                try Training.complete(db, course: "PJ01", agent: agent.code, passed: true, score: 70 + Int(random.next() % 30), on: clock.day(day))
            }
            let trained = try Training.passedPreJob(db)
            let morning = day.addingTimeInterval(8.4 * 3600)
            if morning < clock.now {
                try summary.scoring.morning(db, settings: settings, clock: floor.clock(morning), seed: options.seed)
            }
            try floor.simulateDay(db, day: day, until: clock.now, agents: agents, vendorOf: vendorOf, trained: trained, stats: &summary)
            try floor.afterHours(db, day: day, until: clock.now, agents: agents, stats: &summary)
            let evening = day.addingTimeInterval(20.75 * 3600)
            if evening < clock.now {
                try serveCustomers(db, settings: settings, clock: floor.clock(evening), agents: agents, validator: validator, random: &random,
                                   summary: &summary)
            }
            try recruit(db, day: CivilDay(clock.day(day))!, teams: Array(Set(agents.map(\.team))).sorted(), random: &random, summary: &summary)
            progress("floor", Double(d + 1) / Double(days))
        }
        try summary.scoring.measure(db)
    }

    /// A premium campaign over the simulated days of the month the pay desk pays that holds more
    /// of them (last month's, finalised, or this month's to date, the draft), so its rewards are
    /// lines of a pay run whatever the clock: a simulation starting on last month's last day
    /// once gave a campaign of that one day, before any work.
    static func campaignSpan(first: CivilDay, today: CivilDay) -> (from: CivilDay, to: CivilDay) {
        let thisMonth = today.firstOfMonth
        let lastMonth = (from: max(first, thisMonth.adding(months: -1)), to: thisMonth.adding(days: -1))
        guard first < thisMonth, lastMonth.from.days(to: thisMonth) > thisMonth.days(to: today.adding(days: 1)) else {
            return (max(first, thisMonth), today)
        }
        return lastMonth
    }

    static func addCampaign(_ db: Database, first: CivilDay, today: CivilDay, summary: inout Summary) throws {
        let (from, to) = campaignSpan(first: first, today: today)
        try Campaigns.add(db, code: "SPRINT", name: "冲刺月", metric: .premium, from: from, to: to, team: nil, tiers: [
            RewardTier(threshold: 3_000, reward: 100), RewardTier(threshold: 10_000, reward: 300), RewardTier(threshold: 20_000, reward: 800),
        ])
        summary.campaign = "SPRINT (premium, \(from) to \(to))"
    }

    /// The agent with the most customers among those with an active teammate leaves today; the
    /// customers go one by one to the teammate with the fewest (`Departure.leave`, as `roster leave`).
    static func depart(_ db: Database, settings: Settings, clock: Clock, seed: UInt64, summary: inout Summary) throws {
        let agents = try Roster.agents(db)
        // A team lead stays: the override line needs one on each team.
        let leads = Set(try Roster.tenures(db).filter { $0.value.role == .lead }.keys)
        let active = agents.filter { $0.status == .active && !leads.contains($0.id) }
        let counts = try CustomerServicing.customerCounts(db, agents: active.map(\.id))
        let leaver = active.filter { agent in active.contains { $0.team == agent.team && $0.id != agent.id } }
            .max { (counts[$0.id] ?? 0, $1.code) < (counts[$1.id] ?? 0, $0.code) }
        guard let leaver else { return }
        let result = try Departure(settings: settings, clock: clock).leave(db, agent: leaver.code, leftOn: clock.civilToday, to: nil,
                                                                            reason: "demo: moved to another city", seed: seed)
        summary.departure = "\(leaver.code) left on \(clock.civilToday)"
        summary.customersHandedOver = result.customersHandedOver.count
    }

    /// The evening's customer care (seed 003's programmes): servicing agents hold events, send gifts
    /// and information, visit; now and then a satisfied customer refers a friend.
    static func serveCustomers(_ db: Database, settings: Settings, clock: Clock, agents: [Agent], validator: MobileValidator,
                               random: inout SeededRandom, summary: inout Summary) throws {
        let programmes = Programmes(settings: settings, clock: clock)
        let referrals = Referrals(settings: settings, clock: clock, validator: validator)
        let kinds: [TouchKind] = [.event, .gift, .info, .visit]
        for agent in agents where agent.status != .left {
            for customer in try CustomerServicing.customers(db, servedBy: agent.id) {
                if random.chance(0.035) {
                    _ = try programmes.touch(db, customer: customer, kind: kinds[Int(random.next() % 4)], day: nil, note: nil)
                    summary.touches += 1
                }
                // A number taken or on the do-not-call list is refused before anything is written.
                let phone = "1990" + String(format: "%07d", Int(random.next() % 10_000_000))
                if random.chance(0.006),
                   (try? referrals.add(db, customer: customer, name: ChineseNames.random(using: &random), phone: phone, note: "demo")) != nil {
                    summary.referrals += 1
                }
            }
        }
    }

    /// Stage-to-stage pass rates of seed 003's funnel (39 → 21 → 12 → 8 → 7 → 6 → 5 → 4 → 3).
    static let recruitPassRates: [Double] = FunnelMath.conversions([39, 21, 12, 8, 7, 6, 5, 4, 3]).compactMap { $0 }

    /// The recruiting desk's day: up to two candidates sourced from the four channels; each one
    /// waiting moves on, drops out or waits, at seed 003's rates; those who sign join a team on
    /// probation and start the pre-job course.
    static func recruit(_ db: Database, day: CivilDay, teams: [String], random: inout SeededRandom, summary: inout Summary) throws {
        for _ in 0..<Int(random.next() % 3) {
            let roll = random.unit()
            let channel: RecruitChannel = roll < 0.3 ? .referral : roll < 0.75 ? .jobSite : roll < 0.9 ? .campus : .agency
            _ = try Recruiting.add(db, name: ChineseNames.random(using: &random), channel: channel, phone: nil, on: day)
            summary.candidates += 1
        }
        for candidate in try Recruiting.list(db, today: day) where candidate.since < day.description && random.chance(0.4) {
            let stage = try StoredValue.enum(RecruitStage.self, candidate.stage, table: "candidate", column: "stage", id: candidate.id)
            let index = RecruitStage.allCases.firstIndex(of: stage)!
            if random.chance(recruitPassRates[index]) {
                let signing = stage.next == .signed
                    ? Recruiting.Signing(agentCode: String(format: "R%03d", candidate.id), team: teams[Int(random.next() % UInt64(teams.count))])
                    : nil
                _ = try Recruiting.advance(db, candidate: candidate.id, on: day, signing: signing)
                if signing != nil { summary.signed += 1 }
            } else {
                let reasons = ["另有工作", "薪资预期不符", "测评未通过", "面试未通过", "家人反对", "失联"]
                try Recruiting.drop(db, candidate: candidate.id, reason: reasons[Int(random.next() % UInt64(reasons.count))], on: day)
            }
        }
    }

    static func seatPrefix(_ team: String) -> String {
        let index = teamNames.firstIndex(of: team) ?? 0
        return String(UnicodeScalar(UInt8(ascii: "A") + UInt8(index % 26)))
    }

    /// Agents of every tier: a few top sellers, a core, a general middle, new hires, some on
    /// probation and one who has left.
    static func makeRoster(agents count: Int, clock: Clock, random: inout SeededRandom) -> RosterFile {
        let teamCount = max(1, min(teamNames.count, (count + 7) / 8))
        var rows: [RosterRow] = []
        var seatsUsed: [String: Int] = [:]
        for i in 0..<max(1, count) {
            let team = teamNames[i % teamCount]
            let share = Double(i) / Double(max(1, count))
            // Tiers by share of the floor: 10% top, 25% core, 40% general, 25% new hires.
            let (tier, tenureDays): (Tier?, Int) =
                share < 0.10 ? (.top, 400 + Int(random.next() % 600))
                : share < 0.35 ? (.core, 200 + Int(random.next() % 500))
                : share < 0.75 ? (.general, 60 + Int(random.next() % 300))
                : (nil, 3 + Int(random.next() % 25))
            let hired = clock.adding(days: -tenureDays, to: clock.now)
            var status: AgentStatus = tier == nil ? .probation : .active
            if i == count - 1 && count >= 10 { status = .left }
            var row = RosterRow(
                line: i + 2, code: String(format: "A%03d", i + 1),
                name: ChineseNames.random(using: &random), team: team, hireDate: clock.day(hired))
            row.tier = tier
            row.status = status
            // The first agent of each team (a top seller) leads it: pay gives them the override (管理津贴).
            if i < teamCount && status != .left { row.role = .lead }
            if status != .left {
                let n = seatsUsed[team, default: 0] + 1
                seatsUsed[team] = n
                row.seat = String(format: "%@-%02d", seatPrefix(team), n)
            }
            rows.append(row)
        }
        return RosterFile(rows: rows, hasSeatColumn: true)
    }
}
