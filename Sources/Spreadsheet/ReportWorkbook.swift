import CallOpsCore
import Foundation

/// A report as people open it in Excel, WPS or LibreOffice (SPEC section 3): one sheet per
/// table with typed cells (money `¥#,##0.00`, rates as percentages, dates as dates), a frozen
/// header row, columns as wide as their text (CJK counts double), and native charts.
public enum ReportWorkbook {
    /// A chart of one table: `values` against `category`, keys of that table.
    public struct Chart: Sendable {
        public var title: String
        public var table: String
        public var category: String
        public var values: [String]
        public var horizontal: Bool
        /// At most this many rows (the largest first when the table is sorted so).
        public var limit: Int?

        public init(title: String, table: String, category: String, values: [String], horizontal: Bool = false, limit: Int? = nil) {
            self.title = title
            self.table = table
            self.category = category
            self.values = values
            self.horizontal = horizontal
            self.limit = limit
        }
    }

    /// Writes `tables` (and `charts` over them) to the workbook at `path`.
    public static func write(_ tables: [DataTable], charts: [Chart] = [], to path: String) throws {
        let workbook = try WorkbookWriter(path: path)
        var sheets: [String: (SheetWriter, DataTable)] = [:]
        for table in tables {
            let sheet = workbook.addSheet(table.name)
            write(table, on: sheet)
            sheets[table.name] = (sheet, table)
        }
        var placed: [String: Int] = [:]
        for chart in charts {
            guard let (sheet, table) = sheets[chart.table], !table.rows.isEmpty,
                  let category = table.columns.firstIndex(where: { $0.key == chart.category }) else { continue }
            let count = min(table.rows.count, chart.limit ?? table.rows.count)
            let values = chart.values.compactMap { key in
                table.columns.firstIndex { $0.key == key }.map { (name: key, range: SheetRange(sheet: sheet.name, rows: 1..<(count + 1), column: $0)) }
            }
            guard !values.isEmpty else { continue }
            // Charts stand to the right of the table, one under another.
            let row = placed[chart.table, default: 1]
            workbook.addChart(on: sheet, at: row, column: table.columns.count + 1, title: chart.title, horizontal: chart.horizontal,
                              categories: SheetRange(sheet: sheet.name, rows: 1..<(count + 1), column: category), values: values)
            placed[chart.table] = row + max(24, chart.horizontal ? count * 2 : 0)
        }
        try workbook.close()
    }

    static func write(_ table: DataTable, on sheet: SheetWriter) {
        var widths = table.columns.map { Double(Table.displayWidth($0.key)) }
        for (c, column) in table.columns.enumerated() { sheet.text(0, c, column.key, style: .header) }
        for (r, row) in table.rows.enumerated() {
            for (c, value) in row.enumerated() where c < table.columns.count {
                let shown = cell(value, kind: table.columns[c].kind, row: r + 1, column: c, on: sheet)
                widths[c] = max(widths[c], Double(Table.displayWidth(shown)))
            }
        }
        for (c, width) in widths.enumerated() { sheet.width(c, min(60, width + 2)) }
        sheet.freeze(rows: 1)
    }

    /// Writes one cell; returns the text it shows, for the column's width.
    static func cell(_ value: EncodedValue, kind: ColumnKind, row: Int, column: Int, on sheet: SheetWriter) -> String {
        switch value {
        case .null: return ""
        case let .bool(b):
            sheet.bool(row, column, b)
            return b ? "TRUE" : "FALSE"
        case let .int(i):
            if kind == .money {
                sheet.number(row, column, Double(i), style: .money)
                return "¥" + Money(fen: i * 100).description
            }
            sheet.number(row, column, Double(i), style: .integer)
            return String(i)
        case let .double(d):
            guard d.isFinite else { return "" }
            switch kind {
            case .money:
                sheet.number(row, column, d, style: .money)
                return "¥" + Money(yuan: d).description
            case .rate:
                sheet.number(row, column, d, style: .percent)
                return Render.percent(d)
            default:
                sheet.number(row, column, d)
                return CSVText.raw(value, kind: .number)
            }
        case let .string(text):
            if let kind = DataTable.dateKind(text) {
                let parts = text.split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
                if kind == .date && parts.count == 3 {
                    sheet.date(row, column, year: parts[0], month: parts[1], day: parts[2], style: .date)
                    return text
                }
                if kind == .dateTime && parts.count >= 5 {
                    sheet.date(row, column, year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4],
                               second: Double(parts.count > 5 ? parts[5] : 0), style: .dateTime)
                    return "2026-11-23 10:00"
                }
            }
            sheet.text(row, column, text)
            return text
        case .array, .object:
            let text = CSVText.raw(value, kind: .text)
            sheet.text(row, column, text)
            return text
        }
    }
}
