import CallOpsCore
import Foundation

extension SeatReport {
    /// The call funnel of the HTML page as a table: dials, contacts, effective calls, sales.
    public var funnelTable: DataTable {
        let steps: [(String, Int)] = [
            ("dials 拨打", agents.reduce(0) { $0 + $1.dials }), ("contacts 接通", agents.reduce(0) { $0 + $1.contacts }),
            ("effective 有效通话", agents.reduce(0) { $0 + $1.effectiveCalls }), ("sales 成交", agents.reduce(0) { $0 + $1.sales }),
        ]
        return DataTable(name: "funnel", columns: [.init(key: "stage", kind: .text), .init(key: "count", kind: .integer)],
                         rows: steps.map { [.string($0.0), .int(Int64($0.1))] })
    }

    /// The tables of the workbook: the report's own (its JSON's arrays) and the funnel.
    public func workbookTables() throws -> [DataTable] {
        DataTable.tables(of: try EncodedValue.of(self)) + [funnelTable]
    }

    /// The HTML page's charts, natively: premium per agent, the call funnel, and premium by day.
    public var workbookCharts: [DataChart] {
        [
            DataChart(title: "Premium per agent 保费", table: "agents", category: "name", values: ["premium"], horizontal: true),
            DataChart(title: "Call funnel 漏斗", table: "funnel", category: "stage", values: ["count"]),
            DataChart(title: "Premium by day 每日保费", table: "days", category: "day", values: ["premium"]),
        ]
    }
}
