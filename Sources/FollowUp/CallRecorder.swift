import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster

/// One call to record, from the dialer's file or from `calls log`.
public struct CallInput: Sendable {
    public var callID: String
    public var agentCode: String
    public var leadID: Int64?
    public var phone: String?
    public var startedAt: Date
    public var talkSeconds: Int
    public var disposition: Disposition
    public var callbackAt: Date?
    public var sale: SaleInput?
    public var note: String?

    public init(callID: String, agentCode: String, leadID: Int64? = nil, phone: String? = nil, startedAt: Date, talkSeconds: Int,
                disposition: Disposition, callbackAt: Date? = nil, sale: SaleInput? = nil, note: String? = nil) {
        self.callID = callID
        self.agentCode = agentCode
        self.leadID = leadID
        self.phone = phone
        self.startedAt = startedAt
        self.talkSeconds = talkSeconds
        self.disposition = disposition
        self.callbackAt = callbackAt
        self.sale = sale
        self.note = note
    }
}

/// What recording one call did.
public enum CallOutcome: Equatable, Sendable {
    /// Recorded; `othersLead` when the lead belongs to another agent; the lead's status after
    /// (`open` while its cadence runs).
    case recorded(othersLead: Bool, status: String)
    /// The call id was recorded before.
    case duplicate
}

/// Records calls: the call row, the lead's cadence, do-not-call requests and sales.
public struct CallRecorder {
    let settings: Settings
    let cadence: Cadence
    let clock: Clock

    public init(settings: Settings, clock: Clock) throws {
        self.settings = settings
        self.clock = clock
        self.cadence = try Cadence(rules: settings.cadence, clock: clock)
    }

    /// Records one call in the caller's transaction.
    public func record(_ db: Database, _ input: CallInput) throws -> CallOutcome {
        var notes: [String] = []
        return try record(db, input, notes: &notes)
    }

    /// Records one call in the caller's transaction; `notes` gets what the caller should be told
    /// (a callback past the agent's cap, kept as a follow-up).
    public func record(_ db: Database, _ input: CallInput, notes: inout [String]) throws -> CallOutcome {
        guard (0...InputRange.maximumTalkSeconds).contains(input.talkSeconds) else {
            throw CallOpsError.invalidValue(field: "talk_seconds", value: String(input.talkSeconds), expected: "seconds of conversation from 0 to 86400")
        }
        if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM call WHERE call_id = ?"), arguments: [input.callID]) == true {
            return .duplicate
        }
        if input.disposition == .sale && input.sale == nil {
            throw CallOpsError.invalidValue(field: "product", value: "", expected: "a sale that names its product and premium (a policy)")
        }
        let agent = try Roster.agent(db, code: input.agentCode)
        if let away = try Roster.absence(db, agent: agent, on: clock.civilDay(input.startedAt)) {
            throw Self.awayRefusal(away, agent: agent.code, day: clock.civilDay(input.startedAt))
        }
        let found: LeadProgress.Snapshot?
        if let id = input.leadID {
            found = try LeadProgress.lead(db, id: id)
        } else if let phone = input.phone {
            found = try LeadProgress.lead(db, phone: phone)
        } else {
            found = nil
        }
        guard let lead = found else { throw Self.leadNotFound(input) }
        // A sale's own refusal (its product, premium, the insured's age) before the number's, in
        // the order the bulk import checks them; `Sales.create` checks it again.
        if input.disposition == .sale, let sale = input.sale { _ = try Sales(settings: settings, clock: clock).check(sale, leadAge: lead.age) }
        if let listed = try DoNotCall.listedAt(db, phone: lead.phone),
           let refusal = try Self.listedRefusal(disposition: input.disposition, at: input.startedAt, listedAt: listed, phone: { lead.phone }, clock: clock) {
            throw refusal
        }
        let at = clock.timestamp(input.startedAt)
        let day = clock.day(input.startedAt)
        let attemptsToday = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM call WHERE lead_id = ? AND started_at >= ? AND started_at < ?"),
            arguments: [lead.id, day, clock.day(clock.adding(days: 1, to: input.startedAt))]) ?? 0
        let before = try state(of: lead)
        // An agent holds at most `max_open_callbacks` (SPEC section 5); past it the customer's time
        // is kept as a follow-up due then.
        var callbackRoom = true
        if let chosen = callbackCapped(input, before: before) {
            let open = try LeadProgress.openCallbacks(db, agent: lead.agentID ?? agent.id)
            callbackRoom = open < settings.leads.recycling.maxOpenCallbacks
            if !callbackRoom { notes.append(callbackCapNote(lead: lead.id, open: open, chosen: chosen)) }
        }
        let step = self.step(input, before: before, attemptsToday: attemptsToday, callbackRoom: callbackRoom)
        let (contact, callbackAt, followUp) = (step.contact, step.callbackAt, step.followUp)
        // A customer's servicing agent calls their own customer, whoever sold the policy.
        let servesCustomer = try lead.status == "won" && CustomerServicing.serves(db, agent: agent.id, customer: lead.id)
        let othersLead = lead.agentID != agent.id && !servesCustomer

        // The call's row stays one cached statement, not a record: every call of `calls log`, of
        // the non-bulk import and of the demo's simulated month is written here.
        try db.cachedStatement(sql: """
            INSERT INTO call (call_id, lead_id, agent_id, started_at, talk_seconds, disposition, contact, effective, follow_up,
                              callback_at, note, on_others_lead)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [input.callID, lead.id, agent.id, at, input.talkSeconds, input.disposition.rawValue, contact,
                             step.effective, followUp, callbackAt.map(clock.timestamp), input.note, othersLead])
        let callClock = clock.moved(to: input.startedAt)
        if before.outcome == .open {
            try LeadProgress.record(db, lead: lead.id, agent: lead.agentID, update: progressUpdate(step, at: at), clock: callClock)
        } else {
            try LeadProgress.noteAttempt(db, lead: lead.id, at: at)
        }
        // A contact on a customer whose stabilisation call is due is that call (稳单).
        if contact && lead.status == "won" {
            try db.execute(sql: "UPDATE policy SET stabilized_at = ? WHERE lead_id = ? AND status = 'in_force' AND stabilized_at IS NULL AND sold_at <= ?",
                           arguments: [at, lead.id, clock.timestamp(clock.adding(days: -settings.sales.stabilizationDays, to: input.startedAt))])
        }
        if input.disposition == .dnc {
            _ = try DoNotCall.add(db, phones: [lead.phone], source: "call \(input.callID)", clock: callClock)
        }
        if input.disposition == .sale, let sale = input.sale {
            _ = try Sales(settings: settings, clock: callClock).create(db, lead: lead, agent: agent, sale: sale, at: input.startedAt)
        }
        return .recorded(othersLead: othersLead, status: try LeadProgress.lead(db, id: lead.id)?.status ?? lead.status)
    }

    /// The cadence state a lead row holds.
    /// A status or stage no callops writes is the error naming the lead's row and column.
    func state(of lead: LeadProgress.Snapshot) throws -> CadenceState {
        var state = CadenceState()
        state.outcome = try Self.outcome(status: lead.status, lead: lead.id)
        state.stage = try StoredValue.enum(Stage.self, lead.stage, table: "lead", column: "stage", id: lead.id)
        // Clamped: a count written past its range by another tool (`callops check` lists it)
        // must not trap the cadence's increment.
        state.followUps = min(max(lead.followUps, 0), InputRange.maximumCount)
        state.unanswered = lead.unanswered
        state.lastContactAt = lead.lastContactAt.flatMap(clock.parse)
        state.nextDueAt = lead.nextDueAt.flatMap(clock.parse)
        state.callbackAt = lead.callbackAt.flatMap(clock.parse)
        return state
    }

    /// Where the cadence of a lead with this status stands: only an `open` lead's cadence runs.
    /// A known status that ends no cadence (`pool`, `retired`) reads as exhausted, as before; a
    /// status no callops writes is the error naming the lead's row (it read as exhausted silently).
    static func outcome(status: String, lead id: Int64) throws -> CadenceOutcome {
        outcome(try StoredValue.enum(LeadStatus.self, status, table: "lead", column: "status", id: id))
    }

    /// `outcome(status:lead:)` of a status already decoded.
    static func outcome(_ status: LeadStatus) -> CadenceOutcome {
        status == .open ? .open : CadenceOutcome(rawValue: status.rawValue) ?? .exhausted
    }

    /// How far a dialer's clock may run ahead of this machine's: a call dated later than now by
    /// more is refused.
    static let clockAhead: TimeInterval = 10 * 60

    /// A call dated after now (and `clockAhead`): a dialer records calls already made, so the date
    /// or the dialer's clock is wrong, and recording it would put the lead's next call and the
    /// day's figures in the future.
    static func futureRefusal(_ input: CallInput, clock: Clock) -> String? {
        guard input.startedAt > clock.now.addingTimeInterval(clockAhead) else { return nil }
        return "\(clock.timestamp(input.startedAt)) is after now (\(clock.nowTimestamp)) by more than the 10 minutes allowed for a dialer's clock running ahead; a dialer records calls already made"
    }

    /// A call by an agent dated on or after the day they left: not theirs (a dialer login
    /// reused, or a wrong date).
    static func awayRefusal(_ away: Roster.Absence, agent: String, day: CivilDay) -> CallOpsError {
        switch away {
        case let .since(leftOn):
            .refused("agent \(agent) left on \(leftOn) (the first day away); a call or sale on \(day) cannot be theirs")
        case .undated:
            .refused("agent \(agent) has left and the roster gives no leaving day, so no call or sale of theirs is recorded; give the first day away in the roster's left_on column")
        }
    }

    /// A call made after its number went on the do-not-call list, not itself a do-not-call
    /// request: the dialer still has the number (`check` holds no such call). The phone is
    /// asked for only when the call is refused.
    static func listedRefusal(disposition: Disposition, at: Date, listedAt: String, phone: () throws -> String, clock: Clock) throws -> CallOpsError? {
        guard disposition != .dnc, clock.timestamp(at) > listedAt else { return nil }
        return .refused("\(PhoneNumber.mask(try phone())) has been on the do-not-call list since \(listedAt); a call after that is refused: take the number off the dialer's lists")
    }

    /// The error of a call whose lead is not found.
    static func leadNotFound(_ input: CallInput) -> CallOpsError {
        .notFound(kind: "lead", key: input.leadID.map(String.init) ?? input.phone.map(PhoneNumber.mask) ?? "-",
                  hint: "a call must name a lead id or the phone number of a lead")
    }

    /// What one call does to its lead's cadence and how the call is classified: a pure function
    /// of the call and the state before it, shared by `record` and the bulk import.
    /// `callbackRoom`: false when the lead's agent already holds the cap of open callbacks.
    func step(_ input: CallInput, before: CadenceState, attemptsToday: Int, callbackRoom: Bool = true) -> CallStep {
        let callbackAt = movedCallback(input)
        let call = CadenceCall(at: input.startedAt, disposition: input.disposition, talkSeconds: input.talkSeconds, callbackAt: callbackAt,
                               callbackRoom: callbackRoom)
        let after = cadence.apply(call, to: before, attemptsToday: attemptsToday)
        let contact = input.disposition.isContact(talkSeconds: input.talkSeconds)
        let followUp: Int? = contact && before.outcome == .open ? (before.stage == .new ? 0 : before.followUps + 1) : nil
        return CallStep(after: after, contact: contact, effective: contact && input.talkSeconds >= settings.cadence.effectiveCallSeconds,
                        followUp: followUp, callbackAt: callbackAt)
    }

    /// The customer's chosen time moved into a calling window.
    func movedCallback(_ input: CallInput) -> Date? {
        input.callbackAt.map { cadence.windows.nextOpen(atOrAfter: $0, clock: clock) }
    }

    /// The chosen time (moved into a window) when this call would make a new open callback, so
    /// the agent's cap of open callbacks decides it: a callback in the future on an open lead
    /// that holds none yet. Nil when the cap does not apply.
    func callbackCapped(_ input: CallInput, before: CadenceState) -> Date? {
        guard input.disposition == .callback, before.outcome == .open, before.callbackAt == nil,
              let chosen = movedCallback(input), chosen > input.startedAt else { return nil }
        return chosen
    }

    /// The warning of a callback past the cap, kept as a follow-up.
    func callbackCapNote(lead: Int64, open: Int, chosen: Date) -> String {
        "lead \(lead): its agent already holds \(open) open callbacks (the cap is \(settings.leads.recycling.maxOpenCallbacks)); kept as a follow-up due \(clock.timestamp(chosen))"
    }

    /// The lead's new cadence columns after a call on an open lead, at `at` (stored text).
    func progressUpdate(_ step: CallStep, at: String) -> LeadProgress.Update {
        var update = cadenceColumns(step.after, at: at)
        update.contact = step.contact
        update.effective = step.effective
        return update
    }

    /// The lead's cadence columns in the state `after` a call made `at` (the call's own
    /// `contact` and `effective` left false: `progressUpdate` sets them).
    func cadenceColumns(_ after: CadenceState, at: String) -> LeadProgress.Update {
        let ended: (LeadStatus, String)? = after.outcome == .open ? nil : (LeadStatus(rawValue: after.outcome.rawValue)!, after.endReason ?? "")
        return LeadProgress.Update(
            at: at, contact: false, effective: false,
            interested: after.stage >= .interested, stage: after.stage.rawValue, followUps: after.followUps,
            unanswered: after.unanswered, lastContactAt: after.lastContactAt.map(clock.timestamp),
            nextDueAt: after.nextDueAt.map(clock.timestamp), callbackAt: after.callbackAt.map(clock.timestamp),
            ended: ended)
    }
}

/// One call's effect: the lead's cadence state after it, and the call's own columns.
struct CallStep {
    var after: CadenceState
    var contact: Bool
    var effective: Bool
    /// Which follow-up the call was (0 for the opening call); nil when not a contact of an open lead.
    var followUp: Int?
    /// The customer's chosen time, moved into a calling window.
    var callbackAt: Date?
}
