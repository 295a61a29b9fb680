import CallOpsCore
import CallOpsStore
import Foundation
import Roster

/// How to share out the pool.
public struct AllocationOptions: Sendable {
    public enum Strategy: String, Sendable, CaseIterable { case weighted, even }

    public var batch: Int64?
    public var team: String?
    /// nil: the config's strategy.
    public var strategy: Strategy?
    /// nil: a seed drawn from the day, so ties rotate from one day to the next.
    public var seed: UInt64?
    public var dryRun = false
    /// Probation agents who have passed the pre-job course (the training gate lets them in).
    public var trainedProbationers: Set<String> = []
    /// Whether the lead indexes the move changes are built again after it instead of changed
    /// lead by lead; nil: as `Allocator.rebuildsIndexes` decides (tests set it).
    var rebuildingIndexes: Bool?

    public init() {}
}

/// What an allocation did, per agent, and what it left and why.
public struct AllocationResult: Encodable, Equatable, Sendable {
    public struct AgentLine: TabularRow, Equatable, Sendable {
        /// The columns of an allocation with no agents (its CSV keeps its header).
        public static var blank: AgentLine {
            AgentLine(agentCode: "", team: "", tier: .new, capacity: 0, allocated: 0,
                      grades: Dictionary(uniqueKeysWithValues: LeadGrade.allCases.map { ($0.rawValue, 0) }))
        }

        public var agentCode: String
        public var team: String
        public var tier: Tier
        public var capacity: Int
        public var allocated: Int
        public var grades: [String: Int]

        enum CodingKeys: String, CodingKey {
            case agentCode = "agent_code"
            case team, tier, capacity, allocated, grades
        }
    }

    public var allocated = 0
    public var unallocated = 0
    /// Why leads were left: `no_capacity`, `no_eligible_agent`, `previous_owner_lock`.
    public var unallocatedReasons: [String: Int] = [:]
    public var agents: [AgentLine] = []
    public var strategy: String
    public var seed: UInt64
    public var dryRun: Bool

    enum CodingKeys: String, CodingKey {
        case allocated, unallocated, agents, strategy, seed
        case unallocatedReasons = "unallocated_reasons"
        case dryRun = "dry_run"
    }
}

/// One agent as allocation sees them: room, weight and the grades they may take first.
struct AllocationSeat {
    var agentID: Int64
    var code: String
    var team: String
    var tier: Tier
    var capacity: Int
    var weight: Double
    var protectedQuota: Bool
    var share = 0
    var grades: [LeadGrade: Int] = [:]
}

/// `callops leads allocate` (SPEC section 5): the pool to the floor, within capacity, fairly.
public struct Allocator {
    let settings: Settings
    let clock: Clock
    /// The tier's sales, which LeadData cannot read (FollowUp's `Sales.tierSales`).
    let sales: TierSales

    public init(settings: Settings, clock: Clock, sales: @escaping TierSales) {
        self.settings = settings
        self.clock = clock
        self.sales = sales
    }

    /// Allocates in one transaction (rolled back for a dry run), without foreign key checks:
    /// every lead it writes (the lead's row, its ledger line) is a pool lead and every agent (the
    /// lead's holder, its ledger line and grant) a roster agent it read in this same
    /// transaction, which holds the write lock from its start, so none can be deleted meanwhile;
    /// allocation deletes nothing. The checks re-proved that for every lead (its `agent_id`, its
    /// ledger line's `lead_id` and `agent_id`): 1.0–2.3 s of CPU a run at 1,000,000 leads
    /// (2026-11-30, six alternating rounds, load 3.6–8). `allocate` alone (the nightly batch,
    /// the demo) runs in its caller's transaction, with the checks.
    public func run(_ db: AppDatabase, options: AllocationOptions, progress: ProgressBar? = nil) throws -> AllocationResult {
        let result = try db.transaction(dryRun: options.dryRun, checkingForeignKeys: false) { db in
            try allocate(db, options: options, progress: progress)
        }
        progress?.finish()
        return result
    }

    /// The seed of a run: the one given, else one drawn from the day.
    public func seed(_ options: AllocationOptions) -> UInt64 {
        if let seed = options.seed { return seed }
        var hasher = SHA256()
        hasher.update(Array("allocate \(clock.today)".utf8))
        return UInt64(hasher.hexDigest().prefix(16), radix: 16)!
    }

    /// The allocation itself, inside the caller's transaction.
    /// - Parameters:
    ///   - progress: shown on a terminal (SPEC section 3: allocation is long work).
    public func allocate(_ db: Database, options: AllocationOptions, progress: ProgressBar? = nil) throws -> AllocationResult {
        let rules = settings.leads.allocation
        let strategy = options.strategy ?? AllocationOptions.Strategy(rawValue: rules.strategy) ?? .weighted
        let seed = seed(options)
        var random = SeededRandom(seed: seed)
        var result = AllocationResult(strategy: strategy.rawValue, seed: seed, dryRun: options.dryRun)
        if let batch = options.batch, try !LeadBatchRecord.exists(db, key: batch) {
            throw CallOpsError.notFound(kind: "batch", key: String(batch), hint: "see `callops leads stats` for batch ids")
        }
        let eligible = try eligibleSeats(db, options: options, strategy: strategy)
        var seats = eligible.filter { $0.capacity > 0 }
        let leads = try poolLeads(db, batch: options.batch)
        progress?.update(20)
        guard !leads.isEmpty else { return result }
        guard !seats.isEmpty else {
            // Eligible agents who are all full leave the leads for lack of capacity, not of agents.
            result.unallocated = leads.count
            result.unallocatedReasons[eligible.isEmpty ? "no_eligible_agent" : "no_capacity"] = leads.count
            return result
        }
        // Ties go by seeded keys drawn in agent-code order: never by who was created first.
        let tieKeys = seats.map { _ in random.next() }
        let totalRoom = seats.reduce(0) { $0 + $1.capacity }
        var remaining = min(leads.count, totalRoom)
        // New hires first get their protected fixed quota.
        for i in seats.indices where seats[i].protectedQuota {
            let share = min(seats[i].capacity, remaining)
            seats[i].share = share
            remaining -= share
        }
        let open = seats.indices.filter { !seats[$0].protectedQuota }
        let shares = Apportionment.largestRemainder(
            total: remaining, weights: open.map { strategy == .even ? 1 : seats[$0].weight },
            capacities: open.map { seats[$0].capacity }, tieBreak: open.map { tieKeys[$0] })
        for (k, i) in open.enumerated() { seats[i].share = shares[k] }
        // Weighted: A-grade leads go first to `core` and `top` agents up to their room (SPEC
        // section 5). When their weighted shares hold fewer places than there are A-grade leads,
        // their shares grow to take them (by weight among them) and the others share the rest.
        if strategy == .weighted {
            let preferredTiers = Set(rules.gradeATiers.compactMap(Tier.init(rawValue:)))
            let preferred = open.filter { preferredTiers.contains(seats[$0].tier) }
            let others = open.filter { !preferredTiers.contains(seats[$0].tier) }
            let weightedTotal = preferred.reduce(0) { $0 + seats[$1].share }
            let routed = min(leads.count(where: { $0.grade == .A }), remaining, preferred.reduce(0) { $0 + seats[$1].capacity })
            if routed > weightedTotal {
                for (group, total) in [(preferred, routed), (others, remaining - routed)] {
                    let groupShares = Apportionment.largestRemainder(
                        total: total, weights: group.map { seats[$0].weight }, capacities: group.map { seats[$0].capacity },
                        tieBreak: group.map { tieKeys[$0] })
                    for (k, i) in group.enumerated() { seats[i].share = groupShares[k] }
                }
            }
        }

        let assignments = assign(leads: leads, seats: &seats, tieKeys: tieKeys, result: &result)
        progress?.update(40)
        let rebuilding = try options.rebuildingIndexes ?? Self.rebuildsIndexes(moving: assignments.count, leads: Self.leadIDSpan(db))
        try write(db, assignments: assignments, seats: seats, strategy: strategy, rebuildingIndexes: rebuilding, progress: progress)
        result.allocated = assignments.count
        result.unallocated = leads.count - assignments.count
        if result.unallocated > 0 {
            let locked = leads.count - assignments.count - max(0, leads.count - totalRoom)
            if locked > 0 { result.unallocatedReasons["previous_owner_lock"] = locked }
            if leads.count > totalRoom { result.unallocatedReasons["no_capacity"] = leads.count - totalRoom }
        }
        result.agents = seats.map { seat in
            AllocationResult.AgentLine(
                agentCode: seat.code, team: seat.team, tier: seat.tier, capacity: seat.capacity,
                allocated: seat.grades.values.reduce(0, +),
                grades: Dictionary(uniqueKeysWithValues: LeadGrade.allCases.map { ($0.rawValue, seat.grades[$0, default: 0]) }))
        }
        return result
    }

    struct PoolLead {
        var id: Int64
        var grade: LeadGrade
        var lockedAgent: Int64?
        /// A recycled lead's former holders: it goes to an agent who has never held it (SPEC section 5).
        var formerHolders: Set<Int64> = []

        func mayGo(to agent: Int64) -> Bool { agent != lockedAgent && !formerHolders.contains(agent) }
    }

    /// The pool's query in `order` (`?1` the time, `?2` a batch or NULL). By grade it walks
    /// `lead_pool` in its own order, without a sort (`LeadDataSchema.poolOrderMigration`).
    static func poolSQL(order: String) -> String {
        """
        SELECT id, grade, CASE WHEN locked_until > ?1 THEN locked_agent_id END AS locked_agent_id, recycle_count > 0
        FROM lead WHERE status = 'pool' AND (?2 IS NULL OR batch_id = ?2)
        ORDER BY \(order)
        """
    }

    /// The pool, A before B before C, newest batch first (or by expected premium: `LeadRanking`).
    func poolLeads(_ db: Database, batch: Int64?) throws -> [PoolLead] {
        let now = clock.nowTimestamp
        var leads: [PoolLead] = []
        // A statement read column by column: this loop reads every pool lead (a million in the
        // benchmark), and GRDB's rows cost about 0.3 s more there (generic decoding per value).
        let rows = try BulkStatement(db, sql: Self.poolSQL(order: try LeadRanking.poolOrder(db, settings: settings)))
        rows.bind(1, now)
        rows.bind(2, batch)
        // Recycled leads (few) by id, to look up who held them.
        var recycled: [Int64: Int] = [:]
        while try rows.nextRow() {
            guard let id = rows.int64(0) else { continue }
            if rows.int64(3) ?? 0 != 0 { recycled[id] = leads.count }
            let lockedAgent: Int64?
            if rows.isInteger(2) {
                lockedAgent = rows.int64(2)
            } else if let text = rows.text(2) {
                rows.reset()
                throw StoredValueError(table: "lead", row: String(id), column: "locked_agent_id", value: text, expected: "an integer")
            } else {
                lockedAgent = nil
            }
            let grade = rows.text(1) ?? ""
            guard let known = LeadGrade(rawValue: grade) else {
                rows.reset()
                _ = try StoredValue.enum(LeadGrade.self, grade, table: "lead", column: "grade", id: id)
                continue
            }
            leads.append(PoolLead(id: id, grade: known, lockedAgent: lockedAgent))
        }
        let ids = Array(recycled.keys)
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let holders = try Row.fetchCursor(db, sql: """
                SELECT lead_id, agent_id, id FROM lead_ledger
                WHERE event = 'assigned' AND agent_id IS NOT NULL AND lead_id IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ",")))
                """, arguments: StatementArguments(chunk))
            while let row = try holders.next() {
                if let i = recycled[row[0]] { leads[i].formerHolders.insert(try StoredValue.int64(row, "agent_id", table: "lead_ledger")) }
            }
        }
        return leads
    }

    /// Agents who may take leads now, with their room for this run (0 when full) and their weight.
    func eligibleSeats(_ db: Database, options: AllocationOptions, strategy: AllocationOptions.Strategy) throws -> [AllocationSeat] {
        let rules = settings.leads.allocation
        // Only agents hired by today: a future hire on the roster gets no leads before the hire date.
        let agents = try Roster.agents(db, team: options.team, hiredBy: clock.civilToday).filter { agent in
            switch agent.status {
            case .active: true
            case .probation: !rules.trainingGate || options.trainedProbationers.contains(agent.code)
            case .left: false
            }
        }
        let dayStart = clock.timestamp(clock.startOfDay(clock.now))
        let allocatedToday = try AllocationGrants.givenSince(db, from: dayStart)
        let openLeads = try countByAgent(db, sql: "SELECT agent_id, COUNT(*), MIN(id) AS id FROM lead WHERE status = 'open' GROUP BY agent_id", arguments: [])
        let performance = try recentPerformance(db)
        var teamTotals: [String: (sales: Int, worked: Int)] = [:]
        for agent in agents {
            let p = performance[agent.id] ?? (0, 0)
            teamTotals[agent.team, default: (0, 0)].sales += p.sales
            teamTotals[agent.team, default: (0, 0)].worked += p.worked
        }
        let tiers = try Roster.tiers(db, on: clock.civilToday, rules: settings.roster, agents: agents, sales: sales)
        return agents.compactMap { agent in
            let tier = tiers[agent.id]!.tier
            let defaults = settings.roster.tiers[tier]
            let today = allocatedToday[agent.id, default: 0]
            let newHire = agent.daysEmployed(clock: clock) < settings.roster.newHireDays
            var daily = agent.dailyNewLeads ?? defaults.dailyNewLeads
            if newHire { daily = min(daily, rules.newHireQuota) }
            let room = max(0, min(daily - today, (agent.maxOpenLeads ?? defaults.maxOpenLeads) - openLeads[agent.id, default: 0]))
            let team = teamTotals[agent.team] ?? (0, 0)
            let teamRate = team.worked > 0 ? Double(team.sales) / Double(team.worked) : 0
            let p = performance[agent.id] ?? (0, 0)
            let smoothed = Apportionment.smoothedConversion(
                sales: p.sales, leadsWorked: p.worked, teamRate: teamRate, priorLeads: rules.smoothingLeads)
            let weight = Apportionment.allocationWeight(tierWeight: defaults.weight, smoothedConversion: smoothed, teamRate: teamRate)
            return AllocationSeat(
                agentID: agent.id, code: agent.code, team: agent.team, tier: tier, capacity: room, weight: weight,
                protectedQuota: newHire && strategy == .weighted)
        }
    }

    /// Sales and leads worked per agent over the trailing conversion window.
    func recentPerformance(_ db: Database) throws -> [Int64: (sales: Int, worked: Int)] {
        let since = clock.timestamp(clock.adding(days: -settings.leads.allocation.conversionDays, to: clock.now))
        var result: [Int64: (Int, Int)] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT agent_id, SUM(status = 'won'), COUNT(*), MIN(id) AS id FROM lead
            WHERE agent_id IS NOT NULL AND attempts > 0 AND last_attempt_at >= ? GROUP BY agent_id
            """, arguments: [since])
        while let row = try rows.next() { result[try StoredValue.int64(row, "agent_id", table: "lead")] = (row[1], row[2]) }
        return result
    }

    private func countByAgent(_ db: Database, sql: String, arguments: StatementArguments) throws -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() { counts[try StoredValue.int64(row, "agent_id", table: "lead")] = row[1] }
        return counts
    }

    /// Deals leads to agents up to their shares: A-grade leads to `core` and `top` first, then to
    /// anyone; each grade dealt in turn so every agent gets a fair mix. A lead never goes back
    /// to an agent it is locked from.
    func assign(leads: [PoolLead], seats: inout [AllocationSeat], tieKeys: [UInt64], result: inout AllocationResult) -> [(lead: Int64, seat: Int)] {
        let preferred = Set(settings.leads.allocation.gradeATiers.compactMap(Tier.init(rawValue:)))
        let order = seats.indices.sorted { tieKeys[$0] < tieKeys[$1] }
        var left = seats.map(\.share)
        let totalShares = left.reduce(0, +)
        var assignments: [(Int64, Int)] = []
        assignments.reserveCapacity(totalShares)
        var cursor = 0
        var someoneFull = false
        func deal(_ lead: PoolLead, among ring: [Int]) -> Bool {
            guard !ring.isEmpty else { return false }
            for step in 0..<ring.count {
                let i = ring[(cursor + step) % ring.count]
                if left[i] > 0 && lead.mayGo(to: seats[i].agentID) {
                    left[i] -= 1
                    if left[i] == 0 { someoneFull = true }
                    seats[i].grades[lead.grade, default: 0] += 1
                    assignments.append((lead.id, i))
                    cursor = (cursor + step + 1) % ring.count
                    return true
                }
            }
            return false
        }
        var preferredRing = order.filter { preferred.contains(seats[$0].tier) && left[$0] > 0 }
        var everyone = order.filter { left[$0] > 0 }
        var skipped: [PoolLead] = []
        for lead in leads {
            if assignments.count == totalShares {
                skipped.append(lead)
                continue
            }
            // Rings shrink only when someone's share is used up, so dealing stays linear.
            if someoneFull {
                preferredRing.removeAll { left[$0] == 0 }
                everyone.removeAll { left[$0] == 0 }
                someoneFull = false
            }
            if lead.grade == .A, deal(lead, among: preferredRing) { continue }
            if !deal(lead, among: everyone) { skipped.append(lead) }
        }
        // Leads nobody could take within their shares (each locked from its previous holder)
        // go to whoever still has room beyond their share.
        if !skipped.isEmpty {
            for i in seats.indices { left[i] = seats[i].capacity - seats[i].grades.values.reduce(0, +) }
            var ring = order.filter { left[$0] > 0 }
            for lead in skipped where !ring.isEmpty {
                _ = deal(lead, among: ring)
                if someoneFull {
                    ring.removeAll { left[$0] == 0 }
                    someoneFull = false
                }
            }
        }
        return assignments
    }

    /// Writes the decisions set-wise: they go into a temporary table (250 rows a statement), then
    /// one `UPDATE ... FROM` moves the leads and one `INSERT ... SELECT` writes their ledger lines
    /// (measured: a statement per lead was five times a bare UPDATE of the same rows). The
    /// reason is one per agent (its own small table, joined by the ledger's insert) and each
    /// agent's grant is made here from the decisions in memory. Measured at 1,000,000 leads in
    /// the sqlite3 shell (2026-11-29, load 11): the decisions' insert 0.9 s of CPU with a
    /// reason a row, 0.5 s without; the grants grouped by SQL (a sort of every decision by
    /// agent) 0.6 s. In callops's own profile (load 12) the whole write stayed about 13 s of
    /// CPU either way: the `UPDATE` (8 s, what the bare `UPDATE` costs with foreign keys and
    /// `cell_size_check` on; 6.5–7 s in the shell without the foreign keys, as `run` writes it)
    /// and the ledger's line per lead (2 s; 1.3 s without) are the cost. Driving the `UPDATE`
    /// from the decisions in lead id order instead of `lead_pool`'s grade order, or inserting
    /// the decisions sorted by lead id, was no cheaper in the process (2026-11-30).
    /// The indexes on the lead table that moving a pool lead to an agent changes (`status`,
    /// `agent_id`): the pool's and the agents'.
    static let movedIndexes = ["lead_agent", "lead_pool"]

    /// Whether moving `moving` leads of a table of about `leads` builds `movedIndexes` again after
    /// the move (SQLite sorts their entries) instead of changing them lead by lead. Measured with
    /// the sqlite3 shell on 1,000,000 pool leads moved to 1,000 agents (2026-11-30): the move took
    /// 3.9 s with the indexes changed lead by lead, 1.7 s without them, and building them again
    /// 0.6 s: about 2.2 µs a moved lead against 0.6 µs a lead of the table. So from a third of the
    /// table on (a center's first large batch), with a margin; never for a day's allocation out of
    /// millions of leads.
    static func rebuildsIndexes(moving: Int, leads: Int) -> Bool {
        moving >= 10_000 && moving * 3 >= leads
    }

    /// The span of the lead table's ids (at least its rows, read from the ends of its key).
    static func leadIDSpan(_ db: Database) throws -> Int {
        let span = try Int64.fetchOne(db, sql: "SELECT MAX(id) - MIN(id) + 1 FROM lead") ?? 0
        return Int(clamping: span)
    }

    private func write(_ db: Database, assignments: [(lead: Int64, seat: Int)], seats: [AllocationSeat], strategy: AllocationOptions.Strategy,
                       rebuildingIndexes: Bool, progress: ProgressBar?) throws {
        let now = clock.nowTimestamp
        // A million moved leads touch the lead table, two of its indexes and the ledger's; with
        // SQLite's default 2 MB cache they spill to the WAL and are read back (measured).
        if assignments.count > 10_000 { try db.execute(sql: "PRAGMA cache_size = -65536") }
        // Back to SQLite's default after: `daily` goes on in the same connection (every agent's
        // queue), which otherwise filled the 64 MB too.
        defer { if assignments.count > 10_000 { try? db.execute(sql: "PRAGMA cache_size = -2000") } }
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS allocation_decision (lead_id INTEGER PRIMARY KEY, agent_id INTEGER NOT NULL);
            CREATE TEMP TABLE IF NOT EXISTS allocation_reason (agent_id INTEGER PRIMARY KEY, reason TEXT NOT NULL);
            DELETE FROM allocation_decision;
            DELETE FROM allocation_reason;
            """)
        var granted = Array(repeating: [Int64](), count: seats.count)
        for (lead, seat) in assignments { granted[seat].append(lead) }
        for (seat, leads) in zip(seats, granted) where !leads.isEmpty {
            let reason = seat.protectedQuota ? "allocated (\(strategy.rawValue)): new-hire quota"
                : "allocated (\(strategy.rawValue)): \(seat.tier.rawValue) tier, weight \(String(format: "%.2f", seat.weight))"
            try db.execute(sql: "INSERT INTO allocation_reason VALUES (?, ?)", arguments: [seat.agentID, reason])
        }
        let batch = 250
        let full = try BulkStatement(db, sql: "INSERT INTO allocation_decision VALUES " + Array(repeating: "(?, ?)", count: batch).joined(separator: ","))
        var start = 0
        while start < assignments.count {
            let end = min(start + batch, assignments.count)
            let statement = end - start == batch ? full
                : try BulkStatement(db, sql: "INSERT INTO allocation_decision VALUES " + Array(repeating: "(?, ?)", count: end - start).joined(separator: ","))
            var index: Int32 = 1
            for (lead, seat) in assignments[start..<end] {
                statement.bind(index, lead)
                statement.bind(index + 1, seats[seat].agentID)
                index += 2
            }
            try statement.step()
            start = end
            progress?.update(40 + 40 * end / assignments.count)
        }
        // Dropped and made again from their own definitions, in this transaction: a run killed
        // midway leaves them as they were, and other runs see them changed only at the commit.
        let rebuilt = rebuildingIndexes ? try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lead' AND name IN (\(Self.movedIndexes.map { "'\($0)'" }.joined(separator: ", ")))
            ORDER BY name
            """).map { (name: $0[0] as String, sql: $0[1] as String) } : []
        for index in rebuilt { try db.execute(sql: "DROP INDEX \(index.name)") }
        try db.execute(sql: """
            UPDATE lead SET status = 'open', agent_id = d.agent_id, assigned_at = ?, locked_agent_id = NULL, locked_until = NULL
            FROM allocation_decision AS d WHERE lead.id = d.lead_id AND lead.status = 'pool'
            """, arguments: [now])
        for index in rebuilt { try db.execute(sql: index.sql) }
        try db.execute(sql: """
            INSERT INTO lead_ledger (lead_id, at, event, agent_id, reason)
            SELECT d.lead_id, ?, 'assigned', d.agent_id, r.reason FROM allocation_decision AS d JOIN allocation_reason AS r USING (agent_id)
            ORDER BY d.lead_id;
            """, arguments: [now])
        // A grant per agent in agent id order, each agent's leads in id order, as SQL's
        // `GROUP BY agent_id` over the decisions wrote them before.
        for seat in seats.indices.sorted(by: { seats[$0].agentID < seats[$1].agentID }) where !granted[seat].isEmpty {
            try AllocationGrants.record(db, at: now, agent: seats[seat].agentID, leads: granted[seat].sorted())
        }
        try db.execute(sql: "DELETE FROM allocation_decision; DELETE FROM allocation_reason")
    }
}
