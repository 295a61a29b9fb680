import Foundation

/// The center's working weekdays (config `planning.working_days`, Monday to Friday by default):
/// what a month's activity targets are spread over (SPEC section 8).
public struct WorkingDays: Equatable, Sendable {
    /// The weekday names the config takes, Monday first (ISO 8601 numbers 1 to 7).
    public static let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// ISO weekdays, 1 = Monday ... 7 = Sunday.
    public let weekdays: Set<Int>

    /// - Throws: a message naming the first name that is not a weekday, or an empty list.
    public init(names: [String]) throws {
        var days = Set<Int>()
        for name in names {
            guard let i = Self.names.firstIndex(of: name.lowercased()) else {
                throw CallOpsError.invalidValue(field: "planning.working_days", value: name, expected: "weekday names such as [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]")
            }
            guard days.insert(i + 1).inserted else {
                throw CallOpsError.invalidValue(field: "planning.working_days", value: name, expected: "each weekday once")
            }
        }
        guard !days.isEmpty else {
            throw CallOpsError.invalidValue(field: "planning.working_days", value: "[]", expected: "at least one weekday")
        }
        weekdays = days
    }

    /// The ISO weekday of `day` (1970-01-01, ordinal 0, was a Thursday).
    public static func weekday(_ day: CivilDay) -> Int {
        ((day.ordinal + 3) % 7 + 7) % 7 + 1
    }

    public func isWorking(_ day: CivilDay) -> Bool { weekdays.contains(Self.weekday(day)) }

    /// Working days from `first` through `last`, both included (0 when `last` is before `first`).
    public func count(from first: CivilDay, through last: CivilDay) -> Int {
        guard first <= last else { return 0 }
        let total = first.days(to: last) + 1
        var n = (total / 7) * weekdays.count
        for i in 0..<(total % 7) where isWorking(first.adding(days: i)) { n += 1 }
        return n
    }

    /// The working days of a month (November 2026: 21).
    public func count(in month: CivilMonth) -> Int { count(from: month.firstDay, through: month.lastDay) }

    /// The period's share of each month it touches: the working days it holds of that month over
    /// the month's working days (2026-11-02 to 11-08: 5 of November's 21).
    public func monthShares(from first: CivilDay, through last: CivilDay) -> [MonthShare] {
        guard first <= last else { return [] }
        var shares: [MonthShare] = []
        var month = CivilMonth(first)
        while month.firstDay <= last {
            let start = max(first, month.firstDay), end = min(last, month.lastDay)
            shares.append(MonthShare(month: month, days: count(from: start, through: end), monthDays: count(in: month)))
            month = month.adding(months: 1)
        }
        return shares
    }

    /// How much of one month's working days a period holds.
    public struct MonthShare: Equatable, Sendable {
        public var month: CivilMonth
        /// The period's working days in the month.
        public var days: Int
        /// The month's working days.
        public var monthDays: Int
        /// `days / monthDays`, 0 for a month without working days.
        public var fraction: Double { monthDays > 0 ? Double(days) / Double(monthDays) : 0 }

        public init(month: CivilMonth, days: Int, monthDays: Int) {
            self.month = month
            self.days = days
            self.monthDays = monthDays
        }
    }
}
