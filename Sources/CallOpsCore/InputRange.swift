/// The ranges every number that enters callops must lie in (SPEC section 12), checked where the
/// number is parsed so that nothing downstream can overflow: money up to 100,000,000 yuan, talk
/// time up to a day, days up to a century, counts up to a hundred million.
///
/// These are the limits of sane input, not business rules: a business number lives in `Settings`.
public enum InputRange {
    /// Seconds of conversation in one call: at most a day.
    public static let maximumTalkSeconds = 86_400
    /// Days ahead or back an option may name: a century.
    public static let maximumDays = 36_500
    /// How many of anything (rows, sales, leads) a count may name.
    public static let maximumCount = 100_000_000
    /// Characters in one field of an input file (a name, a note, an address, an unknown column):
    /// a row with a longer one is refused as malformed instead of storing megabytes.
    public static let maximumFieldCharacters = 1_000

    /// Every day that enters callops (a file's date or time, a day or time option, a report's
    /// period) lies from 2000-01-01 to 2099-12-31: a hire date of 0001-01-01 or a call in 2126
    /// is a typo, and `daily --date 9999-12-31` recycled every lead.
    public static let firstDay = CivilDay("2000-01-01")!
    public static let lastDay = CivilDay("2099-12-31")!
    /// The range as words, for messages and the README.
    public static let dayRangeText = "from 2000-01-01 to 2099-12-31"
    /// A report period is at most ten years (3,660 days): `seats report --by day` has at most
    /// 3,660 rows (a period from 0001 to 9999 wrote 172 MB).
    public static let maximumPeriodDays = 3_660

    /// Whether `day` lies in the range days may take.
    public static func contains(_ day: CivilDay) -> Bool { day >= firstDay && day <= lastDay }

    /// `day` when it lies in the range, else an error naming `field` and the value as written.
    @discardableResult
    public static func day(_ day: CivilDay, field: String, written: String? = nil) throws -> CivilDay {
        guard contains(day) else {
            throw CallOpsError.invalidValue(field: field, value: written ?? day.description, expected: "a day \(dayRangeText)")
        }
        return day
    }

    /// A time or day written as text (`2026-11-24T15:00`) whose day is in range; the caller has
    /// parsed it already.
    public static func time(_ text: String, field: String) throws {
        guard let day = CivilDay(text.prefix(10)) else { return }
        try Self.day(day, field: field, written: text)
    }

    /// Whether a time written as text has its day in range (files: a reason for a rejected row).
    public static func containsTime(_ text: String) -> Bool {
        CivilDay(text.prefix(10)).map(contains) ?? false
    }

    /// A period [first, last] of days: both in range, at most `maximumPeriodDays` long.
    public static func period(_ first: CivilDay, _ last: CivilDay, field: String) throws {
        try day(first, field: field)
        try day(last, field: field)
        guard first.days(to: last) < maximumPeriodDays else {
            throw CallOpsError.invalidValue(field: field, value: "\(first) to \(last)", expected: "a period of at most \(maximumPeriodDays) days (ten years)")
        }
    }

    /// A yuan amount from an option: finite, 0 or more (above 0 when `positive`), at most
    /// `Money.maximumYuan`.
    public static func yuan(_ value: Double, field: String, positive: Bool = false) throws -> Money {
        guard value.isFinite, positive ? value > 0 : value >= 0, value <= Money.maximumYuan else {
            throw CallOpsError.invalidValue(
                field: field, value: Self.quoted(value),
                expected: "an amount in yuan \(positive ? "above 0" : "from 0") up to 100,000,000")
        }
        return Money(yuan: value)
    }

    /// A whole number from an option, within `range`; `what` says what it counts.
    @discardableResult
    public static func whole(_ value: Int, field: String, in range: ClosedRange<Int>, what: String) throws -> Int {
        guard range.contains(value) else {
            throw CallOpsError.invalidValue(
                field: field, value: String(value), expected: "\(what) from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A plain number from an option (a rate, contacts a year): finite, 0 or more, at most `maximumCount`.
    @discardableResult
    public static func amount(_ value: Double, field: String, positive: Bool = true) throws -> Double {
        guard value.isFinite, positive ? value > 0 : value >= 0, value <= Double(maximumCount) else {
            throw CallOpsError.invalidValue(
                field: field, value: Self.quoted(value),
                expected: "a number \(positive ? "above 0" : "from 0") up to \(maximumCount)")
        }
        return value
    }

    /// Talk seconds from a file or an option: a whole number from 0 to `maximumTalkSeconds`.
    public static func talkSeconds(_ text: String) -> Int? {
        guard let value = Int(text), (0...maximumTalkSeconds).contains(value) else { return nil }
        return value
    }

    private static func quoted(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
