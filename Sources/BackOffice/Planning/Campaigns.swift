import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import Roster

/// What an incentive campaign (激励方案) counts.
public enum CampaignMetric: String, Codable, CaseIterable, Sendable {
    case premium, policies
    case effectiveCalls = "effective_calls"
    case activeDays = "active_days"
}

/// A reward tier: reach `threshold` of the metric, earn `reward` yuan.
public struct RewardTier: Codable, Equatable, Sendable {
    public var threshold: Double
    public var reward: Double

    public init(threshold: Double, reward: Double) {
        self.threshold = threshold
        self.reward = reward
    }

    /// `THRESHOLD:REWARD`, such as `50000:800`: plain decimals (`DecimalText`), a threshold above 0
    /// and a reward from 0, both up to 100,000,000 (yuan for money, a count otherwise); a count
    /// metric's threshold is whole (`Campaigns.add` checks that, knowing the metric); the reward
    /// is yuan with at most 2 decimals (fen), never rounded.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let threshold = DecimalText.parse(String(parts[0])), let reward = DecimalText.parse(String(parts[1])),
              DecimalText.fractionDigits(String(parts[1])) <= 2, threshold > 0, threshold <= Money.maximumYuan, reward <= Money.maximumYuan else { return nil }
        self.init(threshold: threshold, reward: reward)
    }
}

/// One agent's place in a campaign.
public struct Standing: Encodable, Equatable, Sendable {
    public var rank: Int
    public var agentCode: String
    public var name: String
    public var team: String
    public var value: Double
    /// The highest tier reached (1 = the lowest threshold), nil when none.
    public var tier: Int?
    public var reward: Double
    /// How much more reaches the next tier, nil at the top one.
    public var toNextTier: Double?

    enum CodingKeys: String, CodingKey {
        case rank, name, team, value, tier, reward
        case agentCode = "agent_code"
        case toNextTier = "to_next_tier"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rank, forKey: .rank)
        try c.encode(agentCode, forKey: .agentCode)
        try c.encode(name, forKey: .name)
        try c.encode(team, forKey: .team)
        try c.encode(value, forKey: .value)
        try c.encode(tier, forKey: .tier)
        try c.encode(reward, forKey: .reward)
        try c.encode(toNextTier, forKey: .toNextTier)
    }
}

/// A campaign's standings.
public struct CampaignStandings: Encodable, Equatable, Sendable {
    public var code: String
    public var name: String
    public var metric: CampaignMetric
    public var from: String
    public var to: String
    public var scope: String
    public var tiers: [RewardTier]
    public var standings: [Standing]
    public var rewards: Double
}

/// Incentive campaigns: a metric, a period, a team or the whole center, reward tiers.
public enum Campaigns {
    public static let migrations: [Migration] = Planning.migrations + [
        Migration("campaigns.v1") { db in
            try db.execute(sql: """
                CREATE TABLE campaign (
                    id INTEGER PRIMARY KEY,
                    code TEXT NOT NULL UNIQUE CHECK (code <> ''),
                    name TEXT NOT NULL,
                    metric TEXT NOT NULL CHECK (metric IN ('premium', 'policies', 'effective_calls', 'active_days')),
                    from_day TEXT NOT NULL,
                    to_day TEXT NOT NULL CHECK (to_day >= from_day),
                    team_id INTEGER REFERENCES team(id),
                    -- [{"threshold", "reward"}], thresholds rising.
                    tiers TEXT NOT NULL
                );
                """)
        },
        // The CHECKs' IN lists as equalities, which SQLite tests in place (measured in
        // `CheckConstraints.writeEqualities`).
        Migration("campaigns.check-equalities", changesRows: false) { db in
            try CheckConstraints.writeEqualities(db, tables: ["campaign"])
        },
    ]

    /// Ranks with ties sharing a rank and the next rank skipped (1, 2, 2, 4): pure.
    public static func ranks(_ values: [Double]) -> [Int] {
        values.map { value in 1 + values.filter { $0 > value }.count }
    }

    /// The highest tier `value` reaches (1-based) and what more reaches the next: pure.
    public static func tier(of value: Double, tiers: [RewardTier]) -> (tier: Int?, reward: Double, toNext: Double?) {
        let reached = tiers.lastIndex { value >= $0.threshold }
        let next = tiers.first { value < $0.threshold }
        return (reached.map { $0 + 1 }, reached.map { tiers[$0].reward } ?? 0, next.map { $0.threshold - value })
    }

    public static func add(_ db: Database, code: String, name: String, metric: CampaignMetric, from: CivilDay, to: CivilDay,
                           team: String?, tiers: [RewardTier]) throws {
        if try CampaignRecord.filter(CampaignRecord.Columns.code == code).isEmpty(db) == false {
            throw CallOpsError.refused("campaign \(code) exists already; choose another code")
        }
        guard to >= from else { throw CallOpsError.invalidValue(field: "--to", value: to.description, expected: "a day on or after --from (\(from))") }
        guard !tiers.isEmpty else { throw CallOpsError.invalidValue(field: "--tier", value: "", expected: "at least one THRESHOLD:REWARD, such as 50000:800") }
        // The tiers are stored and read back by every pay run: one out of range here became a
        // campaign line of Int64.max fen and overflowed the SUMs of pay_line afterwards.
        for tier in tiers {
            let text = "\(Render.number(tier.threshold, digits: 2)):\(Render.number(tier.reward, digits: 2))"
            guard tier.threshold > 0, tier.threshold <= Money.maximumYuan, tier.reward >= 0, tier.reward <= Money.maximumYuan,
                  metric == .premium || tier.threshold == tier.threshold.rounded() else {
                throw CallOpsError.invalidValue(field: "--tier", value: text, expected: metric == .premium
                    ? "THRESHOLD:REWARD with a threshold above 0 and a reward from 0, both up to 100,000,000 yuan"
                    : "THRESHOLD:REWARD with a whole threshold from 1 to \(InputRange.maximumCount) \(metric.rawValue) and a reward from 0 up to 100,000,000 yuan")
            }
        }
        let sorted = tiers.sorted { $0.threshold < $1.threshold }
        guard Set(sorted.map(\.threshold)).count == sorted.count, zip(sorted, sorted.dropFirst()).allSatisfy({ $0.reward <= $1.reward }) else {
            throw CallOpsError.invalidValue(field: "--tier", value: tiers.map { "\($0.threshold):\($0.reward)" }.joined(separator: " "),
                                            expected: "distinct thresholds whose rewards do not fall as the threshold rises")
        }
        var teamID: Int64?
        if let team {
            guard let id = try Roster.teamID(db, name: team) else {
                throw CallOpsError.notFound(kind: "team", key: team, hint: "the teams are \(try Roster.teams(db).joined(separator: ", "))")
            }
            teamID = id
        }
        var record = try CampaignRecord(code: code, name: name, metric: metric, from: from, to: to, teamID: teamID, tiers: sorted)
        try record.insert(db)
    }

    /// The standings now: every agent in scope on the roster on the campaign's last day (hired by
    /// it, not yet away: a departure after the campaign, or a hire, changes nothing), by the metric
    /// over the campaign's days up to today. Pay rewards a campaign by these standings on its last day.
    public static func standings(_ db: Database, code: String, today: CivilDay) throws -> CampaignStandings {
        guard let record = try CampaignRecord.filter(CampaignRecord.Columns.code == code).fetchOne(db) else {
            throw CallOpsError.notFound(kind: "campaign", key: code, hint: "campaigns are added with `callops plan campaign add`")
        }
        try Sales.verifyAggregatedColumns(db)  // standings SUM policy money: a text amount would read as 0
        let (metric, firstDay, lastDay, tiers) = try record.decoded()
        let from = firstDay.description
        let until = min(lastDay, today).adding(days: 1).description
        let team = try record.teamID.map { try Roster.teamName(db, id: $0) }
        let agents = try Roster.agents(db, team: team, employedOn: lastDay)
        var values: [Int64: Double] = [:]
        switch metric {
        case .premium, .policies:
            for (id, a) in try ActivityFigures.salesPerAgent(db, from: from, to: until) {
                values[id] = metric == .premium ? a.premium.yuan : Double(a.sales)
            }
        case .effectiveCalls:
            for (id, a) in try ActivityFigures.perAgent(db, from: from, to: until) { values[id] = Double(a.effectiveCalls) }
        case .activeDays:
            for (id, days) in try ActivityFigures.sellingDays(db, from: from, to: until) { values[id] = Double(days) }
        }
        let ordered = agents.map { ($0, values[$0.id] ?? 0) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.code < $1.0.code }
        let ranks = ranks(ordered.map(\.1))
        let standings = zip(ordered, ranks).map { entry, rank in
            let (tier, reward, toNext) = tier(of: entry.1, tiers: tiers)
            return Standing(rank: rank, agentCode: entry.0.code, name: entry.0.name, team: entry.0.team, value: entry.1, tier: tier,
                            reward: reward, toNextTier: toNext)
        }
        return CampaignStandings(code: code, name: record.name, metric: metric, from: from, to: record.toDay, scope: team ?? "center",
                                 tiers: tiers, standings: standings, rewards: standings.reduce(0) { $0 + $1.reward })
    }
}

extension Standing: TabularRow {
    public static var blank: Standing { Standing(rank: 0, agentCode: "", name: "", team: "", value: 0, tier: 0, reward: 0, toNextTier: 0) }
}

extension RewardTier: TabularRow {
    public static var blank: RewardTier { RewardTier(threshold: 0, reward: 0) }
}
