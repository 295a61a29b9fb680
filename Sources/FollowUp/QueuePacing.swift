import CallOpsCore
import Foundation

/// How often one customer may be called, for every kind of queue row (SPEC section 6): at most
/// `max_attempts_per_day` calls a lead a day, an unanswered call retried no sooner than
/// `retry_gap_hours`, and a renewal reminder that reached the customer due again only after
/// `reminder_interval_days`.
public struct QueuePacing: Sendable {
    public var maxAttemptsPerDay: Int
    public var retryGapHours: Double
    public var reminderIntervalDays: Int

    public init(maxAttemptsPerDay: Int, retryGapHours: Double, reminderIntervalDays: Int) {
        self.maxAttemptsPerDay = maxAttemptsPerDay
        self.retryGapHours = retryGapHours
        self.reminderIntervalDays = reminderIntervalDays
    }

    public init(settings: Settings) {
        self.init(maxAttemptsPerDay: settings.cadence.maxAttemptsPerDay, retryGapHours: settings.cadence.retryGapHours,
                  reminderIntervalDays: settings.renewals.reminderIntervalDays)
    }

    /// Whether a lead called `callsToday` times today may be called again today.
    public func allowsAnotherCall(callsToday: Int) -> Bool { callsToday < maxAttemptsPerDay }

    /// When a service call (stabilisation, renewal reminder) is due, or nil when it may not be
    /// made today any more.
    /// - Parameters:
    ///   - from: when the row first falls due.
    ///   - callsToday: calls to the lead so far today.
    ///   - lastAttemptToday: the latest of them.
    ///   - lastReminderContact: for a renewal, the latest contact since the reminder fell due.
    public func serviceDue(from: Date, callsToday: Int, lastAttemptToday: Date?, lastReminderContact: Date?, clock: Clock) -> Date? {
        guard allowsAnotherCall(callsToday: callsToday) else { return nil }
        var due = from
        if let contact = lastReminderContact { due = max(due, clock.adding(days: reminderIntervalDays, to: contact)) }
        if let attempt = lastAttemptToday { due = max(due, attempt.addingTimeInterval(retryGapHours * 3600)) }
        return due
    }
}
