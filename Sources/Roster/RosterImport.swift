import CallOpsCore
import CallOpsStore
import Foundation
import GRDB

/// One validated row of a roster file.
public struct RosterRow: Equatable, Sendable {
    public var line: Int
    public var code: String
    public var name: String
    public var team: String
    public var hireDate: String
    /// nil when the file has no tier column or leaves it empty (the tier is then derived).
    public var tier: Tier?
    /// nil when the file has no status column or leaves it empty.
    public var status: AgentStatus?
    public var seat: String?
    public var dailyNewLeads: Int?
    public var maxOpenLeads: Int?
    /// The agent's login on the dialer; nil when the file has no dialer_user column (the agent
    /// code for a new agent, unchanged for a known one).
    public var dialerUser: String?
    /// The first day away of an agent marked `left`; nil when not given.
    public var leftOn: CivilDay?
    /// nil when the file has no role column or leaves it empty (unchanged, `agent` for a new one).
    public var role: AgentRole?

    public init(
        line: Int, code: String, name: String, team: String, hireDate: String, tier: Tier? = nil,
        status: AgentStatus? = nil, seat: String? = nil, dailyNewLeads: Int? = nil, maxOpenLeads: Int? = nil,
        dialerUser: String? = nil
    ) {
        self.line = line
        self.code = code
        self.name = name
        self.team = team
        self.hireDate = hireDate
        self.tier = tier
        self.status = status
        self.seat = seat
        self.dailyNewLeads = dailyNewLeads
        self.maxOpenLeads = maxOpenLeads
        self.dialerUser = dialerUser
    }
}

/// A validated roster file.
public struct RosterFile: Equatable, Sendable {
    public var rows: [RosterRow]
    /// Whether the file has a seat column; without one, seats stay as they are.
    public var hasSeatColumn: Bool
    /// Whether the file has a dialer_user column; with one, an empty cell means the agent code.
    public var hasDialerUserColumn: Bool

    public init(rows: [RosterRow], hasSeatColumn: Bool, hasDialerUserColumn: Bool = false) {
        self.rows = rows
        self.hasSeatColumn = hasSeatColumn
        self.hasDialerUserColumn = hasDialerUserColumn
    }
}

/// What a roster import did.
public struct RosterImportSummary: Codable, Equatable, Sendable {
    public var rows = 0
    public var added = 0
    public var updated = 0
    public var teamsCreated = 0
    public var seatsCreated = 0
    /// Agents this import marked `left`: their leads and customers are to be handed over in the
    /// same transaction (FollowUp's `Departure`).
    public var departures: [RosterDeparture] = []

    enum CodingKeys: String, CodingKey {
        case rows, added, updated
        case teamsCreated = "teams_created"
        case seatsCreated = "seats_created"
    }
}

/// An agent a roster import marked `left`.
public struct RosterDeparture: Equatable, Sendable {
    public var code: String
    public var line: Int
    public var leftOn: CivilDay
}

/// `callops roster import`: the roster is curated, so one bad row refuses the whole file.
public enum RosterImport {
    static let required = ["agent_code", "name", "team", "hire_date"]

    /// Reads and validates a whole roster file; throws at the first bad line, naming it.
    public static func read(path: String, clock: Clock, sheet: String? = nil) throws -> RosterFile {
        let file = (path as NSString).lastPathComponent
        var reader = try TabularReader(path: path, sheet: sheet)
        guard let headerRecord = try reader.next() else {
            throw CallOpsError.badFile(file: file, message: "is empty; a roster needs the header \(required.joined(separator: ",")) and one row per agent")
        }
        let header = CSVHeader(headerRecord.fields)
        for name in required where header.column(name) == nil {
            throw CallOpsError.badInput(
                file: file, line: headerRecord.line, field: name,
                message: "missing column; the header must name \(required.joined(separator: ","))")
        }
        let column = { (name: String) in header.column(name) }
        var rows: [RosterRow] = []
        var firstLine: [String: Int] = [:]
        var seatLine: [String: Int] = [:]
        let hasDialerUserColumn = header.column("dialer_user") != nil
        var dialerUserLine: [String: Int] = [:]
        while let record = try reader.next() {
            func field(_ name: String) -> String? {
                guard let i = column(name), i < record.count else { return nil }
                let value = record[i].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
            func fail(_ name: String, _ message: String) -> CallOpsError {
                .badInput(file: file, line: record.line, field: name, message: message)
            }
            if record.count != header.names.count {
                throw fail("row", "has \(record.count) fields; the header has \(header.names.count)")
            }
            if let (index, characters) = record.overlongField() {
                throw fail(header.names[index], "has \(characters) characters; at most \(InputRange.maximumFieldCharacters)")
            }
            var values: [String: String] = [:]
            for name in required {
                guard let value = field(name) else { throw fail(name, "is empty") }
                values[name] = value
            }
            let code = values["agent_code"]!
            if let earlier = firstLine[code] {
                throw fail("agent_code", "\"\(code)\" appears again (first on line \(earlier)); each agent once")
            }
            firstLine[code] = record.line
            let hireDate = values["hire_date"]!
            guard clock.parseDay(hireDate) != nil else {
                throw fail("hire_date", "\"\(hireDate)\" is not a real date; write YYYY-MM-DD")
            }
            guard InputRange.containsTime(hireDate) else {
                throw fail("hire_date", "\"\(hireDate)\" is not a day \(InputRange.dayRangeText)")
            }
            var row = RosterRow(
                line: record.line, code: code, name: values["name"]!, team: values["team"]!,
                hireDate: hireDate)
            if let text = field("tier") {
                guard let tier = Tier(rawValue: text.lowercased()) else {
                    throw fail("tier", "\"\(text)\" is not a tier; use new, general, core or top")
                }
                row.tier = tier
            }
            if let text = field("status") {
                guard let status = AgentStatus(rawValue: text.lowercased()) else {
                    throw fail("status", "\"\(text)\" is not a status; use active, probation or left")
                }
                row.status = status
            }
            if let text = field("left_on") {
                guard let day = CivilDay(text), clock.parseDay(text) != nil else {
                    throw fail("left_on", "\"\(text)\" is not a real date; write YYYY-MM-DD (the first day away)")
                }
                if let status = row.status, status != .left {
                    throw fail("left_on", "is given but status is \(status.rawValue); an agent with a leaving day has status left")
                }
                if let hired = CivilDay(hireDate), day < hired {
                    throw fail("left_on", "\(text) is before the hire date \(hireDate)")
                }
                if day > clock.civilToday {
                    throw fail("left_on", "\(text) is after today (\(clock.today)); record a departure on or after its first day away")
                }
                row.leftOn = day
                row.status = .left
            }
            if let text = field("role") {
                guard let role = AgentRole(rawValue: text.lowercased()) ?? (["主管", "组长"].contains(text) ? .lead : nil) else {
                    throw fail("role", "\"\(text)\" is not a role; use agent or lead (a team lead)")
                }
                row.role = role
            }
            if let seat = field("seat") {
                if let earlier = seatLine[seat] {
                    throw fail("seat", "seat \(seat) is also given on line \(earlier); a seat holds one agent")
                }
                if row.status == .left {
                    throw fail("seat", "an agent who has left holds no seat; leave it empty")
                }
                seatLine[seat] = record.line
                row.seat = seat
            }
            for name in ["daily_new_leads", "max_open_leads"] {
                guard let text = field(name) else { continue }
                guard let value = Int(text), (0...InputRange.maximumCount).contains(value) else {
                    throw fail(name, "\"\(text)\" is not a whole number of leads from 0 to \(InputRange.maximumCount)")
                }
                if name == "daily_new_leads" { row.dailyNewLeads = value } else { row.maxOpenLeads = value }
            }
            if hasDialerUserColumn {
                let user = field("dialer_user") ?? code
                if let problem = checkDialerUser(user, line: record.line, seen: &dialerUserLine) { throw fail("dialer_user", problem) }
                row.dialerUser = user
            }
            rows.append(row)
        }
        return RosterFile(rows: rows, hasSeatColumn: header.column("seat") != nil, hasDialerUserColumn: hasDialerUserColumn)
    }

    /// Upserts validated rows by agent code, in the caller's transaction.
    ///
    /// With a `clock`, an agent the file newly marks `left` is recorded as leaving on the row's
    /// `left_on`, else on the clock's day (the day the status was recorded), and listed in the
    /// summary's `departures` for the caller to hand over; an agent back from leaving is
    /// recorded as returned.
    public static func apply(_ db: Database, roster: RosterFile, file: String, clock: Clock? = nil) throws -> RosterImportSummary {
        let rows = roster.rows
        var summary = RosterImportSummary(rows: rows.count)
        let codes = Set(rows.map(\.code))
        // Agents named in the file give up their seats first, so a file can move people
        // between seats; a seat held by someone outside the file is refused below.
        for row in rows where roster.hasSeatColumn || row.status == .left {
            try db.execute(sql: "UPDATE agent SET seat_id = NULL WHERE code = ?", arguments: [row.code])
        }
        // The same for dialer users, so a file can swap two logins.
        if roster.hasDialerUserColumn {
            for row in rows { try db.execute(sql: "UPDATE agent SET dialer_user = NULL WHERE code = ?", arguments: [row.code]) }
        }
        for row in rows {
            let knownTeam = try Roster.teamID(db, name: row.team)
            if knownTeam == nil { summary.teamsCreated += 1 }
            let teamID = try knownTeam ?? Roster.ensureTeam(db, name: row.team)
            var seatID: Int64?
            if let seat = row.seat {
                if let existing = try Row.fetchOne(db, sql: """
                    SELECT seat.id, agent.code AS holder FROM seat
                    LEFT JOIN agent ON agent.seat_id = seat.id WHERE seat.code = ?
                    """, arguments: [seat]) {
                    if let holder: String = existing["holder"], !codes.contains(holder) {
                        throw CallOpsError.badInput(
                            file: file, line: row.line, field: "seat",
                            message: "seat \(seat) is held by agent \(holder); free it in the same file or pick another seat")
                    }
                    seatID = existing["id"]
                } else {
                    try db.execute(sql: "INSERT INTO seat (code, team_id) VALUES (?, ?)", arguments: [seat, teamID])
                    seatID = db.lastInsertedRowID
                    summary.seatsCreated += 1
                }
            }
            let before = try Row.fetchOne(db, sql: "SELECT id, status, left_on FROM agent WHERE code = ?", arguments: [row.code])
            let exists = before != nil
            try claimDialerUser(db, row: row, isNew: !exists, file: file)
            if exists {
                // A column absent from the file keeps what the roster had.
                try db.execute(sql: """
                    UPDATE agent SET name = ?, team_id = ?, hire_date = ?, tier = COALESCE(?, tier),
                        status = COALESCE(?, status), seat_id = COALESCE(?, seat_id),
                        daily_new_leads = COALESCE(?, daily_new_leads), max_open_leads = COALESCE(?, max_open_leads)
                    WHERE code = ?
                    """, arguments: [row.name, teamID, row.hireDate, row.tier?.rawValue, row.status?.rawValue,
                                     seatID, row.dailyNewLeads, row.maxOpenLeads, row.code])
                summary.updated += 1
            } else {
                try db.execute(sql: """
                    INSERT INTO agent (code, name, team_id, hire_date, tier, status, seat_id, daily_new_leads, max_open_leads)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [row.code, row.name, teamID, row.hireDate, row.tier?.rawValue,
                                     (row.status ?? .active).rawValue, seatID, row.dailyNewLeads, row.maxOpenLeads])
                summary.added += 1
            }
            if let user = row.dialerUser {
                try db.execute(sql: "UPDATE agent SET dialer_user = ? WHERE code = ?", arguments: [user, row.code])
            }
            if let role = row.role {
                try db.execute(sql: "UPDATE agent SET role = ? WHERE code = ?", arguments: [role.rawValue, row.code])
            }
            if let clock {
                try recordTenure(db, row: row, before: before, file: file, clock: clock, into: &summary)
            }
        }
        return summary
    }

    /// A departure or a return the row brings (SPEC section 4).
    private static func recordTenure(_ db: Database, row: RosterRow, before: Row?, file: String, clock: Clock,
                                     into summary: inout RosterImportSummary) throws {
        // Read as text, never trapping: the import is how a damaged agent row is put right, so an
        // unreadable status counts as not left and an unreadable left_on as none.
        let wasLeft = before.map { StoredValue.text($0, "status") } == AgentStatus.left.rawValue
        let leftOn = before.flatMap { CivilDay(StoredValue.text($0, "left_on")) }
        let hadLeftOn = leftOn != nil
        if row.status == .left {
            // Newly left: on the file's day, else today. Left before without a day: only a given day.
            guard !wasLeft || (!hadLeftOn && row.leftOn != nil) else { return }
            let day = row.leftOn ?? clock.civilToday
            let agent = try Roster.agent(db, code: row.code)
            try Roster.recordDeparture(db, agent: agent, leftOn: day, reason: "roster import \(file) line \(row.line)", clock: clock)
            summary.departures.append(RosterDeparture(code: row.code, line: row.line, leftOn: day))
        } else if wasLeft, let status = row.status {
            // Back on the roster: from the new hire date when the file gives a later one, else today.
            let agentID: Int64 = before!["id"]
            let hired = CivilDay(row.hireDate)!
            let day = leftOn.map { hired >= $0 } == true ? hired : clock.civilToday
            try Roster.recordReturn(db, agentID: agentID, day: day, reason: "roster import \(file) line \(row.line): \(status.rawValue)", clock: clock)
        }
    }
}
