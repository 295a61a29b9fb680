import CallOpsCore
import CallOpsStore
import Foundation
import LeadData

/// The calls import's leads read before the replay and written after it, each once and in lead id
/// order, instead of one read at the lead's first call and one write after its last call, both in
/// the calls' time order: a page of the lead table is then read and written once, where time
/// order reads and dirties it again for every lead on it, beyond what the page cache holds.
/// Measured on 1,000,000 calls on 1,000,000 leads (2026-11-30): the replay took 18.6 s in time
/// order, reads and writes included; now the read takes 2.5 s, the replay 3.0 s and the write
/// 4.5 s.
///
/// The leads are held in compact forms (`LeadStart`, `LeadEnd`: 48 bytes a lead) between their
/// read and their first call, and between their last call and their write. A lead whose columns
/// do not fit them (a stored value the cadence refuses, a time with a fraction of a second or
/// outside 1933–2069, a count past 2^31) is read at its first call and written after its last,
/// as before.
extension BulkCallImport {
    /// A time in 4 bytes: whole seconds from 2001-01-01 (`Date`'s reference date), or `none`.
    enum CompactTime {
        static let none = Int32.min

        /// The time's compact form (`none` for no time); nil when it has none.
        static func of(_ date: Date?) -> Int32? {
            guard let date else { return none }
            guard let seconds = Int32(exactly: date.timeIntervalSinceReferenceDate), seconds != none else { return nil }
            return seconds
        }

        static func date(_ seconds: Int32) -> Date? {
            seconds == none ? nil : Date(timeIntervalSinceReferenceDate: TimeInterval(seconds))
        }

        /// An open cadence from the columns `LeadStart` and `LeadEnd` hold.
        static func cadence(stage: Stage, followUps: Int32, unanswered: Int32, lastContactAt: Int32, nextDueAt: Int32,
                            callbackAt: Int32) -> CadenceState {
            var state = CadenceState()
            state.stage = stage
            state.followUps = Int(followUps)
            state.unanswered = Int(unanswered)
            state.lastContactAt = date(lastContactAt)
            state.nextDueAt = date(nextDueAt)
            state.callbackAt = date(callbackAt)
            return state
        }
    }

    /// A call already in the table on a lead, from the month of the lead's first call in the file on.
    struct ExistingCall {
        /// `2026-11-23`: ten bytes, held in the string itself.
        var day: String
        var agent: Int64
        var proposal: Bool
    }

    /// A lead's cadence columns as read before the replay; its calls already in the table are
    /// `existing[existingFrom..<existingFrom + existingCount]`.
    struct LeadStart {
        /// `Int64.min` for none.
        var agent: Int64
        var lastContactAt: Int32
        var nextDueAt: Int32
        var callbackAt: Int32
        var followUps: Int32
        var unanswered: Int32
        var existingFrom: Int32
        var existingCount: Int32
        var status: LeadStatus
        var stage: Stage
        /// Whether the lead counts among its agent's open callbacks: open, with a callback held.
        var holdsCallback: Bool

        /// The row's compact form; nil when the row does not fit it (then `load` reads it).
        init?(_ row: LeadProgress.CadenceRow, clock: Clock, existingFrom: Int) {
            guard let status = LeadStatus(rawValue: row.status), let stage = row.stage.flatMap(Stage.init(rawValue:)), row.agentID != .min,
                  let followUps = Int32(exactly: min(max(row.followUps, 0), InputRange.maximumCount)),
                  let unanswered = Int32(exactly: row.unanswered),
                  let lastContactAt = CompactTime.of(row.lastContactAt.flatMap(clock.parse)),
                  let nextDueAt = CompactTime.of(row.nextDueAt.flatMap(clock.parse)),
                  let callbackAt = CompactTime.of(row.callbackAt.flatMap(clock.parse)),
                  let from = Int32(exactly: existingFrom)
            else { return nil }
            self.agent = row.agentID ?? .min
            self.lastContactAt = lastContactAt
            self.nextDueAt = nextDueAt
            self.callbackAt = callbackAt
            self.followUps = followUps
            self.unanswered = unanswered
            self.existingFrom = from
            self.existingCount = 0
            self.status = status
            self.stage = stage
            self.holdsCallback = row.status == "open" && row.callbackAt != nil
        }

        /// The cadence `load` makes of the same row.
        var cadence: CadenceState {
            var state = CompactTime.cadence(stage: stage, followUps: followUps, unanswered: unanswered, lastContactAt: lastContactAt,
                                            nextDueAt: nextDueAt, callbackAt: callbackAt)
            state.outcome = CallRecorder.outcome(status)
            return state
        }
    }

    /// What is written for a lead after its last call (`LeadProgress.Progress`).
    struct LeadEnd {
        var attempts: Int32
        var lastAttemptAt: Int32
        var effectiveAt: Int32
        var interestedAt: Int32
        /// The cadence after the last call made while the lead was open, when `open`.
        var openAt: Int32
        var lastContactAt: Int32
        var nextDueAt: Int32
        var callbackAt: Int32
        var followUps: Int32
        var unanswered: Int32
        /// The reason the cadence ended (`ReplayLeads.reasons`), when `ended`.
        var reason: Int32
        var stage: Stage
        var open: Bool
        var ended: LeadStatus?

        /// The replay's compact form; nil when it does not fit.
        init?(_ replay: LeadReplay, reasons: inout ReplayLeads.Reasons) {
            guard let attempts = Int32(exactly: replay.attempts),
                  let lastAttemptAt = CompactTime.of(replay.lastAttemptDate),
                  let effectiveAt = CompactTime.of(replay.effectiveAt), let interestedAt = CompactTime.of(replay.interestedAt)
            else { return nil }
            self.attempts = attempts
            self.lastAttemptAt = lastAttemptAt
            self.effectiveAt = effectiveAt
            self.interestedAt = interestedAt
            let after = replay.lastOpenAfter
            guard let openAt = CompactTime.of(replay.lastOpenDate), let lastContactAt = CompactTime.of(after.lastContactAt),
                  let nextDueAt = CompactTime.of(after.nextDueAt), let callbackAt = CompactTime.of(after.callbackAt),
                  let followUps = Int32(exactly: after.followUps), let unanswered = Int32(exactly: after.unanswered)
            else { return nil }
            self.openAt = openAt
            self.lastContactAt = lastContactAt
            self.nextDueAt = nextDueAt
            self.callbackAt = callbackAt
            self.followUps = followUps
            self.unanswered = unanswered
            self.stage = after.stage
            self.open = replay.lastOpen != nil
            self.ended = replay.lastOpen?.ended?.status
            self.reason = replay.lastOpen?.ended.map { reasons.index($0.reason) } ?? 0
        }

        /// The progress the replay's own would be (`BulkCallImport.leadProgress(of:lead:)`).
        func progress(lead: Int64, clock: Clock, recorder: CallRecorder, reasons: ReplayLeads.Reasons) -> LeadProgress.Progress {
            func text(_ seconds: Int32) -> String? { CompactTime.date(seconds).map(clock.timestamp) }
            var cadence: LeadProgress.Update?
            if open {
                let after = CompactTime.cadence(stage: stage, followUps: followUps, unanswered: unanswered, lastContactAt: lastContactAt,
                                                nextDueAt: nextDueAt, callbackAt: callbackAt)
                cadence = recorder.cadenceColumns(after, at: text(openAt) ?? "")
                cadence?.ended = ended.map { ($0, reasons.texts[Int(reason)]) }
            }
            return LeadProgress.Progress(lead: lead, attempts: Int(attempts), lastAttemptAt: text(lastAttemptAt) ?? "",
                                         cadence: cadence, effectiveAt: text(effectiveAt), interestedAt: text(interestedAt))
        }
    }

    /// Where a lead of the file's recorded calls is, from before the replay to its write.
    enum LeadSlot {
        /// Not read yet: the index in `calls` of the lead's first recorded call.
        case firstCall(Int32)
        /// Read, waiting for its first call.
        case read(LeadStart)
        /// Read at its first call by `load` (a row `LeadStart` does not hold, or no row).
        case readAtFirstCall
        /// Between its first call and its last (in `replays`).
        case replaying
        /// After its last call, waiting to be written.
        case ended(LeadEnd)
        /// Written after its last call.
        case written
    }

    /// The leads of the recorded calls, each once in id order, and where each stands.
    struct ReplayLeads {
        /// Lead ids, ascending.
        var ids: [Int64]
        var slots: [LeadSlot]
        /// The calls already in the table on the leads read (`LeadStart.existingFrom`).
        var existing: [ExistingCall] = []
        var reasons = Reasons()

        /// The reasons the leads' cadences ended, each held once ("sold", "refused", ...).
        struct Reasons {
            var texts: [String] = []
            var indices: [String: Int32] = [:]

            mutating func index(_ text: String) -> Int32 {
                if let known = indices[text] { return known }
                texts.append(text)
                indices[text] = Int32(texts.count - 1)
                return Int32(texts.count - 1)
            }
        }

        /// `leads`: the lead of each recorded call (each lead once or more, in any order).
        init(leads: [Int64]) {
            var ids = leads
            ids.sort()
            var unique = 0
            for id in ids where unique == 0 || ids[unique - 1] != id {
                ids[unique] = id
                unique += 1
            }
            ids.removeLast(ids.count - unique)
            self.ids = ids
            slots = [LeadSlot](repeating: .readAtFirstCall, count: ids.count)
        }

        /// The slot of a lead of a recorded call.
        func slot(_ lead: Int64) -> Int {
            var (low, high) = (0, ids.count)
            while low < high {
                let middle = (low + high) / 2
                if ids[middle] < lead { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }
}
