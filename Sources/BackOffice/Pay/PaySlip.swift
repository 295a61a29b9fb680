import CallOpsCore

/// An agent's stored pay slip for a month (`callops pay slip`, SPEC section 13).
public struct PaySlip: Encodable, Equatable, Sendable {
    /// The run's status: `draft` or `final`.
    public var status: String
    public var month: CivilMonth
    /// Days of the month the base was paid for (0 when no base was paid).
    public var daysEmployed: Int
    /// The lines, and the rank (tier) the month was paid on.
    public var statement: PayStatement

    enum CodingKeys: String, CodingKey {
        case agentCode = "agent_code", name, team, month, status, rank, tier, lines, total
        case daysEmployed = "days_employed"
        case variableShare = "variable_share"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(statement.agentCode, forKey: .agentCode)
        try c.encode(statement.name, forKey: .name)
        try c.encode(statement.team, forKey: .team)
        try c.encode(month.description, forKey: .month)
        try c.encode(status, forKey: .status)
        try c.encode(statement.tier, forKey: .rank)
        try c.encode(statement.tier, forKey: .tier)
        try c.encode(daysEmployed, forKey: .daysEmployed)
        try c.encode(statement.lines, forKey: .lines)
        try c.encode(statement.total.yuan, forKey: .total)
        try c.encode(statement.variableShare, forKey: .variableShare)
    }
}
