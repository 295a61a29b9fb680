import CallOpsCore
import CallOpsStore
import Foundation

/// What the center pays its agents over a period (投入, seed 002): the seat report's pay cost.
public struct AgentPayCost: Equatable, Sendable {
    public var amount = Money.zero
    /// Some of the amount comes from a draft pay run (not final yet, may still change).
    public var includesDraft = false

    public init(amount: Money = .zero, includesDraft: Bool = false) {
        self.amount = amount
        self.includesDraft = includesDraft
    }
}

/// The pay lines behind a period's cost.
public enum PayCost {
    /// The pay month's share a period holds: its calendar days in the month over the month's
    /// days (11-02 to 11-08 holds 7/30 of November).
    public static func calendarShare(of month: CivilMonth, from first: CivilDay, through last: CivilDay) -> Double {
        let start = max(first, month.firstDay), end = min(last, month.lastDay)
        guard start <= end else { return 0 }
        return Double(start.days(to: end) + 1) / Double(month.firstDay.days(to: month.lastDay) + 1)
    }

    /// Per agent, the pay lines of the months the days `first` through `last` touch, drafts
    /// included and marked; a month the period holds only part of counts for its share of
    /// calendar days (rounded to the fen per agent and month).
    public static func perAgent(_ db: Database, from first: CivilDay, through last: CivilDay) throws -> [Int64: AgentPayCost] {
        guard first <= last else { return [:] }
        var result: [Int64: AgentPayCost] = [:]
        // A SUM per agent and month over the lines joined to their run: one grouped statement.
        for row in try Row.fetchAll(db, sql: """
            SELECT pay_line.month, pay_line.agent_id, SUM(pay_line.amount_fen) AS total, pay_run.status, MIN(pay_line.id) AS id,
                   MIN(CASE WHEN typeof(pay_line.amount_fen) <> 'integer' THEN pay_line.id END) AS bad_id
            FROM pay_line JOIN pay_run ON pay_run.month = pay_line.month
            WHERE pay_line.month >= ? AND pay_line.month <= ?
            GROUP BY pay_line.month, pay_line.agent_id
            """, arguments: [first.monthText, last.monthText]) {
            let month = try StoredValue.value(CivilMonth.self, row, at: 0, table: "pay_line")
            let agent = try StoredValue.int64(row, "agent_id", table: "pay_line")
            let share = calendarShare(of: month, from: first, through: last)
            // SUM reads text as 0: a line whose amount is not a whole number is the named error.
            try badAmount(db, row)
            let amount = try StoredValue.int64(row, "total", table: "pay_line")
            var cost = result[agent] ?? AgentPayCost()
            cost.amount += Money(fen: Int64((Double(amount) * share).rounded()))
            let status = try StoredValue.value(PayRunStatus.self, row, at: 3, table: "pay_run")
            cost.includesDraft = cost.includesDraft || status == .draft
            result[agent] = cost
        }
        return result
    }

    /// SQL's SUM reads a text amount as 0: a grouped row that selected
    /// `MIN(CASE WHEN typeof(pay_line.amount_fen) <> 'integer' THEN pay_line.id END) AS bad_id`
    /// names the first such line as the stored-value error instead.
    static func badAmount(_ db: Database, _ row: Row) throws {
        guard let bad = try StoredValue.optionalInt64(row, "bad_id", table: "pay_line") else { return }
        let text = try String.fetchOne(db, sql: "SELECT CAST(amount_fen AS TEXT) FROM pay_line WHERE id = ?", arguments: [bad]) ?? "NULL"
        throw StoredValueError(table: "pay_line", row: String(bad), column: "amount_fen", value: text, expected: "an integer")
    }
}
