import CallOpsCore
import CallOpsStore
import Foundation
import GRDB

/// A row of `campaign` (激励方案): its days, scope and reward tiers (JSON).
public struct CampaignRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "campaign"
    public var id: Int64?
    public var code: String
    public var name: String
    public var metric: CampaignMetric
    /// `YYYY-MM-DD`, the first day and the last.
    public var fromDay: String
    public var toDay: String
    /// The team in scope; nil for the whole center.
    public var teamID: Int64?
    /// `[{"threshold", "reward"}]`, thresholds rising.
    public var tiers: String

    enum CodingKeys: String, CodingKey {
        case id, code, name, metric, tiers
        case fromDay = "from_day"
        case toDay = "to_day"
        case teamID = "team_id"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let code = Column(CodingKeys.code)
        public static let toDay = Column(CodingKeys.toDay)
    }

    public init(id: Int64? = nil, code: String, name: String, metric: CampaignMetric, from: CivilDay, to: CivilDay, teamID: Int64?, tiers: [RewardTier]) throws {
        self.id = id
        self.code = code
        self.name = name
        self.metric = metric
        self.fromDay = from.description
        self.toDay = to.description
        self.teamID = teamID
        self.tiers = String(decoding: try JSONEncoder().encode(tiers), as: UTF8.self)
    }

    /// Reads the row through `StoredValue`: text in `team_id` or an unknown metric is the error
    /// naming the campaign.
    public init(row: Row) throws {
        let table = Self.databaseTableName
        id = try StoredValue.int64(row, "id", table: table)
        code = try StoredValue.value(String.self, row, "code", table: table, expected: "a campaign code")
        name = try StoredValue.value(String.self, row, "name", table: table, expected: "a name")
        metric = try StoredValue.value(CampaignMetric.self, row, "metric", table: table)
        fromDay = try StoredValue.value(String.self, row, "from_day", table: table, expected: "a day (YYYY-MM-DD)")
        toDay = try StoredValue.value(String.self, row, "to_day", table: table, expected: "a day (YYYY-MM-DD)")
        teamID = try StoredValue.optionalInt64(row, "team_id", table: table)
        tiers = try StoredValue.value(String.self, row, "tiers", table: table, expected: "a JSON list of reward tiers")
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The metric, the days and the tiers decoded, or the error naming the row and column.
    func decoded() throws -> (metric: CampaignMetric, from: CivilDay, to: CivilDay, tiers: [RewardTier]) {
        let table = Self.databaseTableName, key = id ?? 0
        guard let rewardTiers = try? JSONDecoder().decode([RewardTier].self, from: Data(tiers.utf8)) else {
            throw StoredValueError(table: table, row: String(key), column: "tiers", value: String(tiers.prefix(80)),
                                   expected: "a JSON list of reward tiers ({\"threshold\", \"reward\"})")
        }
        return (metric,
                try StoredValue.day(fromDay, table: table, column: "from_day", id: key),
                try StoredValue.day(toDay, table: table, column: "to_day", id: key), rewardTiers)
    }
}
