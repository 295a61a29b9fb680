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
        let output: String
        switch format {
        case .table: output = try text()
        case .json: output = try Render.json(value)
        case .csv: output = try Render.csv(value, main: main)
        case .xlsx:
            try Self.writeWorkbook(DataTable.tables(of: try EncodedValue.of(value)) + extra, charts: charts, to: out!, global: global)
            return
        }
        try Self.deliver(output, to: out, csv: format == .csv, global: global)
    }

    /// Prints `text`, or writes it to `out` (a CSV file for people with a BOM first).
    static func deliver(_ text: String, to out: String?, csv: Bool, global: GlobalOptions) throws {
        if let out {
            try OutputFile.write(text, to: out, option: "--out", database: global.databasePath, inputs: global.configPath.map { [$0] } ?? [], bom: csv)
            note("wrote \(out)")
        } else {
            emit(text)
        }
    }

    /// Writes a workbook of `tables` and `charts` to `out`.
    static func writeWorkbook(_ tables: [DataTable], charts: [Chart], to out: String, global: GlobalOptions) throws {
        try OutputFile.write(to: out, option: "--out", database: global.databasePath, inputs: global.configPath.map { [$0] } ?? []) { path in try ReportWorkbook.write(tables, charts: charts, to: path) }
        note("wrote \(out)")
    }
}
