import CallOpsCore
import Foundation

/// A report as people open it in Excel, WPS or LibreOffice (SPEC section 3): one sheet per
/// table with typed cells (money `¥#,##0.00`, rates as percentages, dates as dates), a frozen
/// header row, columns as wide as their text (CJK counts double), and native charts.
public enum ReportWorkbook {
    /// A chart of one table (described by the module that owns the report).
    public typealias Chart = DataChart

    /// Writes `tables` (and `charts` over them) to the workbook at `path`. The charts stand on a
    /// sheet of their own, first, so each table's sheet prints as a readable page.
    /// - Parameters:
    ///   - created: the creation time recorded in the file (default: now); fixed, the bytes
    ///     depend on the tables alone.
    public static func write(_ tables: [DataTable], charts: [Chart] = [], to path: String, created: Date? = nil) throws {
        let workbook = try WorkbookWriter(path: path, created: created)
        let drawable = charts.filter { chart in
            tables.contains { $0.name == chart.table && !$0.rows.isEmpty && $0.columns.contains { $0.key == chart.category } }
        }
        let chartSheet = drawable.isEmpty ? nil : workbook.addSheet("charts")
        var sheets: [String: (SheetWriter, DataTable)] = [:]
        for table in tables {
            let sheet = workbook.addSheet(table.name)
            write(table, on: sheet)
            sheets[table.name] = (sheet, table)
        }
        var row = 1
        for chart in drawable {
            guard let chartSheet, let (sheet, table) = sheets[chart.table],
                  let category = table.columns.firstIndex(where: { $0.key == chart.category }) else { continue }
            let count = min(table.rows.count, chart.limit ?? table.rows.count)
            let values = chart.values.compactMap { key in
                table.columns.firstIndex { $0.key == key }.map { (name: key, range: SheetRange(sheet: sheet.name, rows: 1..<(count + 1), column: $0)) }
            }
            guard !values.isEmpty else { continue }
            let height = workbook.addChart(on: chartSheet, at: row, column: 1, title: chart.title, horizontal: chart.horizontal,
                                           categories: SheetRange(sheet: sheet.name, rows: 1..<(count + 1), column: category), values: values,
                                           categoryFormat: table.columns[category].kind == .date ? "mm-dd" : nil)
            row += height + 2
        }
        chartSheet?.printAcross()
        try workbook.close()
    }

    static func write(_ table: DataTable, on sheet: SheetWriter) {
        var widths = table.columns.map { Double(Table.displayWidth($0.key)) }
        for (c, column) in table.columns.enumerated() { sheet.text(0, c, column.key, style: .header) }
        for (r, row) in table.rows.enumerated() {
            for (c, value) in row.enumerated() where c < table.columns.count {
                // A key–value table (the summary) has a kind per row for its values.
                let kind = c == 1 ? table.rowKinds?[r] ?? table.columns[c].kind : table.columns[c].kind
                let shown = cell(value, kind: kind, row: r + 1, column: c, on: sheet)
                widths[c] = max(widths[c], Double(Table.displayWidth(shown)))
            }
        }
        for (c, width) in widths.enumerated() { sheet.width(c, min(60, width + 2)) }
        sheet.freeze(rows: 1)
        sheet.printAcross()
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
                sheet.number(row, column, d, style: .decimal)
                return String(format: "%.2f", d)
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
                    return text
                }
            }
            sheet.text(row, column, text)
            return text
        case .array, .object, .noRows:
            let text = CSVText.raw(value, kind: .text)
            sheet.text(row, column, text)
            return text
        }
    }
}
