import CallOpsCore
import Foundation
import Testing

/// Results as tables for CSV and xlsx: the JSON's keys, kinds and raw values (SPEC section 3).
@Suite struct DataTableTests {
    struct Line: Encodable {
        let kind: String
        let amount: Double
        enum CodingKeys: String, CodingKey { case kind, amount }
    }

    struct Slip: Encodable {
        let agentCode = "A001"
        let month = "2026-11"
        let total = 71450.0
        let variableShare = 0.46666
        let counts = ["b": 2, "a": 1]
        let lines = [Line(kind: "base", amount: 4500), Line(kind: "=cmd", amount: -12.5)]
        enum CodingKeys: String, CodingKey {
            case agentCode = "agent_code", month, total, variableShare = "variable_share", counts, lines
        }
    }

    @Test func keysKindsAndRawValues() throws {
        let tables = DataTable.tables(of: try EncodedValue.of([Slip()]))
        #expect(tables.map(\.name) == ["rows", "lines"])
        #expect(tables[0].columns.map(\.key) == ["agent_code", "month", "total", "variable_share", "counts_a", "counts_b"])
        #expect(tables[0].columns.map(\.kind) == [.text, .text, .money, .rate, .integer, .integer])
        #expect(tables[0].csv() == "agent_code,month,total,variable_share,counts_a,counts_b\nA001,2026-11,71450.00,0.467,1,2\n")
        // A nested list is a table of its own, each row led by its parent's first value; formulas neutralised.
        #expect(tables[1].csv() == "agent_code,kind,amount\nA001,base,4500.00\nA001,'=cmd,-12.50\n")
    }

    @Test func theMainTableOfAnObject() throws {
        let value = try EncodedValue.of(Slip())
        #expect(DataTable.main(of: value).name == "lines")
        let summary = try #require(DataTable.tables(of: value).first)
        #expect(summary.name == "summary" && summary.rows.first == [.string("agent_code"), .string("A001")])
    }

    @Test(arguments: [
        ("premium", ColumnKind.money), ("avg_premium", .money), ("cost_per_sale", .money), ("due_amount", .money), ("fyc", .money),
        ("contact_rate", .rate), ("attainment", .rate), ("variable_share", .rate), ("seat_utilization", .rate), ("persistency", .rate),
        ("premium_per_yuan", .number), ("talk_minutes", .number), ("policies_per_agent", .number),
        ("unreadable_income", .number), ("income", .money), ("rewards", .money),
    ])
    func numberKinds(key: String, kind: ColumnKind) {
        #expect(ColumnKind.ofNumber(key: key) == kind)
    }

    @Test func dateKinds() {
        #expect(DataTable.dateKind("2026-11-23") == .date)
        #expect(DataTable.dateKind("2026-11-23T10:00") == .dateTime)
        #expect(DataTable.dateKind("2026-11-23T10:00:05") == .dateTime)
        #expect(DataTable.dateKind("2026-11") == nil && DataTable.dateKind("13800138000") == nil)
    }
}
