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

    struct PayLine: TabularRow {
        static let blank = PayLine(kind: "", amount: 0)
        let kind: String
        let amount: Double
    }

    struct Statement: TabularRow {
        static let blank = Statement(agentCode: "", total: 0, lines: [.blank])
        let agentCode: String
        let total: Double
        let lines: [PayLine]
        enum CodingKeys: String, CodingKey { case agentCode = "agent_code", total, lines }
    }

    struct Run: Encodable {
        let month = "2026-11"
        let statements: [Statement]
    }

    @Test func noRowsStillNameTheirColumns() throws {
        // An empty list of rows: the header from the blank row, no row, and still `[]` in JSON.
        let none: [Statement] = []
        #expect(try EncodedValue.of(none) == .array([]))
        let tables = DataTable.tables(of: try EncodedValue.of(none))
        #expect(tables.map(\.name) == ["rows", "lines"])
        #expect(tables[0].csv() == "agent_code,total\n" && tables[1].csv() == "agent_code,kind,amount\n")
        // Inside an object: its main table keeps its columns.
        #expect(try Render.csv(Run(statements: [])) == "agent_code,total\n")
        // A row whose own list is empty: the list's table keeps its columns, and the rows stay whole.
        let run = DataTable.tables(of: try EncodedValue.of(Run(statements: [Statement(agentCode: "A001", total: 5, lines: [])])))
        #expect(run.map(\.name) == ["summary", "statements", "lines"])
        #expect(run[1].csv() == "agent_code,total\nA001,5.00\n" && run[2].csv() == "agent_code,kind,amount\n")
    }
}
