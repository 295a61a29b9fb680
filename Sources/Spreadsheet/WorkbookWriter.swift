import CXLSXWriter
import CallOpsCore
import Foundation

/// An xlsx workbook written through libxlsxwriter: sheets of typed cells, formats, charts.
/// (libxlsxwriter writes the file when the workbook is closed.)
public final class WorkbookWriter {
    /// Number formats used by the reports (SPEC section 3).
    public enum Style: CaseIterable, Sendable {
        case plain, header, money, percent, date, dateTime, integer, decimal
    }

    let workbook: UnsafeMutablePointer<lxw_workbook>
    private var formats: [Style: UnsafeMutablePointer<lxw_format>] = [:]
    private var sheetNames: Set<String> = []
    private let path: String
    private var closed = false

    /// A new workbook that will be written to `path` on `close()`. `streaming` writes each row
    /// as it comes, in order, with inline strings (libxlsxwriter's constant-memory mode): for
    /// sheets of a million rows.
    /// - Parameters:
    ///   - created: the creation time the file records (default: now); a fixed one makes the
    ///     same tables give the same bytes (the nightly batch's files).
    public init(path: String, streaming: Bool = false, created: Date? = nil) throws {
        var options = lxw_workbook_options()
        options.constant_memory = streaming ? 1 : 0
        guard let workbook = Self.quietly({ workbook_new_opt(path, &options) }) else {
            throw CallOpsError.badFile(file: path, message: "cannot be written (check the folder exists and is writable)")
        }
        if let created {
            var properties = lxw_doc_properties()
            properties.created = time_t(created.timeIntervalSince1970)
            workbook_set_properties(workbook, &properties)
        }
        self.workbook = workbook
        self.path = path
        for style in Style.allCases {
            let format = workbook_add_format(workbook)!
            switch style {
            case .plain: break
            case .header:
                format_set_bold(format)
                format_set_bg_color(format, 0xEEF1F5)
                format_set_bottom(format, UInt8(LXW_BORDER_THIN.rawValue))
            case .money: format_set_num_format(format, "¥#,##0.00")
            case .percent: format_set_num_format(format, "0.0%")
            case .date: format_set_num_format(format, "yyyy-mm-dd")
            case .dateTime: format_set_num_format(format, "yyyy-mm-dd hh:mm")
            case .integer: format_set_num_format(format, "0")
            case .decimal: format_set_num_format(format, "#,##0.00")
            }
            formats[style] = format
        }
    }

    deinit {
        if !closed { _ = Self.quietly { workbook_close(workbook) } }
    }

    /// A sheet named `name` (cut to Excel's 31 characters, its forbidden characters replaced,
    /// made unique).
    public func addSheet(_ name: String) -> SheetWriter {
        var clean = String(name.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
        if clean.isEmpty { clean = "Sheet" }
        var unique = clean
        var n = 2
        while sheetNames.contains(unique.lowercased()) {
            unique = String(clean.prefix(28)) + "_\(n)"
            n += 1
        }
        sheetNames.insert(unique.lowercased())
        return SheetWriter(sheet: workbook_add_worksheet(workbook, unique)!, name: unique, formats: formats)
    }

    /// A bar (horizontal) or column chart of `values` against `categories`, placed on `sheet`;
    /// returns the rows it covers.
    @discardableResult
    public func addChart(on sheet: SheetWriter, at row: Int, column: Int, title: String, horizontal: Bool,
                         categories: SheetRange, values: [(name: String, range: SheetRange)], categoryFormat: String? = nil) -> Int {
        guard let chart = workbook_add_chart(workbook, UInt8((horizontal ? LXW_CHART_BAR : LXW_CHART_COLUMN).rawValue)) else { return 0 }
        for value in values {
            let series = chart_add_series(chart, categories.formula, value.range.formula)
            chart_series_set_name(series, value.name)
        }
        chart_title_set_name(chart, title)
        if values.count == 1 { chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_NONE.rawValue)) }
        if horizontal { chart_axis_set_reverse(chart.pointee.y_axis) }
        if let categoryFormat { chart_axis_set_num_format(chart.pointee.x_axis, categoryFormat) }
        var options = lxw_chart_options()
        options.x_scale = 1.5
        options.y_scale = horizontal ? max(1.5, Double(categories.rows.count) / 12) : 1.5
        worksheet_insert_chart_opt(sheet.sheet, lxw_row_t(row), lxw_col_t(column), chart, &options)
        // A default chart is 480 × 288 pixels: 15 rows of 20.
        return Int((15 * options.y_scale).rounded(.up))
    }

    /// Writes the file.
    public func close() throws {
        closed = true
        let (status, code) = Self.quietly { (workbook_close(workbook), errno) }
        guard status == LXW_NO_ERROR else {
            if code == ENOSPC || code == EDQUOT {
                throw CallOpsError.badFile(file: path, message: "cannot be written: the disk is full; free some space and run the command again")
            }
            throw CallOpsError.badFile(file: path, message: "cannot be written (\(String(cString: lxw_strerror(status))))")
        }
    }

    /// Held while stderr is sent to /dev/null (`quietly`).
    private static let quiet = NSLock()

    /// Runs `body` with stderr sent to /dev/null: libxlsxwriter prints its own `[ERROR] ...`
    /// lines there (two on a full disk), while its return code already says what failed, which
    /// `close` puts in one message (SPEC section 3: one line on stderr). The batch CLI writes a
    /// workbook on its main thread with nothing else printing meanwhile.
    ///
    /// One caller at a time (`quiet`): stderr is the process's, and two workbooks closed at once
    /// (tests run side by side) each saved what the other had just set, so the second to finish
    /// left stderr on /dev/null for good; a test run lost its own report from there on, its
    /// failures' words included, and still exited as it should.
    static func quietly<T>(_ body: () -> T) -> T {
        quiet.lock()
        defer { quiet.unlock() }
        fflush(nil)
        let saved = dup(STDERR_FILENO)
        let null = open("/dev/null", O_WRONLY)
        if saved >= 0 && null >= 0 { dup2(null, STDERR_FILENO) }
        defer {
            if saved >= 0 {
                fflush(nil)
                dup2(saved, STDERR_FILENO)
                Glibc.close(saved)
            }
            if null >= 0 { Glibc.close(null) }
        }
        return body()
    }
}

/// A block of cells on a sheet, as a chart's formula names it (`='agents'!$B$2:$B$41`).
public struct SheetRange: Sendable {
    public var sheet: String
    public var rows: Range<Int>
    public var column: Int

    public init(sheet: String, rows: Range<Int>, column: Int) {
        self.sheet = sheet
        self.rows = rows
        self.column = column
    }

    var formula: String {
        let letters = SheetWriter.columnName(column)
        return "='\(sheet.replacingOccurrences(of: "'", with: "''"))'!$\(letters)$\(rows.lowerBound + 1):$\(letters)$\(rows.upperBound)"
    }
}

/// One sheet of a workbook being written.
public struct SheetWriter {
    let sheet: UnsafeMutablePointer<lxw_worksheet>
    public let name: String
    let formats: [WorkbookWriter.Style: UnsafeMutablePointer<lxw_format>]

    public func text(_ row: Int, _ column: Int, _ value: String, style: WorkbookWriter.Style = .plain) {
        worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column), value, formats[style])
    }

    public func number(_ row: Int, _ column: Int, _ value: Double, style: WorkbookWriter.Style = .plain) {
        worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column), value, formats[style])
    }

    public func bool(_ row: Int, _ column: Int, _ value: Bool) {
        worksheet_write_boolean(sheet, lxw_row_t(row), lxw_col_t(column), value ? 1 : 0, formats[.plain])
    }

    /// A date (and time) cell; `style` .date or .dateTime.
    public func date(_ row: Int, _ column: Int, year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Double = 0,
                     style: WorkbookWriter.Style = .date) {
        var value = lxw_datetime(year: Int32(year), month: Int32(month), day: Int32(day), hour: Int32(hour), min: Int32(minute), sec: second)
        worksheet_write_datetime(sheet, lxw_row_t(row), lxw_col_t(column), &value, formats[style])
    }

    /// Prints across: landscape, all columns on one page's width.
    public func printAcross() {
        worksheet_set_landscape(sheet)
        worksheet_fit_to_pages(sheet, 1, 0)
    }

    /// Keeps the first `rows` rows in view when scrolling.
    public func freeze(rows: Int) { worksheet_freeze_panes(sheet, lxw_row_t(rows), 0) }

    public func width(_ column: Int, _ width: Double) {
        worksheet_set_column(sheet, lxw_col_t(column), lxw_col_t(column), width, nil)
    }

    /// `A`, `B`, ..., `Z`, `AA`, ... for a 0-based column.
    public static func columnName(_ column: Int) -> String {
        var n = column + 1
        var name = ""
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + r))) + name
            n = (n - 1) / 26
        }
        return name
    }
}
