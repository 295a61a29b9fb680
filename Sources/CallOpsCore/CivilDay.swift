/// A calendar day with no time and no zone (`2026-11-23`), for rules counted in days and
/// months: premiums due on anniversaries, grace periods. Pure arithmetic on the proleptic
/// Gregorian calendar (Howard Hinnant's days-from-civil), so the same day gives the same answer
/// on every machine.
public struct CivilDay: Comparable, Hashable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A valid day, or nil (`2026-02-30` is not one).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`, or the first 10 characters of a stored timestamp.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8.prefix(10))
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String {
        let y = String(year), m = month < 10 ? "0\(month)" : String(month), d = day < 10 ? "0\(day)" : String(day)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + m + "-" + d
    }

    public static func < (a: CivilDay, b: CivilDay) -> Bool { a.ordinal < b.ordinal }

    public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01.
    public var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day `ordinal` days after 1970-01-01.
    public init(ordinal: Int) {
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let d = dayOfYear - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yearOfEra + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public func adding(days: Int) -> CivilDay { CivilDay(ordinal: ordinal + days) }

    /// The same day `months` later, or the month's last day when it is shorter (Jan 31 + 1
    /// month is Feb 28, or 29).
    public func adding(months: Int) -> CivilDay {
        let index = year * 12 + (month - 1) + months
        let y = index >= 0 ? index / 12 : (index - 11) / 12
        let m = index - y * 12 + 1
        return CivilDay(year: y, month: m, day: min(day, Self.daysIn(year: y, month: m)))!
    }

    /// Whole days from `self` to `other` (negative when `other` is earlier).
    public func days(to other: CivilDay) -> Int { other.ordinal - ordinal }

    /// `YYYY-MM`.
    public var monthText: String { String(description.prefix(7)) }

    /// The first day of this day's month.
    public var firstOfMonth: CivilDay { CivilDay(year: year, month: month, day: 1)! }
}

extension Clock {
    /// Today as a `CivilDay`.
    public var civilToday: CivilDay { CivilDay(today)! }

    /// The last second of `day`, as a clock: a month or quarter judged as of its end.
    public func endOf(_ day: CivilDay) -> Clock {
        Clock(now: parseDay(day.description)!.addingTimeInterval(86_399), timeZone: timeZone)
    }
}
