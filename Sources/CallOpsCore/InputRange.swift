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
