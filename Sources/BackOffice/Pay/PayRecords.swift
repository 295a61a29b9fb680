import CallOpsCore
import CallOpsStore

// The pay tables as typed records for their one-row reads and writes; their column names are
// SPEC section 2's contract and the migrations'. The grouped sums (what a finalised month paid,
// the cost per agent and month) keep their SQL: a SUM over `pay_line` is one statement.

/// Whether a month's pay run may still change (`draft`) or is locked (`final`).
public enum PayRunStatus: String, Codable, CaseIterable, Sendable, StoredCase {
    case draft, final
}

/// A row of `pay_run`: a month's run and what it paid in all.
public struct PayRunRecord: Codable, Equatable, Sendable, StoredRecord, PersistableRecord {
    public static let databaseTableName = "pay_run"
    /// The table has no `id`: an error names the month.
    public static var storedKey: String { "month" }
    public var month: CivilMonth
    public var status: PayRunStatus
    /// The local time of the run.
    public var runAt: String
    public var finalizedAt: String?
    /// The lines' sum (`callops check` holds them to it).
    public var total: Money

    public enum Columns {
        public static let month = Column(CodingKeys.month), status = Column(CodingKeys.status), runAt = Column(CodingKeys.runAt)
        public static let finalizedAt = Column(CodingKeys.finalizedAt), total = Column(CodingKeys.total)
    }

    enum CodingKeys: String, CodingKey {
        case month, status
        case runAt = "run_at"
        case finalizedAt = "finalized_at"
        case total = "total_fen"
    }

    public init(month: CivilMonth, status: PayRunStatus, runAt: String, finalizedAt: String? = nil, total: Money) {
        self.month = month
        self.status = status
        self.runAt = runAt
        self.finalizedAt = finalizedAt
        self.total = total
    }
}

/// A row of `pay_line`: one line of an agent's month (a clawback or an adjustment is negative).
public struct PayLineRecord: Codable, Equatable, Sendable, StoredRecord, MutablePersistableRecord {
    public static let databaseTableName = "pay_line"
    public var id: Int64?
    public var month: CivilMonth
    public var agentID: Int64
    public var kind: PayLineKind
    public var amount: Money
    public var detail: String
    /// The finalised month an adjustment is for.
    public var forMonth: CivilMonth?

    public enum Columns {
        public static let id = Column(CodingKeys.id), month = Column(CodingKeys.month), agentID = Column(CodingKeys.agentID)
        public static let kind = Column(CodingKeys.kind), amount = Column(CodingKeys.amount), forMonth = Column(CodingKeys.forMonth)
    }

    enum CodingKeys: String, CodingKey {
        case id, month, kind, detail
        case agentID = "agent_id"
        case amount = "amount_fen"
        case forMonth = "for_month"
    }

    public init(month: CivilMonth, agentID: Int64, line: PayLine) throws {
        self.month = month
        self.agentID = agentID
        self.kind = line.kind
        self.amount = line.amount
        self.detail = line.detail
        self.forMonth = try line.forMonth.map { text in
            guard let month = CivilMonth(text) else {
                throw CallOpsError.invalidValue(field: "for_month", value: text, expected: "a month (YYYY-MM)")
            }
            return month
        }
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The line as a slip shows it; an amount past SPEC section 12's range is the named error.
    func line() throws -> PayLine {
        try StoredValue.checked(amount.fen, in: -StoredValue.maximumFen...StoredValue.maximumFen,
                                table: Self.databaseTableName, column: "amount_fen", id: id ?? 0)
        return PayLine(kind: kind, amount: amount, detail: detail, forMonth: forMonth?.description)
    }
}

/// A row of `pay_basis`: the rank and days an agent's month was paid on.
public struct PayBasisRecord: Codable, Equatable, Sendable, StoredRecord, PersistableRecord {
    public static let databaseTableName = "pay_basis"
    /// The table's key: an error names the row `month agent_id`, as `callops check` does.
    public static var storedKeys: [String] { ["month", "agent_id"] }
    public var month: CivilMonth
    public var agentID: Int64
    public var tier: Tier
    public var employedDays: Int
    public var monthDays: Int

    public enum Columns {
        public static let month = Column(CodingKeys.month), agentID = Column(CodingKeys.agentID), tier = Column(CodingKeys.tier)
    }

    enum CodingKeys: String, CodingKey {
        case month, tier
        case agentID = "agent_id"
        case employedDays = "employed_days"
        case monthDays = "month_days"
    }

    init(month: CivilMonth, agentID: Int64, basis: PayRun.Basis) {
        self.month = month
        self.agentID = agentID
        self.tier = basis.tier
        self.employedDays = basis.employedDays
        self.monthDays = basis.monthDays
    }

    /// The basis, its days within a month's (0 to 31, 28 to 31) or the named error.
    func basis() throws -> PayRun.Basis {
        let table = Self.databaseTableName, key = "\(month) \(agentID)"
        return PayRun.Basis(tier: tier,
                            employedDays: try StoredValue.checked(employedDays, in: 0...31, table: table, column: "employed_days", id: key),
                            monthDays: try StoredValue.checked(monthDays, in: 28...31, table: table, column: "month_days", id: key))
    }
}

extension PayLineKind: StoredCase {}
