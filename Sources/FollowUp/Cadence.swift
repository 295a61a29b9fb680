import CallOpsCore
import Foundation

/// How a call ended, as the dialer or the agent records it (SPEC section 6).
public enum Disposition: String, Codable, CaseIterable, Sendable {
    case noAnswer = "no_answer", busy, invalidNumber = "invalid_number", connected, interested, callback, proposal, sale, refused, dnc

    /// A contact is a call with talk time whose disposition is not no_answer, busy or invalid_number;
    /// a callback is always one (the customer spoke to choose a time), whatever talk was recorded.
    public func isContact(talkSeconds: Int) -> Bool {
        self == .callback || (talkSeconds > 0 && ![.noAnswer, .busy, .invalidNumber].contains(self))
    }
}

/// How far a prospect has come; the queue serves the hottest first.
public enum Stage: String, Codable, CaseIterable, Sendable, Comparable {
    case new, connected, interested, proposal

    public static func < (lhs: Stage, rhs: Stage) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Where a lead's cadence ends.
public enum CadenceOutcome: String, Codable, Sendable {
    case open, won, lost, exhausted, dnc, invalid
}

/// A lead's place in the follow-up cadence: the state the rules move from call to call.
public struct CadenceState: Equatable, Sendable {
    public var outcome: CadenceOutcome = .open
    public var stage: Stage = .new
    /// Follow-ups completed after the opening call (0 to 5).
    public var followUps = 0
    /// Unanswered attempts in a row.
    public var unanswered = 0
    public var lastContactAt: Date?
    /// When the lead is next due; nil once the cadence has ended.
    public var nextDueAt: Date?
    /// A time the customer chose; it overrides the interval.
    public var callbackAt: Date?
    /// Why the cadence ended, in words.
    public var endReason: String?

    public init() {}

    /// The follow-up the next contact will be (1 to 5), or nil before the opening call.
    public var comingFollowUp: Int? { stage == .new ? nil : followUps + 1 }
}

/// One call as the cadence sees it.
public struct CadenceCall: Sendable {
    public var at: Date
    public var disposition: Disposition
    public var talkSeconds: Int
    public var callbackAt: Date?
    /// False when the lead's agent already holds the cap of open callbacks: the customer's time
    /// is kept as a follow-up due then, not as a callback.
    public var callbackRoom: Bool

    public init(at: Date, disposition: Disposition, talkSeconds: Int, callbackAt: Date? = nil, callbackRoom: Bool = true) {
        self.at = at
        self.disposition = disposition
        self.talkSeconds = talkSeconds
        self.callbackAt = callbackAt
        self.callbackRoom = callbackRoom
    }
}

/// The follow-up cadence (seed 002: a phone sale needs two to five follow-up calls to earn trust):
/// the opening call, then follow-ups 1 to 5 at the configured intervals after each contact,
/// callbacks at the customer's time, retries of unanswered attempts, and its exits.
public struct Cadence: Sendable {
    public let rules: Settings.CadenceRules
    public let windows: CallingWindows
    public let clock: Clock

    public init(rules: Settings.CadenceRules, clock: Clock) throws {
        self.rules = rules
        self.windows = try CallingWindows(rules.windows)
        self.clock = clock
    }

    /// What each call is for: the opening call, then follow-ups 1 to 5.
    public static func purpose(followUp: Int?) -> String {
        switch followUp {
        case nil: "opening call: rapport and needs"
        case 1: "follow-up 1: needs analysis and fit"
        case 2: "follow-up 2: proposal"
        case 3: "follow-up 3: objections"
        case 4: "follow-up 4: urgency"
        default: "follow-up 5: close"
        }
    }

    /// The state after `call`.
    /// - Parameters:
    ///   - attemptsToday: calls already made to this lead on the call's day, before this one.
    public func apply(_ call: CadenceCall, to state: CadenceState, attemptsToday: Int) -> CadenceState {
        var next = state
        guard state.outcome == .open else { return state }
        // Every contact is one, the exits (refused, dnc, sale) included.
        if call.disposition.isContact(talkSeconds: call.talkSeconds) {
            next.lastContactAt = call.at
            next.unanswered = 0
        }
        func end(_ outcome: CadenceOutcome, _ why: String) -> CadenceState {
            next.outcome = outcome
            next.nextDueAt = nil
            next.callbackAt = nil
            next.endReason = why
            return next
        }
        switch call.disposition {
        case .sale: return end(.won, "sold")
        case .refused: return end(.lost, "the customer refused")
        case .dnc: return end(.dnc, "the customer asked not to be called")
        case .invalidNumber: return end(.invalid, "the number is not in service")
        default: break
        }
        guard call.disposition.isContact(talkSeconds: call.talkSeconds) else {
            // Unanswered: retry at the next slot at least `retry_gap_hours` later, at most
            // `max_attempts_per_day` a day, and give up after `max_unanswered` in a row.
            next.unanswered += 1
            if next.unanswered >= rules.maxUnanswered {
                return end(.exhausted, "\(rules.maxUnanswered) unanswered attempts in a row")
            }
            var retry = call.at.addingTimeInterval(rules.retryGapHours * 3600)
            if attemptsToday + 1 >= rules.maxAttemptsPerDay || clock.daysBetween(call.at, retry) > 0 {
                retry = windows.firstOpen(onDayOf: clock.adding(days: 1, to: call.at), clock: clock)
            }
            let retryAt = windows.nextOpen(atOrAfter: retry, clock: clock)
            // A promised callback still stands if it is later than the retry.
            if let callback = state.callbackAt, callback > retryAt {
                next.nextDueAt = callback
            } else {
                next.nextDueAt = retryAt
                next.callbackAt = nil
            }
            return next
        }
        // A contact: the opening call, or the next follow-up.
        next.unanswered = 0
        let reached: Stage = switch call.disposition {
        case .interested: .interested
        case .proposal: .proposal
        default: .connected
        }
        if state.stage != .new { next.followUps += 1 }
        next.stage = max(state.stage == .new ? .connected : state.stage, reached)
        next.lastContactAt = call.at
        next.callbackAt = nil
        if next.followUps >= rules.intervals.count {
            return end(.exhausted, "follow-up \(rules.intervals.count) made without a sale")
        }
        // No progress at all (never interested) may end it, but not before follow-up `min_follow_ups`.
        if next.followUps >= rules.minFollowUps && next.stage == .connected && call.disposition != .callback {
            return end(.exhausted, "no interest after \(next.followUps) follow-ups")
        }
        if call.disposition == .callback, let chosen = call.callbackAt, chosen > call.at {
            next.callbackAt = call.callbackRoom ? chosen : nil
            next.nextDueAt = chosen
        } else {
            let days = rules.intervals[next.followUps]
            next.nextDueAt = windows.nextOpen(atOrAfter: clock.adding(days: days, to: call.at), clock: clock)
        }
        return next
    }
}
