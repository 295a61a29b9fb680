/// An amount of money in integer fen (分). Money is never a floating-point number inside callops;
/// it becomes yuan only at the edge, when read from a file or printed.
public struct Money: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var fen: Int64

    public init(fen: Int64) { self.fen = fen }

    /// Rounds a yuan amount to the nearest fen. It never traps: an amount beyond what 64 bits of
    /// fen hold is clamped (and not a number is zero); input is range-checked before it gets here
    /// (`Money(parsingYuan:)`, `InputRange.yuan`).
    public init(yuan: Double) { self.init(fenClamping: yuan * 100) }

    /// A fen amount computed in floating point (a rate times an amount), rounded, clamped to
    /// what 64 bits hold: arithmetic on stored values never traps.
    public init(fenClamping value: Double) {
        let rounded = value.rounded()
        if rounded.isNaN {
            fen = 0
        } else if rounded >= 0x1p63 {
            fen = .max
        } else if rounded <= -0x1p63 {
            fen = .min
        } else {
            fen = Int64(rounded)
        }
    }

    /// The most an amount that enters callops may be (SPEC section 12): 100,000,000 yuan.
    public static let maximumYuan: Double = 100_000_000

    public static let zero = Money(fen: 0)

    /// The amount in yuan, for JSON output and ratios.
    public var yuan: Double { Double(fen) / 100 }

    /// Parses a yuan amount such as `2000`, `2,000.50` or `¥1999.9` (`DecimalText`: no hex, no
    /// exponent); nil when it is not a plain decimal or beyond 100,000,000 yuan either way.
    public init?(parsingYuan text: String) {
        guard let value = DecimalText.parse(text, allowNegative: true), abs(value) <= Self.maximumYuan else { return nil }
        self.init(yuan: value)
    }

    /// `1,234.50`: yuan with two decimals and thousands separators, for tables.
    public var description: String {
        let sign = fen < 0 ? "-" : ""
        let absolute = fen.magnitude
        let whole = String(absolute / 100)
        var grouped = ""
        for (index, character) in whole.enumerated() {
            if index > 0 && (whole.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        let cents = absolute % 100
        return "\(sign)\(grouped).\(cents < 10 ? "0" : "")\(cents)"
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.fen < rhs.fen }
    // Sums of stored amounts saturate rather than trap: a value written by another tool past
    // every range check must not crash a report.
    public static func + (lhs: Money, rhs: Money) -> Money { Money(fen: saturating(lhs.fen.addingReportingOverflow(rhs.fen), sign: rhs.fen)) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(fen: saturating(lhs.fen.subtractingReportingOverflow(rhs.fen), sign: -rhs.fen.signum())) }
    public static func += (lhs: inout Money, rhs: Money) { lhs = lhs + rhs }

    /// The amount shared over `count` (a per-head or per-policy figure), rounded half away from
    /// zero to the fen: 500.00 over 3 is 166.67, not the 166.66 integer division gives; nil
    /// for a count of zero.
    public func divided(by count: Int) -> Money? {
        guard count != 0 else { return nil }
        let divisor = Int64(count)
        var quotient = fen / divisor
        let remainder = fen % divisor
        if remainder.magnitude * 2 >= divisor.magnitude { quotient += (fen < 0) == (divisor < 0) ? 1 : -1 }
        return Money(fen: quotient)
    }

    private static func saturating(_ result: (partialValue: Int64, overflow: Bool), sign: Int64) -> Int64 {
        guard result.overflow else { return result.partialValue }
        return sign > 0 ? .max : .min
    }
}

import Foundation
