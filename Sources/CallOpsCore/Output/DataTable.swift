import Foundation

/// What a column holds, so each output shows it right: money with two decimals (CSV) or a
/// `¥#,##0.00` format (xlsx), rates as fractions or percentages, dates as dates.
public enum ColumnKind: Sendable, Equatable {
    case text, integer, number, money, rate, date, dateTime, bool

    /// The kind of a JSON key's numbers: SPEC section 13 gives money in yuan and rates as
    /// fractions, both as plain numbers, so the key's name tells them apart (one rule, here).
    public static func ofNumber(key: String) -> ColumnKind {
        let words = key.split(separator: "_").map(String.init)
        guard let last = words.last else { return .number }
        if ["rate", "share", "attainment", "persistency", "conversion", "utilization"].contains(last) || words.first == "attainment" { return .rate }
        if key.hasSuffix("per_yuan") { return .number }
        // A count of rows about money is a count: `unreadable_income` (rows kept without their
        // income) printed as 9.00 yuan.
        let countWords: Set<String> = ["unreadable", "count", "rows", "missing", "rejected"]
        if words.contains(where: countWords.contains) { return .number }
        // The pay line kinds (`base`, `clawback`, `campaign`, `override`, `adjustment`) are each a
        // sum in yuan in the pay run's rows.
        let moneyWords: Set<String> = ["premium", "amount", "total", "cost", "fyc", "income", "issued", "force", "pay", "salary", "bonus", "commission", "reward", "rewards",
                                       "base", "clawback", "campaign", "override", "adjustment"]
        return words.contains(where: moneyWords.contains) ? .money : .number
    }
}

/// One table of a result: its JSON keys as columns (nested objects flattened as `parent_key`),
/// one row per element of an array of objects.
public struct DataTable: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var key: String
        public var kind: ColumnKind

        public init(key: String, kind: ColumnKind) {
            self.key = key
            self.kind = kind
        }
    }

    public init(name: String, columns: [Column], rows: [[EncodedValue]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }

    /// The JSON key the rows came from (`agents`, `teams`), or `rows` for a top-level array.
    public var name: String
    public var columns: [Column]
    /// Each row's values by column; scalars only (null where absent).
    public var rows: [[EncodedValue]]

    /// The tables of a result: a top-level array of objects is one table; an object gives one
    /// table per member that is an array of objects, and its other members one more (`summary`,
    /// first) as key–value rows. Arrays of objects inside rows (a slip's lines, a funnel's
    /// stages) become tables of their own, each row led by its parent's first value; arrays of
    /// scalars (flags) one text of space-separated values.
    public static func tables(of value: EncodedValue) -> [DataTable] {
        switch value {
        case let .array(elements): return tables(named: "rows", elements)
        case let .noRows(shape): return tables(named: "rows", [], shape: shape)
        case let .object(members):
            var tables: [DataTable] = []
            var summary: [(String, EncodedValue)] = []
            for (key, member) in members {
                if case let .array(elements) = member, elements.isEmpty || elements.contains(where: isObject) {
                    // An empty list is an empty table (no agents this month), still a sheet of its own.
                    tables += Self.tables(named: key, elements)
                } else if case let .noRows(shape) = member {
                    tables += Self.tables(named: key, [], shape: shape)
                } else if case let .array(elements) = member {
                    if !elements.isEmpty { summary.append((key, scalarText(member))) }
                } else {
                    summary += flatten(member, prefix: key)
                }
            }
            if tables.isEmpty { return Self.tables(named: "summary", [value]) }
            if !summary.isEmpty {
                let keyColumn = Column(key: "key", kind: .text), valueColumn = Column(key: "value", kind: .text)
                var table = DataTable(name: "summary", columns: [keyColumn, valueColumn], rows: summary.map { [.string($0.0), $0.1] })
                table.rowKinds = summary.map { kind(of: [$0.1], key: $0.0) }
                tables.insert(table, at: 0)
            }
            return tables
        default: return [DataTable(name: "value", columns: [Column(key: "value", kind: .text)], rows: [[value]])]
        }
    }

    /// For a key–value table, the kind of each row's value.
    public var rowKinds: [ColumnKind]?

    /// The table a CSV on stdout shows: `preferred` when the result has it, else the first
    /// array of rows (the agents, the statements).
    public static func main(of value: EncodedValue, preferred: String? = nil) -> DataTable {
        let all = tables(of: value)
        if let preferred, let found = all.first(where: { $0.name == preferred }) { return found }
        return all.first { $0.name != "summary" } ?? all[0]
    }

    private static func isObject(_ value: EncodedValue) -> Bool {
        if case .object = value { return true }
        return false
    }

    /// The table of `elements` and the tables of the arrays of objects inside them; with no
    /// elements, the tables a `shape` row would give, without their rows (the header stays).
    static func tables(named name: String, _ elements: [EncodedValue], shape: EncodedValue? = nil) -> [DataTable] {
        if elements.isEmpty, let shape {
            return tables(named: name, [shape]).map { DataTable(name: $0.name, columns: $0.columns, rows: []) }
        }
        var parents: [EncodedValue] = []
        var children: [(String, [EncodedValue], EncodedValue?)] = []
        for element in elements {
            guard case let .object(members) = element else {
                parents.append(element)
                continue
            }
            let lead = members.first { if case .array = $0.1 { false } else { !isObject($0.1) } }
            var kept: [(String, EncodedValue)] = []
            func led(_ item: EncodedValue) -> EncodedValue? {
                guard case let .object(fields) = item else { return nil }
                return .object((lead.map { [$0] } ?? []) + fields.filter { $0.0 != lead?.0 })
            }
            for (key, member) in members {
                if case let .array(items) = member, items.contains(where: isObject) {
                    let rows = items.compactMap(led)
                    if let i = children.firstIndex(where: { $0.0 == key }) { children[i].1 += rows } else { children.append((key, rows, nil)) }
                } else if case let .noRows(shape) = member {
                    // A row whose list is empty (a slip with no lines): the list's table keeps its columns.
                    if let i = children.firstIndex(where: { $0.0 == key }) {
                        children[i].2 = children[i].2 ?? led(shape)
                    } else {
                        children.append((key, [], led(shape)))
                    }
                } else {
                    kept.append((key, member))
                }
            }
            parents.append(.object(kept))
        }
        return [table(named: name, parents)] + children.flatMap { tables(named: $0.0, $0.1, shape: $0.2) }
    }

    static func table(named name: String, _ elements: [EncodedValue]) -> DataTable {
        var keys: [String] = []
        var seen = Set<String>()
        var flat: [[String: EncodedValue]] = []
        for element in elements {
            let members = flatten(element, prefix: nil)
            var row: [String: EncodedValue] = [:]
            for (key, value) in members {
                if seen.insert(key).inserted { keys.append(key) }
                row[key] = value
            }
            flat.append(row)
        }
        let columns = keys.map { key in Column(key: key, kind: kind(of: flat.compactMap { $0[key] }, key: key)) }
        return DataTable(name: name, columns: columns, rows: flat.map { row in keys.map { row[$0] ?? .null } })
    }

    private static func flatten(_ value: EncodedValue, prefix: String?) -> [(String, EncodedValue)] {
        switch value {
        case let .object(members):
            return members.flatMap { key, member in flatten(member, prefix: prefix.map { "\($0)_\(key)" } ?? key) }
        case .array, .noRows: return [(prefix ?? "value", scalarText(value))]
        default: return [(prefix ?? "value", value)]
        }
    }

    /// A list inside a row (flags, tags) as one text.
    private static func scalarText(_ value: EncodedValue) -> EncodedValue {
        if case .noRows = value { return .string("") }
        guard case let .array(elements) = value else { return value }
        return .string(elements.map { CSVText.raw($0, kind: .text) }.joined(separator: " "))
    }

    private static func kind(of values: [EncodedValue], key: String) -> ColumnKind {
        var kind: ColumnKind?
        for value in values {
            let this: ColumnKind
            switch value {
            case .null: continue
            case .bool: this = .bool
            case .int: this = ColumnKind.ofNumber(key: key) == .money ? .money : .integer
            case .double: this = ColumnKind.ofNumber(key: key)
            case let .string(text): this = Self.dateKind(text) ?? .text
            case .array, .object, .noRows: this = .text
            }
            if let known = kind, known != this {
                if [known, this].allSatisfy({ [.integer, .number, .money, .rate].contains($0) }) {
                    kind = known == .integer ? this : known
                } else {
                    return .text
                }
            } else {
                kind = this
            }
        }
        return kind ?? .text
    }

    /// `.date` for `2026-11-23`, `.dateTime` for `2026-11-23T10:15` or `...:00`.
    public static func dateKind(_ text: String) -> ColumnKind? {
        let b = Array(text.utf8)
        func digits(_ r: Range<Int>) -> Bool { r.allSatisfy { $0 < b.count && b[$0] >= 48 && b[$0] <= 57 } }
        guard b.count >= 10, digits(0..<4), b[4] == UInt8(ascii: "-"), digits(5..<7), b[7] == UInt8(ascii: "-"), digits(8..<10) else { return nil }
        if b.count == 10 { return .date }
        if (b.count == 16 || b.count == 19), b[10] == UInt8(ascii: "T"), digits(11..<13), b[13] == UInt8(ascii: ":"), digits(14..<16),
           b.count == 16 || (b[16] == UInt8(ascii: ":") && digits(17..<19)) {
            return .dateTime
        }
        return nil
    }

    /// The table as CSV data (SPEC section 3): the keys as the header, raw values, formulas neutralised.
    public func csv() -> String {
        var out = CSVWriter.row(columns.map(\.key))
        for row in rows {
            out += CSVWriter.row(zip(columns, row).map { CSVText.raw($1, kind: $0.kind) })
        }
        return out
    }
}

/// Values as CSV data writes them.
public enum CSVText {
    /// Money `71450.00`, rates `0.467`, other numbers as they are, null empty.
    public static func raw(_ value: EncodedValue, kind: ColumnKind) -> String {
        switch value {
        case .null: return ""
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return kind == .money ? String(format: "%lld.00", i) : String(i)
        case let .double(d):
            guard d.isFinite else { return "" }
            switch kind {
            case .money: return String(format: "%.2f", d)
            case .rate: return trimmed(String(format: "%.3f", d))
            default:
                if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
                return String(d)
            }
        case let .string(s): return s
        case let .array(elements): return elements.map { raw($0, kind: .text) }.joined(separator: " ")
        case .object, .noRows: return ""
        }
    }

    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var t = Substring(text)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return t == "-0" ? "0" : String(t)
    }
}

/// A chart over one of a result's tables, drawn as a native chart in the xlsx output: `values`
/// (keys of that table) against `category`.
public struct DataChart: Sendable, Equatable {
    public var title: String
    public var table: String
    public var category: String
    public var values: [String]
    /// Bars across (a ranking) rather than columns up (a series).
    public var horizontal: Bool
    /// At most this many rows.
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
