import Foundation

/// A calendar month with no zone (`2026-11`): pay months, report months, a tier's assessment
/// month. Parsed once here, so no caller builds a day by appending `-01` to user text.
public struct CivilMonth: Comparable, Hashable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int

    /// A valid month, or nil.
    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (0...9999).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    /// `YYYY-MM` exactly, or nil (`2026-13`, `2026-1`, `2026-11-05` are not months).
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
              bytes.enumerated().allSatisfy({ $0.offset == 4 || (48...57).contains($0.element) })
        else { return nil }
        let number = { (range: Range<Int>) in bytes[range].reduce(0) { $0 * 10 + Int($1 - 48) } }
        self.init(year: number(0..<4), month: number(5..<7))
    }

    /// The month holding `day`.
    public init(_ day: CivilDay) {
        self.year = day.year
        self.month = day.month
    }

    public var description: String { firstDay.monthText }

    public static func < (a: CivilMonth, b: CivilMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    /// The month's first day.
    public var firstDay: CivilDay { CivilDay(year: year, month: month, day: 1)! }

    /// The month's last day.
    public var lastDay: CivilDay { CivilDay(year: year, month: month, day: CivilDay.daysIn(year: year, month: month))! }

    /// The month `months` later (earlier when negative).
    public func adding(months: Int) -> CivilMonth { CivilMonth(firstDay.adding(months: months)) }

    /// Whether `day` falls in this month.
    public func contains(_ day: CivilDay) -> Bool { day.year == year && day.month == month }
}

extension CivilDay {
    /// The month holding this day.
    public var civilMonth: CivilMonth { CivilMonth(self) }
}

extension Clock {
    /// The local day of `date` as a `CivilDay`.
    public func civilDay(_ date: Date) -> CivilDay { CivilDay(day(date))! }
}
