import Foundation

/// Rows for people and machines: one value renders as an aligned terminal table or as CSV.
/// (JSON comes from the result's own `Codable` form, whose snake_case keys are a contract.)
public struct Table: Sendable, Equatable {
    public enum Alignment: Sendable { case left, right }

    public var columns: [String]
    public var alignments: [Alignment]
    public var rows: [[String]]
    /// Lines printed under the table (totals, hints); not part of CSV.
    public var footer: [String] = []

    /// - Parameters:
    ///   - columns: header names; a name starting with `>` is right-aligned (numbers).
    public init(_ columns: [String], rows: [[String]] = []) {
        self.columns = columns.map { $0.hasPrefix(">") ? String($0.dropFirst()) : $0 }
        self.alignments = columns.map { $0.hasPrefix(">") ? .right : .left }
        self.rows = rows
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    /// The table aligned for a terminal, counting CJK characters as two columns. Control
    /// characters from data are escaped (`\x1B`) before the columns are measured, so a name
    /// with an escape sequence neither acts on a terminal nor shifts the columns.
    public func rendered() -> String {
        let columns = columns.map { Quoted.escapingControls($0) }
        let rows = rows.map { $0.map { Quoted.escapingControls($0) } }
        var widths = columns.map(Self.displayWidth)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], Self.displayWidth(cell))
            }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, width) in widths.enumerated() {
                let cell = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: width - Self.displayWidth(cell))
                let last = i == widths.count - 1
                switch alignments[i] {
                case .left: out += cell + (last ? "" : pad)
                case .right: out += pad + cell
                }
                if !last { out += "  " }
            }
            return out
        }
        var lines = [line(columns), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.map(line)
        if rows.isEmpty { lines.append("(none)") }
        lines += footer
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table as CSV (header first), formulas neutralised.
    public func csv() -> String {
        var out = CSVWriter.row(columns)
        for row in rows { out += CSVWriter.row(row) }
        return out
    }

    /// Terminal columns a string takes: East Asian wide and full-width characters count two.
    public static func displayWidth(_ text: String) -> Int {
        var width = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0300...0x036F, 0x200B...0x200F: break
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
                0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
                0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                width += 2
            default: width += 1
            }
        }
        return width
    }
}

/// How a command prints what it lists or reports (`--format`).
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, csv
}

/// Turns a result into text in the chosen format.
public enum Render {
    /// JSON with sorted snake_case keys, as the SPEC's contract (section 13) reads.
    public static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// The value in `format`: its table for people, its JSON, or CSV data of its JSON keys and
    /// raw values (SPEC section 3; `main` picks the array of an object result).
    public static func output<T: Encodable>(_ value: T, table: Table, format: OutputFormat, main: String? = nil) throws -> String {
        switch format {
        case .table: table.rendered()
        case .csv: try csv(value, main: main)
        case .json: try json(value)
        }
    }

    /// CSV data: the JSON keys as the header, raw values (money `71450.00`, rates `0.467`).
    public static func csv<T: Encodable>(_ value: T, main: String? = nil) throws -> String {
        DataTable.main(of: try EncodedValue.of(value), preferred: main).csv()
    }

    /// A rate as a percentage with one decimal, for tables (`12.5%`); `-` when undefined.
    public static func percent(_ rate: Double?) -> String {
        guard let rate, rate.isFinite else { return "-" }
        return String(format: "%.1f%%", rate * 100)
    }

    /// A number with `digits` decimals.
    public static func number(_ value: Double, digits: Int = 1) -> String {
        String(format: "%.\(digits)f", value)
    }
}
