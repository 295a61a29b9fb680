import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster

/// The calls import of a whole file at once (SPEC sections 6 and 11): the same outcome as
/// `CallRecorder.record` called for each call in time order, each in its own savepoint, but
/// with a few index probes per call instead of a savepoint and six queries.
///
/// 1. While a reading thread parses and validates the file (`CallFileReader`), this thread
///    resolves each call's agent (once per code) and lead (one probe of the phone index) and
///    whether its call id is already recorded, and keeps the call in a compact form.
/// 2. Which calls are recorded, duplicates or refused is decided in time order, as the
///    one-call-at-a-time import decides it (a refusal depends only on the row, its agent and
///    its lead, so it is known before anything is written).
/// 3. The recorded calls' leads are read once each in lead id order, with their calls already in
///    the table, and held compactly (`CallImport+LeadOrder.swift`); the calls are replayed in
///    time order through the same pure rules (`CallRecorder.step`, `Cadence.apply`), each lead
///    in memory from its first call to its last; the agents' counts of open callbacks (read in
///    one query first) are kept as the calls change them, so the cap on them
///    (`max_open_callbacks`) decides each callback as `record` decides it. What each lead ends
///    with is held compactly and written once, in lead id order, after the replay
///    (`LeadProgress.ProgressWriter`).
/// 4. The calls are inserted in time order (so their row ids are those of the one-by-one
///    import), then the rare effects that make rows of their own (a cadence ended in the
///    lead ledger, a stabilisation call, a do-not-call request, a sale's policy) run in time
///    order through the functions `record` uses.
struct BulkCallImport {
    let settings: Settings
    let clock: Clock
    let recorder: CallRecorder
    let sales: Sales

    /// Calls parsed on the reading thread and handed over together.
    static let chunkRows = 4_096
    /// SQLite's page cache while the calls are inserted, in KiB.
    static let cacheKiB = 32_768
    /// Calls per `INSERT`: SQLite opens the call table's and its three indexes' cursors once per
    /// statement instead of once per call (closing them and ending the statement were about 14%
    /// of the import's CPU in perf, 200,000 calls, 2026-11-29).
    static let insertRows = 64

    /// An `INSERT` of `rows` calls. `OR FAIL`: a failing row ends the statement with the rows
    /// before it kept (the import's transaction is then rolled back whole), so SQLite keeps no
    /// statement journal of the pages each statement changes, as `OR ABORT` must (it spilled to a
    /// temporary file: 1.7–2.3 s of system time on 200,000 calls, 0.7–0.9 s without, 2026-11-29).
    static func insertSQL(rows: Int) -> String {
        "INSERT OR FAIL INTO call (call_id, lead_id, agent_id, started_at, talk_seconds, disposition, contact, effective, follow_up, callback_at, note, on_others_lead) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    init(settings: Settings, clock: Clock) throws {
        self.settings = settings
        self.clock = clock
        self.recorder = try CallRecorder(settings: settings, clock: clock)
        self.sales = Sales(settings: settings, clock: clock)
    }

    /// A call of the file in 56 bytes: a million calls fit in 56 MB.
    private struct Pending {
        var callID: String
        var at: Date
        var lead: Int64
        var line: Int32
        var agent: Int32
        var talk: Int32
        /// Index into `extras` (a sale or a note), or -1.
        var extra: Int32
        var disposition: Disposition
        var inDatabase: Bool
        /// After the replay: which follow-up the call was, or -1; `Pending.wide` for one past 127
        /// (a lead whose count was written past the cadence's five by another tool), held in
        /// `Sparse.followUps`.
        var followUp: Int8 = -1
        var contact = false
        var effective = false
        var othersLead = false
        var recorded = false
    }

    private static let wide = Int8.min

    /// What few calls have, held beside the compact calls by their index instead of in each.
    private struct Sparse {
        /// The customer's chosen time as read, then as moved into a calling window (a callback
        /// is a few calls in a hundred; 8 bytes in each call would be 8 MB a million).
        var callbacks: [Int32: Date] = [:]
        /// Which follow-up a call was, when past 127.
        var followUps: [Int32: Int] = [:]
    }

    private struct Extra {
        var sale: SaleInput?
        var note: String?
    }

    /// Something a call does beyond its own row and the lead's cadence columns, run in time order.
    private struct Effect {
        var rank: Int32
        var call: Int32
        var lead: Int64
        /// The lead's agent when the call was made.
        var leadAgent: Int64?
        var ended: (status: LeadStatus, reason: String)?
        var stabilizes = false
        var doNotCall = false
        var sale = false
    }

    /// What the database says of a call before anything is written: its lead (0 when none has
    /// its phone or id) and whether its call id is recorded.
    struct Probe: Sendable {
        var lead: Int64
        var recorded: Bool
    }

    /// The index probes of `Probe`, prepared once.
    final class Prober {
        private let leads: LeadProbe
        private let recorded: BulkStatement

        init(_ db: Database) throws {
            leads = try LeadProbe(db)
            recorded = try BulkStatement(db, sql: "SELECT 1 FROM call WHERE call_id = ?")
        }

        func probe(_ input: CallInput) throws -> Probe {
            recorded.bind(1, input.callID)
            var probe = Probe(lead: 0, recorded: try recorded.exists())
            if let id = input.leadID {
                if try leads.exists(id: id) { probe.lead = id }
            } else if let phone = input.phone {
                probe.lead = try leads.id(phone: phone) ?? 0
            }
            return probe
        }
    }

    /// Where the calls come from: a call file read on the reading thread (`CallFileReader`), or
    /// rows another reader validated already (VICIdial's export).
    enum Source: Sendable {
        case file(path: String, sheet: String?)
        case rows([CallRow])
    }

    /// One lead's cadence while its calls are replayed, and what is written for it after.
    struct LeadReplay {
        var state: CadenceState
        var status: String
        var agent: Int64?
        /// Calls already in the table on the lead from the day of its first call here on, per
        /// day; nil when none (most leads).
        var existingOnDay: [String: Int]?
        /// The day of the last call replayed and how many of this import's calls fell on it
        /// (calls come in time order, so one day at a time).
        var day = ""
        var callsOnDay = 0
        var listed: Bool?
        /// Agents who sold the lead a policy in this import and serve the customer from then on:
        /// a seller serves only a customer no one on the roster served before the sale (the policy
        /// table's trigger), and one who has left serves until the import's end (`Departure.handOverLeaversSales`).
        var sellers: [Int64] = []
        /// Whether an agent on the roster (not left) serves the customer: read at the lead's first
        /// sale here, then kept as its sales go in.
        var servedOnRoster: Bool?
        var lastOpen: LeadProgress.Update?
        /// The cadence after that call, and its time.
        var lastOpenAfter = CadenceState()
        var lastOpenDate: Date?
        var effectiveAt: Date?
        var interestedAt: Date?
        /// The latest of the calls' times as stored text, and the time it was made of.
        var lastAttemptAt = ""
        var lastAttemptDate: Date?
        var attempts = 0
        /// The agent among whose open callbacks the lead counts (an open lead holding a
        /// callback), or nil.
        var holds: Int64?
        /// Per agent and month, the day of the agent's first call on the lead (`worked`) and of
        /// their first proposal event (`proposed`: a proposal call or a policy not cancelled),
        /// the table's from the month of the lead's first call here on, then as this import's
        /// calls move them: what `activity_day`'s month-anchored counts need.
        var worked: [AgentMonth: String] = [:]
        var proposed: [AgentMonth: String] = [:]
        /// Whether the lead's policies are in `proposed` yet (read at its first proposal call).
        var policiesRead = false

        /// The lead as its row and its calls in the table from the month of `firstDay` on
        /// (`existing`) have it before the import's first call on it.
        init(state: CadenceState, status: String, agent: Int64?, holdsCallback: Bool, existing: some Sequence<ExistingCall>,
             firstDay: String) {
            self.state = state
            self.status = status
            self.agent = agent
            holds = holdsCallback ? agent : nil
            // The one-by-one import counts the day's calls in the table, whatever their time; from
            // the month's first day, the first calls and proposals of each agent that month.
            var onDay: [String: Int] = [:]
            for call in existing {
                if call.day >= firstDay { onDay[call.day, default: 0] += 1 }
                let key = AgentMonth(agent: call.agent, month: call.day.prefix(7))
                worked[key] = min(worked[key] ?? call.day, call.day)
                if call.proposal { proposed[key] = min(proposed[key] ?? call.day, call.day) }
            }
            existingOnDay = onDay.isEmpty ? nil : onDay
        }
    }

    struct AgentMonth: Hashable {
        var agent: Int64
        var month: Substring
    }

    /// Records read together; `probes` (one per record, when the reading thread could ask a
    /// connection of its own) tell each call's lead and whether it is recorded.
    struct Chunk: Sendable {
        var records: [CallFileRecord] = []
        var probes: [Probe] = []
        /// How far the reading is, 0 to 30 (of the progress's 100) after these records.
        var readPercent = 0
    }

    /// Imports `path` in the caller's transaction. With `committed` (the database the transaction
    /// runs on), the reading thread also probes the indexes, on a read-only connection of its
    /// own: nothing is written before the whole file is read, and the transaction holds the write
    /// lock, so what is committed is what the transaction sees.
    /// - Parameter timeField: the column of a call's time, as a rejected row names it.
    func run(_ db: Database, source: Source, committed: AppDatabase?, progress: ProgressBar? = nil, timeField: String = "started_at",
             summary: inout CallImportSummary) throws {
        var calls: [Pending] = []
        var extras: [Extra] = []
        var refusals: [Int32: String] = [:]
        var agentIndex: [String: Int32] = [:]
        var agents: [Result<Agent, CallOpsError>] = []
        let leads = try LeadProgress.CadenceReader(db)
        let prober = try Prober(db)
        // Call ids seen twice in the file, found by their hashes (a set of a million strings
        // would cost 40 MB; of their hashes, 16) and then compared exactly.
        var hashes = Set<Int>()
        var hashesRepeated = Set<Int>()
        var fileRejects: [CallImportSummary.Reject] = []
        var sparse = Sparse()
        let settings = self.settings, clock = self.clock
        // The inserts spill pages to the WAL and read them back with the default 2 MB page cache;
        // as the lead import, a larger one for them (set before them: the leads are read and
        // written in id order, which a larger cache does not speed, and the compact leads and the
        // cache together would pass the 200 MB the import is held to).
        defer { try? db.execute(sql: "PRAGMA cache_size = -2000") }

        try Pipeline.run(capacity: 2, produce: { send in
            var reader: CallFileReader?
            var rows: [CallRow] = []
            var fileBytes = 1
            switch source {
            case let .file(path, sheet):
                reader = try CallFileReader(path: path, sheet: sheet, settings: settings, clock: clock)
                fileBytes = max(1, (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 1)
            case let .rows(given):
                rows = given
            }
            var taken = 0
            func next() throws -> CallFileRecord? {
                if reader != nil { return try reader!.next() }
                guard taken < rows.count else { return nil }
                taken += 1
                return .call(rows[taken - 1])
            }
            func readPercent() -> Int {
                reader.map { min(30, 30 * $0.bytesRead / fileBytes) } ?? 30 * taken / max(1, rows.count)
            }
            func readAll(_ prober: Prober?) throws {
                var chunk = Chunk()
                while let record = try next() {
                    chunk.records.append(record)
                    if let prober {
                        if case let .call(row) = record {
                            chunk.probes.append(try prober.probe(row.call))
                        } else {
                            chunk.probes.append(Probe(lead: 0, recorded: false))
                        }
                    }
                    if chunk.records.count == Self.chunkRows {
                        chunk.readPercent = readPercent()
                        guard send(chunk) else { return }
                        chunk = Chunk()
                    }
                }
                chunk.readPercent = readPercent()
                if !chunk.records.isEmpty { _ = send(chunk) }
            }
            let probed: Bool? = try committed?.withSeparateReader { db in
                try readAll(try Prober(db))
                return true
            }
            if probed == nil { try readAll(nil) }
        }, consume: { (chunk: Chunk) in
            progress?.update(chunk.readPercent)
            for (n, record) in chunk.records.enumerated() {
                summary.rows += 1
                guard case let .call(row) = record else {
                    if case let .rejected(reject) = record { fileRejects.append(reject) }
                    continue
                }
                let input = row.call
                // Refused before anything else, as the one-by-one import refuses it.
                if let refusal = CallRecorder.futureRefusal(input, clock: clock) {
                    fileRejects.append(.init(line: row.line, field: timeField, reason: refusal))
                    continue
                }
                // Refused before anything else, as `record` refuses it (the readers check it).
                guard (0...InputRange.maximumTalkSeconds).contains(input.talkSeconds) else {
                    fileRejects.append(.init(line: row.line, field: "row", reason: CallOpsError.invalidValue(
                        field: "talk_seconds", value: String(input.talkSeconds), expected: "seconds of conversation from 0 to 86400").description))
                    continue
                }
                let index = Int32(calls.count)
                let hash = input.callID.hashValue
                if !hashes.insert(hash).inserted { hashesRepeated.insert(hash) }
                let probe = chunk.probes.isEmpty ? try prober.probe(input) : chunk.probes[n]
                // The agent, once per code.
                let agent: Int32
                if let known = agentIndex[input.agentCode] {
                    agent = known
                } else {
                    agent = Int32(agents.count)
                    do {
                        agents.append(.success(try Roster.agent(db, code: input.agentCode)))
                    } catch let error as CallOpsError {
                        agents.append(.failure(error))
                    }
                    agentIndex[input.agentCode] = agent
                }
                let lead = probe.lead
                let inDatabase = probe.recorded
                // What would refuse the call, checked in the order `record` checks it.
                if input.disposition == .sale && input.sale == nil {
                    refusals[index] = CallOpsError.invalidValue(field: "product", value: "", expected: "a sale that names its product and premium (a policy)").description
                } else if case let .failure(error) = agents[Int(agent)] {
                    refusals[index] = error.description
                } else if case let .success(known) = agents[Int(agent)],
                          let away = try Roster.absence(db, agent: known, on: clock.civilDay(input.startedAt)) {
                    refusals[index] = CallRecorder.awayRefusal(away, agent: known.code, day: clock.civilDay(input.startedAt)).description
                } else if lead == 0 {
                    refusals[index] = CallRecorder.leadNotFound(input).description
                } else if input.disposition == .sale, let sale = input.sale {
                    do {
                        _ = try sales.check(sale, leadAge: try leads.lead(id: lead)?.age)
                    } catch let error as CallOpsError {
                        refusals[index] = error.description
                    }
                }
                if let callbackAt = input.callbackAt { sparse.callbacks[index] = callbackAt }
                var extra: Int32 = -1
                if input.sale != nil || input.note != nil {
                    extra = Int32(extras.count)
                    extras.append(Extra(sale: input.sale, note: input.note))
                }
                calls.append(Pending(
                    callID: input.callID, at: input.startedAt,
                    lead: lead, line: Int32(row.line), agent: agent, talk: Int32(input.talkSeconds), extra: extra,
                    disposition: input.disposition, inDatabase: inDatabase))
            }
        })
        hashes = []
        var repeated = Set<String>()
        if !hashesRepeated.isEmpty {
            var count: [String: Int] = [:]
            for call in calls where hashesRepeated.contains(call.callID.hashValue) { count[call.callID, default: 0] += 1 }
            repeated = Set(count.filter { $0.value > 1 }.keys)
        }
        summary.rejected += fileRejects

        // 2. Time order, as the one-by-one import records them; then which are recorded.
        var order = Array(0..<Int32(calls.count))
        calls.withUnsafeBufferPointer { calls in
            order.sort { a, b in
                let (x, y) = (calls[Int(a)].at, calls[Int(b)].at)
                return x != y ? x < y : calls[Int(a)].line < calls[Int(b)].line
            }
        }
        var recordedRanks: [Int32] = []
        recordedRanks.reserveCapacity(calls.count)
        var recordedRepeats = Set<String>()
        // When each lead's number went on the do-not-call list: before the import, then by the
        // import's own `dnc` calls, in time order. A later call is refused as `record` refuses it.
        var listedAt = try Leads.onDoNotCallList(db).reduce(into: [Int64: String]()) { $0[$1.lead] = min($0[$1.lead] ?? $1.listedAt, $1.listedAt) }
        for (rank, i) in order.enumerated() {
            let call = calls[Int(i)]
            if call.inDatabase || (repeated.contains(call.callID) && recordedRepeats.contains(call.callID)) {
                summary.alreadyImported += 1
                continue
            }
            if let reason = refusals[i] {
                summary.rejected.append(.init(line: Int(call.line), field: "row", reason: reason))
                continue
            }
            if let listed = listedAt[call.lead] {
                let phone = { try LeadProgress.lead(db, id: call.lead)?.phone ?? "" }
                if let refusal = try CallRecorder.listedRefusal(disposition: call.disposition, at: call.at, listedAt: listed, phone: phone, clock: clock) {
                    summary.rejected.append(.init(line: Int(call.line), field: "row", reason: refusal.description))
                    continue
                }
            } else if call.disposition == .dnc {
                listedAt[call.lead] = clock.timestamp(call.at)
            }
            if repeated.contains(call.callID) { recordedRepeats.insert(call.callID) }
            recordedRanks.append(Int32(rank))
        }
        summary.rejected.sort { $0.line < $1.line }

        // 3. The recorded calls' leads read in id order (`ReplayLeads`); the calls replayed in
        // time order through their cadences; the leads written in id order.
        progress?.update(30)
        var replayLeads = ReplayLeads(leads: recordedRanks.map { calls[Int(order[Int($0)])].lead })
        // Each recorded call's lead, and whether it is the lead's last call.
        var slots = recordedRanks.map { Int32(replayLeads.slot(calls[Int(order[Int($0)])].lead)) }
        var last = [Bool](repeating: false, count: recordedRanks.count)
        do {
            var seen = [Bool](repeating: false, count: replayLeads.ids.count)
            for n in recordedRanks.indices.reversed() where !seen[Int(slots[n])] {
                seen[Int(slots[n])] = true
                last[n] = true
            }
            for n in recordedRanks.indices {
                let slot = Int(slots[n])
                if case .readAtFirstCall = replayLeads.slots[slot] { replayLeads.slots[slot] = .firstCall(order[Int(recordedRanks[n])]) }
            }
        }
        let existingCalls = try BulkStatement(db, sql: "SELECT started_at, agent_id, disposition FROM call WHERE lead_id = ? AND started_at >= ?")
        try readLeads(&replayLeads, calls: calls, reader: leads, existingCalls: existingCalls)
        var replays: [Int64: LeadReplay] = [:]
        // Taken before anything is written: the counts then move only with the replayed calls.
        var openCallbacks = try LeadProgress.openCallbacksByAgent(db)
        var effects: [Effect] = []
        let existingPolicies = try BulkStatement(db, sql: "SELECT sold_at, agent_id FROM policy WHERE lead_id = ? AND status <> 'cancelled' AND sold_at >= ?")
        var deltas = ActivityAggregate.CallDeltas()
        let writer = try LeadProgress.ProgressWriter(db)
        for (n, rank) in recordedRanks.enumerated() {
            if n % 4_096 == 0 { progress?.update(30 + 35 * n / recordedRanks.count) }
            let slot = Int(slots[n]), lead = replayLeads.ids[slot]
            let replayed = try replay(db, lead: lead, slot: slot, rank: rank, last: last[n], order: order, calls: &calls, extras: extras, agents: agents, reader: leads,
                       existing: (existingCalls, existingPolicies), leads: &replayLeads, replays: &replays, openCallbacks: &openCallbacks,
                       effects: &effects, sparse: &sparse, deltas: &deltas, summary: &summary)
            if let replay = replayed {
                // Held to be written in lead order; a lead the compact form does not hold is
                // written now.
                if let end = LeadEnd(replay, reasons: &replayLeads.reasons) {
                    replayLeads.slots[slot] = .ended(end)
                } else {
                    try writer.write(leadProgress(of: replay, lead: lead))
                    replayLeads.slots[slot] = .written
                }
            }
        }
        recordedRanks = []
        slots = []
        last = []
        for (slot, lead) in replayLeads.ids.enumerated() {
            if slot % 4_096 == 0 { progress?.update(65 + 5 * slot / replayLeads.ids.count) }
            guard case let .ended(end) = replayLeads.slots[slot] else { continue }
            try writer.write(end.progress(lead: lead, clock: clock, recorder: recorder, reasons: replayLeads.reasons))
        }
        replayLeads = ReplayLeads(leads: [])
        try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKiB)")

        // 4. The calls in time order, `activity_day` moved by the deltas summed in the replay
        // instead of a trigger per call; then the effects that make rows of their own.
        progress?.update(70)
        try ActivityAggregate.insertingCalls(db) {
            var statements: [Int: BulkStatement] = [:]
            // The next statement's calls, at most `insertRows` (a list of all recorded calls
            // would add 8 MB per million to the peak).
            var batch: [Int] = []
            batch.reserveCapacity(Self.insertRows)
            for (n, i) in order.enumerated() {
                if calls[Int(i)].recorded { batch.append(Int(i)) }
                guard batch.count == Self.insertRows || (n + 1 == order.count && !batch.isEmpty) else { continue }
                progress?.update(70 + 30 * n / order.count)
                if statements[batch.count] == nil { statements[batch.count] = try BulkStatement(db, sql: Self.insertSQL(rows: batch.count)) }
                let insert = statements[batch.count]!
                for (row, i) in batch.enumerated() {
                    // Recorded calls only: the replay records a call only once its agent is known.
                    let call = calls[i]
                    let agent = try agents[Int(call.agent)].get()
                    let p = Int32(row * 12)
                    insert.bind(p + 1, call.callID)
                    insert.bind(p + 2, call.lead)
                    insert.bind(p + 3, agent.id)
                    insert.bind(p + 4, clock.timestamp(call.at))
                    insert.bind(p + 5, Int64(call.talk))
                    insert.bind(p + 6, call.disposition.rawValue)
                    insert.bind(p + 7, Int64(call.contact ? 1 : 0))
                    insert.bind(p + 8, Int64(call.effective ? 1 : 0))
                    insert.bind(p + 9, call.followUp == Self.wide ? sparse.followUps[Int32(i)].map(Int64.init) : call.followUp < 0 ? nil : Int64(call.followUp))
                    insert.bind(p + 10, sparse.callbacks[Int32(i)].map(clock.timestamp))
                    insert.bind(p + 11, call.extra < 0 ? nil : extras[Int(call.extra)].note)
                    insert.bind(p + 12, Int64(call.othersLead ? 1 : 0))
                }
                try insert.step()
                batch.removeAll(keepingCapacity: true)
            }
            FaultPoint.reach("calls.import.after-inserts")
            return deltas
        }
        effects.sort { $0.rank < $1.rank }
        let closings = try LeadLedger.ClosingLines(db)
        for effect in effects {
            try apply(db, effect, call: calls[Int(effect.call)], extras: extras, agents: agents, closings: closings)
        }
    }


    /// The lead's cadence as the table holds it, with the calls already recorded on it from
    /// `firstAt`'s month on; nil when the lead is not found.
    private func load(lead id: Int64, firstAt: Date, reader: LeadProgress.CadenceReader, existingCalls: BulkStatement) throws -> LeadReplay? {
        guard let row = try reader.lead(id: id) else { return nil }
        var state = CadenceState()
        state.outcome = try CallRecorder.outcome(status: row.status, lead: id)
        // NULL, which callops never writes, is the named error, as `calls log` and `check` have it.
        guard let stage = row.stage else {
            throw StoredValueError(table: "lead", row: String(id), column: "stage", value: "NULL", expected: "a cadence stage")
        }
        state.stage = try StoredValue.enum(Stage.self, stage, table: "lead", column: "stage", id: id)
        // Clamped: a count written past its range by another tool (`callops check` lists it)
        // must not trap the cadence's increment.
        state.followUps = min(max(row.followUps, 0), InputRange.maximumCount)
        state.unanswered = row.unanswered
        state.lastContactAt = row.lastContactAt.flatMap(clock.parse)
        state.nextDueAt = row.nextDueAt.flatMap(clock.parse)
        state.callbackAt = row.callbackAt.flatMap(clock.parse)
        var existing: [ExistingCall] = []
        try readExistingCalls(lead: id, firstAt: firstAt, statement: existingCalls, into: &existing)
        return LeadReplay(state: state, status: row.status, agent: row.agentID, holdsCallback: row.status == "open" && row.callbackAt != nil,
                          existing: existing, firstDay: clock.day(firstAt))
    }

    /// Appends the lead's calls in the table from `firstAt`'s month on.
    private func readExistingCalls(lead id: Int64, firstAt: Date, statement: BulkStatement, into existing: inout [ExistingCall]) throws {
        statement.bind(1, id)
        statement.bind(2, String(clock.day(firstAt).prefix(7)))
        while try statement.nextRow() {
            guard let at = statement.text(0), let agent = statement.int64(1) else { continue }
            existing.append(ExistingCall(day: String(at.prefix(10)), agent: agent, proposal: statement.text(2) == Disposition.proposal.rawValue))
        }
    }

    /// Reads the leads of `replay` in id order, each with its calls in the table, into their
    /// compact form (`LeadStart`), the first time any is needed.
    private func readLeads(_ leads: inout ReplayLeads, calls: [Pending], reader: LeadProgress.CadenceReader, existingCalls: BulkStatement) throws {
        for (slot, id) in leads.ids.enumerated() {
            guard case let .firstCall(first) = leads.slots[slot], let row = try reader.lead(id: id),
                  var start = LeadStart(row, clock: clock, existingFrom: leads.existing.count)
            else {
                leads.slots[slot] = .readAtFirstCall
                continue
            }
            try readExistingCalls(lead: id, firstAt: calls[Int(first)].at, statement: existingCalls, into: &leads.existing)
            guard let count = Int32(exactly: leads.existing.count - Int(start.existingFrom)) else {
                leads.existing.removeLast(leads.existing.count - Int(start.existingFrom))
                leads.slots[slot] = .readAtFirstCall
                continue
            }
            start.existingCount = count
            leads.slots[slot] = .read(start)
        }
    }

    /// What is written for the lead after its last call.
    private func leadProgress(of replay: LeadReplay, lead: Int64) -> LeadProgress.Progress {
        LeadProgress.Progress(lead: lead, attempts: replay.attempts, lastAttemptAt: replay.lastAttemptAt, cadence: replay.lastOpen,
                              effectiveAt: replay.effectiveAt.map(clock.timestamp), interestedAt: replay.interestedAt.map(clock.timestamp))
    }

    /// Replays one recorded call (`rank` in time order) through its lead's cadence, held in
    /// `replays` from the lead's first call on, and keeps what the call does beyond that for later.
    /// Returns the lead after its `last` call (then let go of `replays`).
    private func replay(
        _ db: Database, lead id: Int64, slot: Int, rank: Int32, last: Bool, order: [Int32], calls: inout [Pending], extras: [Extra],
        agents: [Result<Agent, CallOpsError>], reader: LeadProgress.CadenceReader, existing: (calls: BulkStatement, policies: BulkStatement),
        leads: inout ReplayLeads, replays: inout [Int64: LeadReplay], openCallbacks: inout [Int64: Int], effects: inout [Effect],
        sparse: inout Sparse,
        deltas: inout ActivityAggregate.CallDeltas, summary: inout CallImportSummary
    ) throws -> LeadReplay? {
        let i = Int(order[Int(rank)])
        var call = calls[i]
        guard case let .success(agent) = agents[Int(call.agent)] else { return nil }
        var lead: LeadReplay
        if let known = replays.removeValue(forKey: id) {
            lead = known
        } else if case let .read(start) = leads.slots[slot] {
            let from = Int(start.existingFrom)
            lead = LeadReplay(state: start.cadence, status: start.status.rawValue, agent: start.agent == .min ? nil : start.agent,
                              holdsCallback: start.holdsCallback, existing: leads.existing[from..<from + Int(start.existingCount)],
                              firstDay: clock.day(call.at))
            leads.slots[slot] = .replaying
        } else {
            guard let loaded = try load(lead: id, firstAt: call.at, reader: reader, existingCalls: existing.calls) else { return nil }
            lead = loaded
        }
        // An agent's open callbacks: the table's count before the import, then as the calls change it.
        func openCount(_ agent: Int64) -> Int { openCallbacks[agent] ?? 0 }
        let extra = call.extra < 0 ? nil : extras[Int(call.extra)]
        let input = CallInput(
            callID: call.callID, agentCode: agent.code, leadID: id, startedAt: call.at, talkSeconds: Int(call.talk),
            disposition: call.disposition, callbackAt: sparse.callbacks[Int32(i)],
            sale: extra?.sale)
        let day = clock.day(call.at)
        if day != lead.day {
            lead.day = day
            lead.callsOnDay = 0
        }
        let before = lead.state
        var callbackRoom = true
        if let chosen = recorder.callbackCapped(input, before: before) {
            let open = openCount(lead.agent ?? agent.id)
            callbackRoom = open < settings.leads.recycling.maxOpenCallbacks
            if !callbackRoom {
                summary.warnings.append(.init(line: Int(call.line), field: "callback_at",
                                              reason: recorder.callbackCapNote(lead: id, open: open, chosen: chosen)))
            }
        }
        let step = recorder.step(input, before: before, attemptsToday: (lead.existingOnDay?[day] ?? 0) + lead.callsOnDay,
                                 callbackRoom: callbackRoom)
        lead.callsOnDay += 1
        lead.attempts += 1
        let at = clock.timestamp(call.at)
        if at > lead.lastAttemptAt {
            lead.lastAttemptAt = at
            lead.lastAttemptDate = call.at
        }
        call.contact = step.contact
        call.effective = step.effective
        if let followUp = step.followUp {
            call.followUp = Int8(exactly: followUp) ?? Self.wide
            if call.followUp == Self.wide { sparse.followUps[Int32(i)] = followUp }
        } else {
            call.followUp = -1
        }
        if input.callbackAt != nil || step.callbackAt != nil { sparse.callbacks[Int32(i)] = step.callbackAt }
        // A customer's servicing agent calls their own customer, whoever sold the policy (as in
        // `CallRecorder.record`; a hand-over is always older than the file's calls).
        let servesCustomer = try lead.status == "won" && lead.agent != agent.id
            && (lead.sellers.contains(agent.id) || CustomerServicing.serves(db, agent: agent.id, customer: id))
        call.othersLead = lead.agent != agent.id && !servesCustomer
        call.recorded = true
        calls[i] = call
        // What the call adds to `activity_day`, as its trigger would have added it.
        let callDay = String(at.prefix(10))
        deltas.call(agent: agent.id, day: callDay, contact: call.contact, effective: call.effective, talk: Int(call.talk))
        let pair = AgentMonth(agent: agent.id, month: callDay.prefix(7))
        lead.worked[pair] = deltas.first(\.leadsWorked, agent: agent.id, day: callDay, first: lead.worked[pair])
        if call.disposition == .proposal {
            if !lead.policiesRead {
                // Policies sold before this import (this import's sales come after its calls,
                // through the policy table's own trigger).
                lead.policiesRead = true
                existing.policies.bind(1, id)
                existing.policies.bind(2, String(callDay.prefix(7)))
                while try existing.policies.nextRow() {
                    guard let at = existing.policies.text(0), let agent = existing.policies.int64(1) else { continue }
                    let day = String(at.prefix(10)), key = AgentMonth(agent: agent, month: day.prefix(7))
                    lead.proposed[key] = min(lead.proposed[key] ?? day, day)
                }
            }
            lead.proposed[pair] = deltas.first(\.proposals, agent: agent.id, day: callDay, first: lead.proposed[pair])
        }
        summary.imported += 1
        if call.othersLead { summary.onOthersLeads += 1 }
        var effect = Effect(rank: rank, call: Int32(i), lead: id, leadAgent: lead.agent)
        let statusBefore = lead.status
        if before.outcome == .open {
            let update = recorder.progressUpdate(step, at: at)
            lead.lastOpen = update
            lead.lastOpenAfter = step.after
            lead.lastOpenDate = call.at
            if update.effective && lead.effectiveAt == nil { lead.effectiveAt = call.at }
            if update.interested && lead.interestedAt == nil { lead.interestedAt = call.at }
            lead.state = step.after
            if let ended = update.ended {
                effect.ended = ended
                lead.status = ended.status.rawValue
                if ended.status == .dnc { lead.agent = nil }
            }
        }
        effect.stabilizes = step.contact && statusBefore == "won"
        if call.disposition == .dnc {
            effect.doNotCall = true
            // `DoNotCall.add` closes the lead when its number is newly listed and it is not
            // already closed for good.
            if lead.listed == nil { lead.listed = try DoNotCall.contains(db, phone: try LeadProgress.lead(db, id: id)?.phone ?? "") }
            if lead.listed == false {
                lead.listed = true
                if ["pool", "open", "exhausted"].contains(lead.status) {
                    lead.status = LeadStatus.dnc.rawValue
                    lead.agent = nil
                }
            }
        }
        if call.disposition == .sale && extra?.sale != nil {
            effect.sale = true
            summary.sales += 1
            lead.status = LeadStatus.won.rawValue
            if lead.servedOnRoster == nil { lead.servedOnRoster = try CustomerServicing.servingAgentOnRoster(db, customer: id) != nil }
            if lead.servedOnRoster == false {
                lead.sellers.append(agent.id)
                lead.servedOnRoster = agent.status != .left
            }
        }
        lead.state.outcome = try CallRecorder.outcome(status: lead.status, lead: id)
        // The lead counts among its agent's open callbacks while open with a callback held.
        let holds = lead.status == "open" && lead.state.callbackAt != nil ? lead.agent : nil
        if holds != lead.holds {
            if let old = lead.holds { openCallbacks[old] = openCount(old) - 1 }
            if let new = holds { openCallbacks[new] = openCount(new) + 1 }
            lead.holds = holds
        }
        if effect.ended != nil || effect.stabilizes || effect.doNotCall || effect.sale { effects.append(effect) }
        guard last else {
            replays[id] = lead
            return nil
        }
        return lead
    }

    /// Runs one call's own effects, in the order `CallRecorder.record` runs them.
    private func apply(_ db: Database, _ effect: Effect, call: Pending, extras: [Extra], agents: [Result<Agent, CallOpsError>],
                       closings: LeadLedger.ClosingLines) throws {
        let callClock = clock.moved(to: call.at)
        if let ended = effect.ended {
            // The lead itself was closed by its one write (`ProgressWriter`).
            try closings.write(lead: effect.lead, agent: effect.leadAgent, status: ended.status, reason: ended.reason,
                               at: callClock.nowTimestamp)
        }
        if effect.stabilizes {
            try db.cachedStatement(sql: "UPDATE policy SET stabilized_at = ? WHERE lead_id = ? AND status = 'in_force' AND stabilized_at IS NULL AND sold_at <= ?")
                .execute(arguments: [clock.timestamp(call.at), effect.lead,
                                     clock.timestamp(clock.adding(days: -settings.sales.stabilizationDays, to: call.at))])
        }
        guard effect.doNotCall || effect.sale, let lead = try LeadProgress.lead(db, id: effect.lead) else { return }
        if effect.doNotCall {
            _ = try DoNotCall.add(db, phones: [lead.phone], source: "call \(call.callID)", clock: callClock)
        }
        if effect.sale, let sale = extras[Int(call.extra)].sale, case let .success(agent) = agents[Int(call.agent)] {
            _ = try Sales(settings: settings, clock: callClock).create(db, lead: lead, agent: agent, sale: sale, at: call.at)
        }
    }
}
