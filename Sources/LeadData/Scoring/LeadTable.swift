/// Leads as columns of interned text, the input of scoring: the lead's own fields under their
/// Chinese names and every extra column of its import file under its header. A million leads
/// hold a few thousand distinct values per column, so the features are worked out once per
/// distinct value, not once per lead.
public struct LeadTable: Sendable {
    /// Column names, in the order first seen.
    public private(set) var names: [String] = []
    /// Each column's distinct values.
    public private(set) var values: [[String]] = []
    /// Each column's value code per row; -1 is missing.
    public private(set) var codes: [[Int32]] = []
    public private(set) var rowCount = 0
    private var columnIndex: [String: Int] = [:]
    private var valueIndex: [[String: Int32]] = []

    public init() {}

    /// Starts a new row, every column missing until set.
    public mutating func addRow() {
        rowCount += 1
        for c in codes.indices { codes[c].append(-1) }
    }

    /// Sets a column of the last row; empty text stays missing.
    public mutating func set(_ name: String, _ value: String?) {
        guard let value, !value.isEmpty, rowCount > 0 else { return }
        let c: Int
        if let known = columnIndex[name] {
            c = known
        } else {
            c = names.count
            columnIndex[name] = c
            names.append(name)
            values.append([])
            valueIndex.append([:])
            codes.append([Int32](repeating: -1, count: rowCount))
        }
        let code: Int32
        if let known = valueIndex[c][value] {
            code = known
        } else {
            code = Int32(values[c].count)
            valueIndex[c][value] = code
            values[c].append(value)
        }
        codes[c][rowCount - 1] = code
    }

    /// Row `r` as column name → text (missing columns absent).
    public func row(_ r: Int) -> [String: String] {
        var result: [String: String] = [:]
        for c in names.indices where codes[c][r] >= 0 { result[names[c]] = values[c][Int(codes[c][r])] }
        return result
    }

    /// The display names of the lead's own fields, as the card and `leads why` print them.
    public enum Field {
        public static let age = "年龄"
        public static let gender = "性别"
        public static let city = "城市"
        public static let occupation = "职业"
        public static let income = "年收入"
        public static let marital = "婚姻状况"
        public static let children = "子女数"
        public static let source = "来源"
    }
}
