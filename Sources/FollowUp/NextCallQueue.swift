import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster

/// Why a lead is in the queue, in the SPEC's order of service.
public enum QueueReason: String, Codable, CaseIterable, Sendable {
    case callback, stabilize, renewal, programme, followUp = "follow_up", retry, new
}

/// One row of an agent's next-call queue.
public struct QueueEntry: Encodable, Equatable, Sendable {
    public var leadID: Int64
    public var name: String?
    public var phone: String
    public var grade: String
    public var reason: QueueReason
    /// The coming follow-up (1 to 5), or nil for an opening call, a stabilisation or a callback before contact.
    public var followUp: Int?
    public var dueAt: String
    public var purpose: String
    /// A short label: `callback`, `follow_up 3/5`, `new A`.
    public var why: String
    /// The policy a stabilisation call is about.
    public var policyID: Int64?

    enum CodingKeys: String, CodingKey {
        case leadID = "lead_id"
        case name, phone, grade, reason, purpose, why
        case followUp = "follow_up"
        case dueAt = "due_at"
        case policyID = "policy_id"
    }

    /// Every key, null included: `follow_up` is part of the JSON contract even when empty.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(leadID, forKey: .leadID)
        try c.encode(name, forKey: .name)
        try c.encode(phone, forKey: .phone)
        try c.encode(grade, forKey: .grade)
        try c.encode(reason, forKey: .reason)
        try c.encode(followUp, forKey: .followUp)
        try c.encode(dueAt, forKey: .dueAt)
        try c.encode(purpose, forKey: .purpose)
        try c.encode(why, forKey: .why)
        try c.encode(policyID, forKey: .policyID)
    }
}

/// `callops queue next`: whom the agent calls next and why (SPEC section 6).
public struct NextCallQueue {
    let settings: Settings
    let clock: Clock

    public init(settings: Settings, clock: Clock) {
        self.settings = settings
        self.clock = clock
    }

    /// The agent's queue now: callbacks due, stabilisation calls, renewal premiums due within
    /// `renewals.queue_days`, programme contacts due (`programmes.queue_days`), follow-ups (hottest first,
    /// then most overdue), retries, then fresh leads (A, B, C, newest assignment first). Empty
    /// outside the calling windows; never a DNC number.
    public func entries(_ db: Database, agent code: String, limit: Int? = nil) throws -> [QueueEntry] {
        let agent = try Roster.agent(db, code: code)
        let windows = try CallingWindows(settings.cadence.windows)
        guard windows.contains(clock.now, clock: clock) else { return [] }
        let now = clock.nowTimestamp
        // (group in the SPEC's order, heat or grade within it, entry); times order within a
        // group: earliest due first, but fresh leads newest assignment first.
        var entries: [(group: Int, sub: Int, entry: QueueEntry)] = []
        let total = settings.cadence.intervals.count
        // With `rank_by = "score"` in force, fresh leads go by expected premium, unscored ones after.
        let scoreRanks = try LeadRanking.freshRanks(db, settings: settings, agent: agent.id)

        for policy in try Sales(settings: settings, clock: clock).stabilizationsDue(db, agent: agent.id) {
            guard let lead = try LeadProgress.lead(db, id: policy.leadID), !(try DoNotCall.contains(db, phone: lead.phone)) else { continue }
            let sold = try StoredValue.time(policy.soldAt, clock: clock, table: "policy", column: "sold_at", id: policy.id)
            let freeLookEnds = clock.day(clock.adding(days: settings.sales.freeLookDays - 1, to: sold))
            let due = clock.timestamp(clock.adding(days: settings.sales.stabilizationDays, to: sold))
            entries.append((1, 0, QueueEntry(
                leadID: lead.id, name: lead.name, phone: lead.phone, grade: lead.grade, reason: .stabilize, followUp: nil, dueAt: due,
                purpose: "stabilisation: confirm \(policy.product) was the right choice (free-look until \(freeLookEnds))",
                why: "stabilize", policyID: policy.id)))
        }
        for premium in try Renewals(settings: settings, clock: clock).due(db, within: settings.renewals.queueDays, agent: agent.id) {
            guard let lead = try LeadProgress.lead(db, id: premium.leadID), !(try DoNotCall.contains(db, phone: lead.phone)) else { continue }
            let when = premium.daysOverdue > 0 ? "was due on \(premium.dueOn), grace until \(premium.graceUntil)" : "due on \(premium.dueOn)"
            entries.append((1, 1, QueueEntry(
                leadID: lead.id, name: lead.name, phone: lead.phone, grade: lead.grade, reason: .renewal, followUp: nil,
                dueAt: firstSlot(premium.dueOn, windows),
                purpose: "renewal: premium \(premium.installment) of \(premium.product), \(premium.amount) yuan, \(when)",
                why: "renewal", policyID: premium.policyID)))
        }
        // Programme contacts due (seed 003's 121 / 121N), after renewals.
        for contact in try Programmes(settings: settings, clock: clock).queueContacts(db, agent: agent.id) {
            guard let lead = try LeadProgress.lead(db, id: contact.leadID), !(try DoNotCall.contains(db, phone: lead.phone)) else { continue }
            entries.append((1, 2, QueueEntry(
                leadID: lead.id, name: lead.name, phone: lead.phone, grade: lead.grade, reason: .programme, followUp: nil,
                dueAt: firstSlot(contact.dueOn, windows), purpose: contact.purpose, why: "programme", policyID: nil)))
        }
        for lead in try LeadProgress.openLeads(db, agent: agent.id) {
            let stage = try StoredValue.enum(Stage.self, lead.stage, table: "lead", column: "stage", id: lead.id)
            let followUps = try StoredValue.checked(lead.followUps, in: 0...InputRange.maximumCount, table: "lead", column: "follow_ups", id: lead.id)
            let coming: Int? = stage == .new ? nil : followUps + 1
            // The times below are compared as text: a malformed one (2026-13-45, "yesterday")
            // would silently drop the lead, so it is the named error instead.
            for (column, value) in [("callback_at", lead.callbackAt), ("next_due_at", lead.nextDueAt),
                                    ("last_attempt_at", lead.lastAttemptAt), ("assigned_at", lead.assignedAt)] {
                if let value { _ = try StoredValue.time(value, clock: clock, table: "lead", column: column, id: lead.id) }
            }
            let neverCalledSinceAssigned = lead.lastAttemptAt == nil || lead.lastAttemptAt! < (lead.assignedAt ?? "")
            if let callback = lead.callbackAt {
                guard callback <= now else { continue }
                entries.append((0, 0, entry(lead, .callback, coming, callback, "callback")))
            } else if neverCalledSinceAssigned && stage == .new && lead.unanswered == 0 {
                var gradeRank = ["A": 0, "B": 1, "C": 2][lead.grade] ?? 3
                if let scoreRanks { gradeRank = scoreRanks[lead.id] ?? scoreRanks.count + gradeRank }
                entries.append((4, gradeRank, entry(lead, .new, nil, lead.assignedAt ?? now, "new \(lead.grade)")))
            } else if let due = lead.nextDueAt, due <= now {
                if stage == .new {
                    entries.append((3, 0, entry(lead, .retry, nil, due, "retry \(lead.unanswered + 1)")))
                } else {
                    let heat = ["proposal": 0, "interested": 1, "connected": 2][lead.stage] ?? 3
                    entries.append((2, heat, entry(lead, .followUp, coming, due, "follow_up \(coming ?? 1)/\(total)")))
                }
            }
        }
        entries.sort { a, b in
            if a.group != b.group { return a.group < b.group }
            if a.sub != b.sub { return a.sub < b.sub }
            if a.entry.dueAt != b.entry.dueAt { return (a.entry.dueAt < b.entry.dueAt) != (a.group == 4) }
            return a.entry.leadID < b.entry.leadID
        }
        return try paced(db, entries.map(\.entry), limit: limit)
    }

    /// A contact due on a day is due at that day's first calling slot (SPEC section 6: the
    /// calling windows bound every due time), never at its midnight.
    private func firstSlot(_ day: String, _ windows: CallingWindows) -> String {
        guard let date = clock.parseDay(day) else { return day }
        return clock.timestamp(windows.firstOpen(onDayOf: date, clock: clock))
    }

    /// The rows that may be called now, in order, one a customer: every kind of row keeps to the
    /// calls-a-day limit, and a stabilisation or renewal call to the retry gap after an unanswered
    /// call and (a renewal reminder) the reminder interval after a contact (SPEC section 6).
    /// Checked row by row in queue order only until the limit is reached.
    private func paced(_ db: Database, _ entries: [QueueEntry], limit: Int?) throws -> [QueueEntry] {
        let pacing = QueuePacing(settings: settings)
        let now = clock.nowTimestamp
        let dayStart = clock.timestamp(clock.startOfDay(clock.now))
        var served: [QueueEntry] = []
        var seen = Set<Int64>()
        for entry in entries {
            if let limit, served.count >= limit { break }
            guard !seen.contains(entry.leadID) else { continue }
            // A renewal reminder counts contacts since the premium entered the queue.
            var reminderSince = dayStart
            if entry.reason == .renewal, let dueOn = clock.parseDay(String(entry.dueAt.prefix(10))) {
                reminderSince = min(dayStart, clock.timestamp(clock.adding(days: -settings.renewals.queueDays, to: dueOn)))
            }
            let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT COALESCE(SUM(started_at >= ?1), 0), MAX(CASE WHEN started_at >= ?1 THEN started_at END),
                       MAX(CASE WHEN contact THEN started_at END)
                FROM call WHERE lead_id = ?3 AND started_at >= ?2 AND started_at <= ?4
                """), arguments: [dayStart, reminderSince, entry.leadID, now])
            let callsToday: Int = row?[0] ?? 0
            switch entry.reason {
            case .stabilize, .renewal, .programme:
                let lastAttempt = try row.flatMap { try StoredValue.optional(String.self, $0, at: 1, table: "call") }.flatMap(clock.parse)
                let lastContact = entry.reason == .renewal ? try row.flatMap { try StoredValue.optional(String.self, $0, at: 2, table: "call") }.flatMap(clock.parse) : nil
                guard let due = pacing.serviceDue(from: clock.now, callsToday: callsToday, lastAttemptToday: lastAttempt,
                                                  lastReminderContact: lastContact, clock: clock), due <= clock.now else { continue }
            default:
                guard pacing.allowsAnotherCall(callsToday: callsToday) else { continue }
            }
            seen.insert(entry.leadID)
            served.append(entry)
        }
        return served
    }

    private func entry(_ lead: LeadProgress.Snapshot, _ reason: QueueReason, _ followUp: Int?, _ due: String, _ why: String) -> QueueEntry {
        let purpose = reason == .retry ? "retry: " + Cadence.purpose(followUp: nil) : Cadence.purpose(followUp: followUp)
        return QueueEntry(leadID: lead.id, name: lead.name, phone: lead.phone, grade: lead.grade, reason: reason, followUp: followUp,
                          dueAt: due, purpose: purpose, why: why, policyID: nil)
    }
}

extension QueueEntry: TabularRow {
    public static var blank: QueueEntry {
        QueueEntry(leadID: 0, name: "", phone: "", grade: "", reason: .new, followUp: 1, dueAt: "", purpose: "", why: "", policyID: 0)
    }
}
