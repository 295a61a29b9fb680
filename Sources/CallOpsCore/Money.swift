/// An amount of money in integer fen (分). Money is never a floating-point number inside callops;
/// it becomes yuan only at the edge, when read from a file or printed.
public struct Money: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var fen: Int64

    public init(fen: Int64) { self.fen = fen }

    /// Rounds a yuan amount from a file or the config to the nearest fen.
    public init(yuan: Double) { self.fen = Int64((yuan * 100).rounded()) }

    public static let zero = Money(fen: 0)

    /// The amount in yuan, for JSON output and ratios.
    public var yuan: Double { Double(fen) / 100 }

    /// Parses a yuan amount such as `2000`, `2,000.50` or `¥1999.9`; nil when it is not a number.
    public init?(parsingYuan text: String) {
        var cleaned = text.trimmingCharacters(in: .whitespaces)
        cleaned.removeAll { $0 == "," || $0 == "¥" || $0 == "￥" }
        guard !cleaned.isEmpty, let value = Double(cleaned), value.isFinite else { return nil }
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
    public static func + (lhs: Money, rhs: Money) -> Money { Money(fen: lhs.fen + rhs.fen) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(fen: lhs.fen - rhs.fen) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.fen += rhs.fen }
}

import Foundation
