import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import LeadData
import Roster

/// A lead vendor of the demo: how good and how dear its names are.
struct Vendor {
    var name: String
    var costPerLead: Double
    /// Share of rows in the target profile (grade A material).
    var targetShare: Double
    /// Multiplies the chance that a call is answered.
    var reach: Double
    /// Multiplies the chance that a contact buys.
    var appetite: Double
    /// Share of broken rows: bad numbers, repeats.
    var junk: Double
}

/// Simulates the floor day by day through the real modules: recycling and allocation each
/// morning, each agent working the next-call queue in slots through the day, with contact and
/// conversion rates calibrated on the real campaigns in `../shared/data/README.md` (about half
/// the calls answered, talk time around 4 minutes, conversion falling with each call).
struct FloorSimulation {
    let settings: Settings
    let zone: TimeZone
    var random: SeededRandom

    static let vendors = [
        Vendor(name: "平安合作渠道", costPerLead: 3.0, targetShare: 0.55, reach: 1.1, appetite: 1.3, junk: 0.03),
        Vendor(name: "数据供应商甲", costPerLead: 1.2, targetShare: 0.35, reach: 0.95, appetite: 1.0, junk: 0.08),
        Vendor(name: "低价名单", costPerLead: 0.4, targetShare: 0.15, reach: 0.75, appetite: 0.6, junk: 0.2),
    ]

    /// Call slots of a working day, inside the calling windows.
    static let slots = ["09:10", "10:20", "11:20", "13:40", "15:00", "16:20", "17:40", "19:00"]

    /// How much a tier sells, relative to the floor.
    static func skill(_ tier: Tier) -> Double {
        switch tier {
        case .top: 1.7
        case .core: 1.25
        case .general: 0.85
        case .new: 0.6
        }
    }

    func clock(_ date: Date) -> Clock { Clock(now: date, timeZone: zone) }

    /// Writes a vendor's lead file of `rows` rows into `folder` and returns its path.
    mutating func leadFile(_ vendor: Vendor, index: Int, rows: Int, folder: URL, phoneBase: Int) throws -> String {
        var text = "手机号,姓名,性别,年龄,年收入,职业,婚姻状况,子女数,城市\n"
        let jobs = ["教师", "工程师", "经理", "会计", "护士", "个体户", "销售", "司机", "学生", "自由职业"]
        let cities = ["上海", "杭州", "苏州", "南京", "宁波", "合肥"]
        for i in 0..<rows {
            let target = random.chance(vendor.targetShare)
            var phone = String(format: "1%@%08d", ["39", "58", "86", "37", "50"][Int(random.next() % 5)], (phoneBase + i) % 100_000_000)
            if random.chance(vendor.junk) {
                phone = random.chance(0.5) ? String(phone.prefix(10)) : String(format: "139%08d", (phoneBase + max(0, i - 1)) % 100_000_000)
            }
            let age = target ? 25 + Int(random.next() % 26) : 18 + Int(random.next() % 50)
            let income = target ? 80_000 + Int(random.next() % 25) * 10_000 : Int(random.next() % 12) * 10_000
            let job = target ? jobs[Int(random.next() % 5)] : jobs[Int(random.next() % UInt64(jobs.count))]
            let married = target ? random.chance(0.85) : random.chance(0.4)
            let children = married ? Int(random.next() % 3) : 0
            text += "\(phone),\(ChineseNames.random(using: &random)),\(random.chance(0.5) ? "男" : "女"),\(age),\(income == 0 ? "" : String(income)),\(job),\(married ? "已婚" : "未婚"),\(children),\(cities[Int(random.next() % UInt64(cities.count))])\n"
        }
        let path = folder.appendingPathComponent("batch-\(index)-\(vendor.name).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The talk time of a contact: log-normal around a median of about 230 s.
    mutating func talkSeconds(median: Double) -> Int {
        let u1 = max(random.unit(), 1e-12), u2 = random.unit()
        let normal = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        return max(15, Int(median * exp(0.55 * normal)))
    }

    /// One working day of every agent, from the morning's recycling and allocation to the evening's last calls.
    mutating func simulateDay(_ db: Database, day: Date, until now: Date, agents: [Agent], vendorOf: [Int64: Vendor], trained: Set<String>,
                              stats: inout DemoCenter.Summary) throws {
        let morning = day.addingTimeInterval(8.5 * 3600)
        guard morning < now else { return }
        _ = try Recycler(settings: settings, clock: clock(morning)).recycle(db)
        var options = AllocationOptions()
        options.seed = random.next()
        options.trainedProbationers = trained
        _ = try Allocator(settings: settings, clock: clock(morning), sales: Sales.tierSales).allocate(db, options: options)
        let catalog = settings.products
        // The day's tiers, resolved once: a tier is a day's, not a slot's.
        let tiers = try Roster.tiers(db, on: clock(morning).civilToday, rules: settings.roster, agents: agents, sales: Sales.tierSales)
        for slot in Self.slots {
            let parts = slot.split(separator: ":").compactMap { Double($0) }
            let at = day.addingTimeInterval(parts[0] * 3600 + parts[1] * 60)
            // Today's simulation stops at the clock: the rest of the day has not happened yet.
            guard at.addingTimeInterval(3600) < now else { break }
            let slotClock = clock(at)
            let queue = NextCallQueue(settings: settings, clock: slotClock)
            let recorder = try CallRecorder(settings: settings, clock: slotClock)
            for agent in agents where agent.status != .left {
                // An agent gets through six to eight calls a slot.
                let entries = try queue.entries(db, agent: agent.code, limit: 6 + Int(random.next() % 3))
                let skill = Self.skill(tiers[agent.id]!.tier)
                for (k, entry) in entries.enumerated() {
                    let callAt = at.addingTimeInterval(Double(k) * 420 + Double(random.next() % 120))
                    let lead = try LeadProgress.lead(db, id: entry.leadID)!
                    let vendor = vendorOf[entry.leadID] ?? Self.vendors[1]
                    let (disposition, talk, callback, sale) = decide(entry: entry, lead: lead, vendor: vendor, skill: skill, at: callAt, catalog: catalog)
                    let input = CallInput(callID: "demo-\(agent.code)-\(entry.leadID)-\(Int(callAt.timeIntervalSince1970))", agentCode: agent.code,
                                          leadID: entry.leadID, startedAt: callAt, talkSeconds: talk, disposition: disposition,
                                          callbackAt: callback, sale: sale)
                    if case .recorded = try recorder.record(db, input) {
                        stats.calls += 1
                        if sale != nil { stats.sales += 1 }
                    }
                }
            }
        }
    }

    /// The evening: a few customers cancel in free-look; a few satisfied ones take the family
    /// cover their agent offers (cross-sell).
    mutating func afterHours(_ db: Database, day: Date, until now: Date, agents: [Agent], stats: inout DemoCenter.Summary) throws {
        let evening = day.addingTimeInterval(20.5 * 3600)
        guard evening < now else { return }
        let sales = Sales(settings: settings, clock: clock(evening))
        let soldFrom = clock(evening).timestamp(day.addingTimeInterval(-3 * 86_400))
        let soldTo = clock(evening).timestamp(day.addingTimeInterval(-2 * 86_400))
        for policy in try sales.policies(db, soldFrom: soldFrom, soldTo: soldTo) where random.chance(0.06) {
            try sales.cancel(db, policy: policy.id, reason: random.chance(0.5) ? "家人反对" : "预算紧张")
            stats.cancellations += 1
        }
        // The operations desk sends out policies: most reach the customer within a week, a few late.
        let renewals = Renewals(settings: settings, clock: clock(evening))
        let today = clock(evening).civilToday
        for policy in try renewals.undelivered(db, soldBefore: today) where random.chance(0.35) {
            try renewals.deliver(db, policy: policy.policyID, on: today)
        }
        let households = Households(settings: settings, clock: clock(evening))
        for agent in agents where agent.status != .left {
            var seen = Set<Int64>()
            for offer in try households.queue(db, agent: agent.code) where offer.rank == 1 && seen.insert(offer.leadID).inserted && random.chance(0.02) {
                let lead = try LeadProgress.lead(db, id: offer.leadID)!
                let product = settings.products.first { $0.code == offer.product }!
                let insured = Insured(rawValue: offer.member) ?? .spouse
                let sale = SaleInput(product: product.code, premium: Money(yuan: product.typicalPremium), insured: insured,
                                     insuredAge: offer.memberAge)
                _ = try sales.create(db, lead: lead, agent: agent, sale: sale, at: evening.addingTimeInterval(-3600))
                stats.crossSales += 1
            }
        }
    }

    /// What happens on one call: answered or not, and how far the customer comes.
    mutating func decide(entry: QueueEntry, lead: LeadProgress.Snapshot, vendor: Vendor, skill: Double, at: Date,
                         catalog: [Product]) -> (Disposition, Int, Date?, SaleInput?) {
        // Stabilisation, renewal reminders and programme calls reach a customer who knows the agent.
        if entry.reason == .stabilize || entry.reason == .renewal || entry.reason == .programme {
            return random.chance(0.8) ? (.connected, talkSeconds(median: 150), nil, nil) : (.noAnswer, 0, nil, nil)
        }
        // Answer rates fall with each unanswered try; bad numbers show on the first.
        if lead.attempts == 0 && random.chance(0.04 / vendor.reach) { return (.invalidNumber, 0, nil, nil) }
        let reach = 0.55 * vendor.reach * pow(0.9, Double(lead.unanswered))
        guard random.chance(reach) else { return (random.chance(0.8) ? .noAnswer : .busy, 0, nil, nil) }
        let propensity = Self.buyerPropensity(age: lead.age, incomeFen: lead.incomeFen, children: lead.children, married: lead.married)
        let stage = Stage(rawValue: lead.stage) ?? .new
        // Conversion falls with each call made (Bank Marketing: 14.6% on the first, 4% past ten).
        let fatigue = pow(0.88, Double(lead.followUps))
        let appetite = vendor.appetite * propensity * skill * fatigue
        if random.chance(0.01) { return (.dnc, talkSeconds(median: 40), nil, nil) }
        switch stage {
        case .new:
            if random.chance(0.12 / vendor.appetite) { return (.refused, talkSeconds(median: 60), nil, nil) }
            if random.chance(0.08) { return (.callback, talkSeconds(median: 90), at.addingTimeInterval(Double(1 + random.next() % 3) * 86_400), nil) }
            return random.chance(0.2 * appetite) ? (.interested, talkSeconds(median: 240), nil, nil) : (.connected, talkSeconds(median: 150), nil, nil)
        case .connected:
            if random.chance(0.15) { return (.refused, talkSeconds(median: 60), nil, nil) }
            return random.chance(0.12 * appetite) ? (.interested, talkSeconds(median: 230), nil, nil) : (.connected, talkSeconds(median: 150), nil, nil)
        case .interested, .proposal:
            if random.chance((stage == .proposal ? 0.16 : 0.05) * appetite) {
                return (.sale, talkSeconds(median: 600), nil, sale(for: lead, catalog: catalog))
            }
            if random.chance(0.12) { return (.refused, talkSeconds(median: 80), nil, nil) }
            if stage == .interested && random.chance(0.3) { return (.proposal, talkSeconds(median: 420), nil, nil) }
            if random.chance(0.1) { return (.callback, talkSeconds(median: 120), at.addingTimeInterval(Double(1 + random.next() % 2) * 86_400), nil) }
            return (stage == .proposal ? .proposal : .interested, talkSeconds(median: 260), nil, nil)
        }
    }

    /// How much likelier than the floor's average a contact is to buy, from what the lead file
    /// says, shaped like real protection buyers rather than like the rule grades: the odds climb
    /// with income step by step (the grades only ask for 50,000), peak in the family years of 30
    /// to 45 (the grades take 25 to 50 flat) and with children more than with marriage alone.
    static func buyerPropensity(age: Int?, incomeFen: Int64?, children: Int?, married: Bool?) -> Double {
        var logOdds = 0.0
        if let fen = incomeFen {
            let income = Double(fen) / 100
            logOdds += income >= 200_000 ? 1.0 : income >= 120_000 ? 0.6 : income >= 50_000 ? 0.2 : -0.1
        } else {
            logOdds -= 0.3
        }
        if let age {
            logOdds += (30...45).contains(age) ? 0.5 : age < 25 ? -0.7 : age > 55 ? -0.5 : 0
        }
        if let children, children > 0 { logOdds += 0.5 }
        if married == true { logOdds += 0.1 }
        return exp(logOdds - 0.5)
    }

    /// The first policy a customer buys: accident cover for most, critical illness for some,
    /// paid yearly or monthly.
    mutating func sale(for lead: LeadProgress.Snapshot, catalog: [Product]) -> SaleInput {
        let age = lead.age ?? 35
        let wanted = random.chance(0.55) ? "ACC01" : random.chance(0.6) ? "CI01" : random.chance(0.5) ? "MED01" : "LIFE01"
        let product = catalog.first { $0.code == wanted && ($0.minAge...$0.maxAge).contains(age) }
            ?? catalog.first { ($0.minAge...$0.maxAge).contains(age) && $0.line != "education" }!
        let premium = product.typicalPremium * (0.6 + random.unit() * 0.9)
        // A third pay monthly (a twelfth each month), which is what the renewals desk collects first.
        return SaleInput(product: product.code, premium: Money(yuan: (premium / 10).rounded() * 10), insured: .self, insuredAge: age,
                         monthly: random.chance(0.35))
    }
}
