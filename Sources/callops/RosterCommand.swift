import ArgumentParser
import CallOpsCore
import FollowUp
import Foundation
import LeadData
import Roster

/// `callops roster`: the agents, teams and seats (SPEC section 4).
struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster", abstract: "Agents, teams and seats: import the roster, list it, add seats.",
        subcommands: [Import.self, List.self, Tiers.self, Seats.self, Leave.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a roster CSV (agent_code,name,team,hire_date[,tier,status,left_on,role,seat,daily_new_leads,max_open_leads,dialer_user]); all or nothing.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The roster file (CSV or xlsx).") var file: String
        @Option(help: "The sheet of an xlsx workbook (default its first).") var sheet: String?

        func run() throws {
            let context = try global.checkedContext()
            let roster = try RosterImport.read(path: file, clock: context.clock, sheet: sheet)
            let name = (file as NSString).lastPathComponent
            // An agent the file marks `left` leaves as with `roster leave`, in the same transaction
            // (leads released, callbacks moved, customers handed over); a left agent the departure
            // did not cover (an older database's) hands back leads and callbacks all the same.
            let departure = Departure(settings: context.settings, clock: context.clock)
            let (summary, departures, released) = try context.db.transaction { db in
                let summary = try RosterImport.apply(db, roster: roster, file: name, clock: context.clock)
                let departures = try summary.departures.map { leaver in
                    do {
                        return try departure.handOver(db, leaver: leaver.code, leftOn: leaver.leftOn, reason: "roster import \(name)", seed: nil)
                    } catch let error as CallOpsError {
                        throw CallOpsError.badInput(file: name, line: leaver.line, field: "status", message: error.description)
                    }
                }
                return (summary, departures, try Recycler(settings: context.settings, clock: context.clock).releaseLeavers(db))
            }
            var table = Table(
                [">rows", ">added", ">updated", ">teams created", ">seats created"],
                rows: [[summary.rows, summary.added, summary.updated, summary.teamsCreated, summary.seatsCreated].map(String.init)])
            table.footer = departures.map {
                "agent \($0.agentCode) left on \($0.leftOn): \($0.leadsReleased) leads back to the pool, \($0.callbacksMoved) callbacks moved, "
                    + "\($0.customersHandedOver.count) customers handed over"
            }
            if released.fromLeavers + released.callbacksMoved + released.callbacksStuck > 0 {
                table.footer.append("other agents who left: \(released.fromLeavers) leads back to the pool, \(released.callbacksMoved) callbacks moved to a teammate"
                    + (released.callbacksStuck > 0 ? ", \(released.callbacksStuck) callbacks to the pool (no teammate with room)" : ""))
            }
            try emit(try Render.output(summary, table: table, format: output.format), data: output.format != .table)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the agents with team, tier, status, seat and lead quotas.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(help: "Only this team.") var team: String?

        struct Line: TabularRow {
            static let blank = Line(agentCode: "", name: "", team: "", hireDate: "", tier: "", tierSource: "", tierWhy: "", status: "", seat: "",
                                    dailyNewLeads: 0, maxOpenLeads: 0, dialerUser: "", role: "", leftOn: "")
            let agentCode, name, team, hireDate, tier, tierSource, tierWhy, status: String
            let seat: String?
            let dailyNewLeads, maxOpenLeads: Int
            let dialerUser: String
            let role: String
            let leftOn: String?
            enum CodingKeys: String, CodingKey {
                case name, team, tier, status, seat, role
                case leftOn = "left_on"
                case agentCode = "agent_code"
                case tierSource = "tier_source"
                case tierWhy = "tier_why"
                case hireDate = "hire_date"
                case dailyNewLeads = "daily_new_leads"
                case maxOpenLeads = "max_open_leads"
                case dialerUser = "dialer_user"
            }

            /// Every key, null included: `seat` and `left_on` are part of the JSON contract when empty.
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(agentCode, forKey: .agentCode)
                try c.encode(name, forKey: .name)
                try c.encode(team, forKey: .team)
                try c.encode(role, forKey: .role)
                try c.encode(tier, forKey: .tier)
                try c.encode(tierSource, forKey: .tierSource)
                try c.encode(tierWhy, forKey: .tierWhy)
                try c.encode(status, forKey: .status)
                try c.encode(hireDate, forKey: .hireDate)
                try c.encode(leftOn, forKey: .leftOn)
                try c.encode(seat, forKey: .seat)
                try c.encode(dailyNewLeads, forKey: .dailyNewLeads)
                try c.encode(maxOpenLeads, forKey: .maxOpenLeads)
                try c.encode(dialerUser, forKey: .dialerUser)
            }
        }

        func run() throws {
            let context = try global.readingContext()
            let (agents, seats, tiers, tenures) = try context.db.read { db in
                let agents = try Roster.agents(db, team: team)
                return (agents, try Roster.seatCounts(db, team: team),
                        try Roster.tiers(db, on: context.clock.civilToday, rules: context.settings.roster, agents: agents, sales: Sales.tierSales), try Roster.tenures(db))
            }
            let lines = agents.map { agent in
                let tier = tiers[agent.id]!
                let defaults = context.settings.roster.tiers[tier.tier]
                return Line(
                    agentCode: agent.code, name: agent.name, team: agent.team, hireDate: agent.hireDate,
                    tier: tier.tier.rawValue, tierSource: tier.source.rawValue, tierWhy: tier.why, status: agent.status.rawValue, seat: agent.seat,
                    dailyNewLeads: agent.dailyNewLeads ?? defaults.dailyNewLeads,
                    maxOpenLeads: agent.maxOpenLeads ?? defaults.maxOpenLeads, dialerUser: agent.dialerUser,
                    role: (tenures[agent.id]?.role ?? .agent).rawValue, leftOn: tenures[agent.id]?.leftOn?.description)
            }
            var table = Table(["agent", "name", "team", "role", "hired", "tier", "status", "left on", "seat", ">new/day", ">max open", "dialer user"])
            for line in lines {
                table.append([line.agentCode, line.name, line.team, line.role, line.hireDate, line.tier, line.status, line.leftOn ?? "-",
                              line.seat ?? "-", String(line.dailyNewLeads), String(line.maxOpenLeads), line.dialerUser])
            }
            let utilisation = seats.seats == 0 ? "-" : Render.percent(Double(seats.occupied) / Double(seats.seats))
            table.footer = ["\(lines.count) agents; seats \(seats.occupied)/\(seats.seats) occupied (\(utilisation))"]
            try emit(try Render.output(lines, table: table, format: output.format), data: output.format != .table)
        }
    }

    struct Tiers: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One agent's tier history: each month's tier as recorded, its source and why.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption
        @Option(help: "The agent's code.") var agent: String

        struct Line: TabularRow {
            static let blank = Line(month: "", tier: "", source: "", why: "", asOf: "")
            let month, tier, source, why, asOf: String
            enum CodingKeys: String, CodingKey {
                case month, tier, source, why
                case asOf = "as_of"
            }
        }

        func run() throws {
            let context = try global.readingContext()
            let history = try context.db.read { db in try Roster.tierHistory(db, agent: agent) }
            let lines = history.map {
                Line(month: $0.month.description, tier: $0.tier.rawValue, source: $0.source.rawValue, why: $0.why, asOf: $0.asOf.description)
            }
            var table = Table(["month", "tier", "source", "why", "as of"])
            for line in lines { table.append([line.month, line.tier, line.source, line.why, line.asOf]) }
            table.footer = ["\(lines.count) months recorded for \(agent)"]
            try emit(Render.output(lines, table: table, format: output.format), data: output.format != .table)
        }
    }

    struct Seats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add seats (工位) to a team; an agent takes one through the roster's seat column.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The team the seats belong to.") var team: String
        @Argument(help: "Seat codes, e.g. A-01 A-02.") var codes: [String]

        func validate() throws {
            if codes.isEmpty { throw ValidationError("name at least one seat code, e.g. `callops roster seats --team 一组 A-01 A-02`") }
        }

        func run() throws {
            let context = try global.context()
            let added = try context.db.transaction { db in try Roster.addSeats(db, codes: codes, team: team) }
            try emit("\(added) seats added to \(team) (\(codes.count - added) already existed).\n")
        }
    }
}
