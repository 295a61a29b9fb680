import CallOpsCore
import CallOpsStore
import Foundation
import GRDB
import Roster

/// `callops demo`: a believable center built through the real modules, deterministic for a seed.
public enum DemoCenter {
    /// How big a center to build.
    public struct Options: Sendable {
        public var seed: UInt64 = 7
        public var agents = 40
        public var leads = 6_000
        public var days = 30

        public init(seed: UInt64 = 7, agents: Int = 40, leads: Int = 6_000, days: Int = 30) {
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
    }

    /// The team names of the floor.
    static let teamNames = ["一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组", "九组", "十组"]

    /// Builds the center into `db`, which must be new (the caller makes a fresh file).
    public static func build(
        _ db: AppDatabase, options: Options, settings: Settings, clock: Clock,
        progress: (String, Double) -> Void = { _, _ in }
    ) throws -> Summary {
        var random = SeededRandom(seed: options.seed)
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
            let agents = try Roster.agents(db)
            summary.agents = agents.count
            summary.teams = try Roster.teams(db).count
            summary.seats = try Roster.seatCounts(db).seats
            for agent in agents where agent.status != .left {
                summary.agentsByTier[agent.tier(clock: clock, rules: settings.roster), default: 0] += 1
            }
            return summary
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
