import ArgumentParser
import CallOpsCore
import Foundation
import Spreadsheet

/// `--format table|json|csv|xlsx` and `--out FILE` for the reports (SPEC section 3): the same
/// result as a table for the terminal, JSON, CSV data, or an Excel workbook for people.
struct ReportOutputOption: ParsableArguments {
    /// A native chart in the workbook.
    typealias Chart = ReportWorkbook.Chart

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv, xlsx }

    @Option(name: .long, help: "table, json, csv or xlsx (xlsx with --out).")
    var format: Format = .table

    @Option(help: "Write to this file instead of stdout (a CSV file starts with a UTF-8 BOM for Excel).")
    var out: String?

    func validate() throws {
        if format == .xlsx && out == nil { throw ValidationError("--format xlsx writes a workbook: give --out FILE.xlsx") }
    }

    /// Prints or writes `value`: `text` is the terminal's form; `main` the array CSV shows;
    /// `extra` tables and `charts` go into the workbook.
    /// - Parameters:
    ///   - global: the run's database and config, which an `--out` must never name (SPEC section 12).
    func present<T: Encodable>(global: GlobalOptions, _ value: T, main: String? = nil, extra: [DataTable] = [], charts: [Chart] = [],
                               text: () throws -> String) throws {
        let staged = try stage(global: global, value, main: main, extra: extra, charts: charts, text: text)
        try staged.place()
        staged.settle()
        try staged.show()
    }

    /// Refuses an `--out` that cannot be written before a command changes anything.
    func check(global: GlobalOptions) throws {
        if let out { try OutputFile.check(out, option: "--out", database: global.databasePath, inputs: global.configPath.map { [$0] } ?? []) }
    }

    /// Renders `value` as `present` does, but only stages it: an `--out` file is written beside
    /// its place and flushed; `place` (inside the command's transaction) renames it into place,
    /// `show` (after the commit) prints the text or says where the file went.
    func stage<T: Encodable>(global: GlobalOptions, _ value: T, main: String? = nil, extra: [DataTable] = [], charts: [Chart] = [],
                             text: () throws -> String) throws -> Staged {
        let inputs = global.configPath.map { [$0] } ?? []
        let output: String
        switch format {
        case .table: output = try text()
        case .json: output = try Render.json(value)
        case .csv: output = try Render.csv(value, main: main)
        case .xlsx:
            let tables = DataTable.tables(of: try EncodedValue.of(value)) + extra
            return Staged(file: try OutputFile.stage(to: out!, option: "--out", database: global.databasePath, inputs: inputs) { path in
                try ReportWorkbook.write(tables, charts: charts, to: path)
            }, text: nil, data: true)
        }
        guard let out else { return Staged(file: nil, text: output, data: format != .table) }
        return Staged(file: try OutputFile.stage(output, to: out, option: "--out", database: global.databasePath, inputs: inputs, bom: format == .csv),
                      text: nil, data: true)
    }

    /// A report ready to land: a file written beside its place, or text for stdout.
    struct Staged {
        let file: OutputFile?
        let text: String?
        /// CSV or JSON: control characters stay as they are unless stdout is a terminal (`emit`).
        let data: Bool

        /// Renames the file into place (nothing for stdout), keeping the file it replaces until
        /// `settle` (the transaction committed) or `revert` (it failed).
        func place() throws { try file?.place() }

        /// The command's change is committed: the file stays.
        func settle() { file?.settle() }

        /// The command's change failed after the file was placed: the earlier file returns.
        func revert() { file?.revert() }

        /// Prints the text, or notes the file written.
        func show() throws {
            if let file { note("wrote \(file.path)") } else if let text { try emit(text, data: data) }
        }
    }

    /// Prints `text`, or writes it to `out` (a CSV file for people with a BOM first).
    static func deliver(_ text: String, to out: String?, csv: Bool, data: Bool, global: GlobalOptions) throws {
        if let out {
            try OutputFile.write(text, to: out, option: "--out", database: global.databasePath, inputs: global.configPath.map { [$0] } ?? [], bom: csv)
            note("wrote \(out)")
        } else {
            try emit(text, data: data)
        }
    }

    /// Writes a workbook of `tables` and `charts` to `out`.
    static func writeWorkbook(_ tables: [DataTable], charts: [Chart], to out: String, global: GlobalOptions) throws {
        try OutputFile.write(to: out, option: "--out", database: global.databasePath, inputs: global.configPath.map { [$0] } ?? []) { path in try ReportWorkbook.write(tables, charts: charts, to: path) }
        note("wrote \(out)")
    }
}
