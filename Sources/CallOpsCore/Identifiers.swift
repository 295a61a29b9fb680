/// A table's row id as its own type, so ids of different tables cannot be passed for each
/// other. Stored, encoded and printed as the bare integer.
public protocol RowID: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible where RawValue == Int64 {
    init(rawValue: Int64)
}

extension RowID {
    public init(_ rawValue: Int64) { self.init(rawValue: rawValue) }

    public init(from decoder: Decoder) throws { self.init(rawValue: try decoder.singleValueContainer().decode(Int64.self)) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

/// A lead's row id (`lead.id`), where lead and agent ids travel side by side (hand-overs, a
/// leaver's leads).
public struct LeadID: RowID {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
}

/// An agent's row id (`agent.id`).
public struct AgentID: RowID {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
}
