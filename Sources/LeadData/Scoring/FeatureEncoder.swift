import CallOpsCore
import Foundation

/// Turns a lead's columns into 0/1 features (SPEC section 5): a categorical column one-hot with
/// its rare values pooled into "other", a numeric column binned by quantile, and a missing
/// indicator for each column that had gaps in training. Learned from the training leads and
/// stored with the model, so scoring a lead later encodes it the same way.
public struct FeatureEncoder: Codable, Equatable, Sendable {
    public struct Column: Codable, Equatable, Sendable {
        public var name: String
        /// Numeric columns have cut points; categorical ones have levels.
        public var numeric: Bool
        /// Bin i is [cuts[i-1], cuts[i]); bin 0 is below cuts[0], the last at or above the last cut.
        public var cuts: [Double]
        /// The categorical values kept, each its own feature.
        public var levels: [String]
        /// Whether rare (or later unseen) values have a pooled feature.
        public var hasOther: Bool
        public var hasMissing: Bool
        /// Index of the column's first feature.
        public var first: Int

        enum CodingKeys: String, CodingKey {
            case name, numeric, cuts, levels
            case hasOther = "has_other"
            case hasMissing = "has_missing"
            case first
        }

        /// Features of this column: bins or levels, then other, then missing.
        var width: Int { (numeric ? cuts.count + 1 : levels.count + (hasOther ? 1 : 0)) + (hasMissing ? 1 : 0) }
        var missingFeature: Int? { hasMissing ? first + width - 1 : nil }
    }

    public var columns: [Column]
    public var featureCount: Int

    /// Learns the columns from the training rows of `table`.
    /// - Parameters:
    ///   - rows: the training rows.
    ///   - bins: quantile bins of a numeric column.
    ///   - rareMinLeads: a categorical value seen in fewer training leads is pooled into "other".
    ///   - maxLevels: at most this many values of a column keep their own feature.
    public static func fit(_ table: LeadTable, rows: [Int], bins: Int, rareMinLeads: Int, maxLevels: Int) -> FeatureEncoder {
        var columns: [Column] = []
        var next = 0
        for c in table.names.indices {
            var counts = [Int](repeating: 0, count: table.values[c].count)
            var missing = 0
            for r in rows {
                let code = table.codes[c][r]
                if code < 0 { missing += 1 } else { counts[Int(code)] += 1 }
            }
            let present = rows.count - missing
            guard present > 0 else { continue }
            let numbers = table.values[c].map(number)
            let numericCount = zip(numbers, counts).reduce(0) { $0 + ($1.0 != nil ? $1.1 : 0) }
            let distinct = counts.filter { $0 > 0 }.count
            var column = Column(name: table.names[c], numeric: false, cuts: [], levels: [], hasOther: false, hasMissing: missing > 0, first: next)
            if Double(numericCount) >= 0.95 * Double(present) && distinct > bins {
                column.numeric = true
                var pairs: [(Double, Int)] = []
                for (k, value) in numbers.enumerated() where counts[k] > 0 { if let value { pairs.append((value, counts[k])) } }
                column.cuts = quantileCuts(pairs, bins: bins)
                // Text in a numeric column counts as missing.
                if numericCount < present { column.hasMissing = true }
                if column.cuts.isEmpty && !column.hasMissing { continue }
            } else {
                let ranked = counts.indices.filter { counts[$0] >= max(1, rareMinLeads) }
                    .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : table.values[c][$0] < table.values[c][$1] }
                let kept = Array(ranked.prefix(maxLevels))
                column.levels = kept.map { table.values[c][$0] }
                let keptRows = kept.reduce(0) { $0 + counts[$1] }
                column.hasOther = keptRows < present
                // One value everywhere and never missing says nothing.
                if column.levels.count + (column.hasOther ? 1 : 0) <= 1 && !column.hasMissing { continue }
            }
            next += column.width
            columns.append(column)
        }
        return FeatureEncoder(columns: columns, featureCount: next)
    }

    /// Cut points so that each bin holds about 1/bins of the leads: walking the distinct values
    /// in order, a bin closes once it holds its share, so a value held by many leads (a `-1`
    /// meaning "never") is a bin of its own rather than swallowing its neighbours.
    static func quantileCuts(_ pairs: [(Double, Int)], bins: Int) -> [Double] {
        let sorted = pairs.sorted { $0.0 < $1.0 }
        let total = sorted.reduce(0) { $0 + $1.1 }
        let share = Double(total) / Double(max(1, bins))
        var cuts: [Double] = []
        var inBin = 0
        for (k, (_, count)) in sorted.enumerated() {
            inBin += count
            if Double(inBin) >= share && k + 1 < sorted.count {
                cuts.append(sorted[k + 1].0)
                inBin = 0
            }
        }
        // A last bin under half a share joins the one before.
        if !cuts.isEmpty && Double(inBin) < share / 2 { cuts.removeLast() }
        return cuts
    }

    /// A number from a column's text: `35`, `120,000`, `-1`, `1.5`.
    static func number(_ text: String) -> Double? {
        if let value = Double(text), value.isFinite { return value }
        let cleaned = text.replacingOccurrences(of: ",", with: "")
        guard let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }

    /// For each column of `table` that the encoder knows, the feature of each distinct value
    /// (-1: none); and the feature of a missing value.
    public func plan(for table: LeadTable) -> [(column: Int, features: [Int32], missing: Int32)] {
        var result: [(Int, [Int32], Int32)] = []
        for column in columns {
            guard let c = table.names.firstIndex(of: column.name) else {
                // The column is absent everywhere: every lead is missing it.
                continue
            }
            let features = table.values[c].map { Int32(feature(of: $0, in: column) ?? -1) }
            result.append((c, features, Int32(column.missingFeature ?? -1)))
        }
        return result
    }

    /// Features that every row of `table` has because the column is absent from the table.
    public func absentColumnFeatures(for table: LeadTable) -> [Int32] {
        columns.filter { !table.names.contains($0.name) }.compactMap { $0.missingFeature.map(Int32.init) }
    }

    /// The active features of row `r` (ascending), by a plan made for its table.
    public static func encode(row r: Int, table: LeadTable, plan: [(column: Int, features: [Int32], missing: Int32)], absent: [Int32]) -> [Int32] {
        var active = absent
        for step in plan {
            let code = table.codes[step.column][r]
            let f = code < 0 ? step.missing : step.features[Int(code)]
            if f >= 0 { active.append(f) }
        }
        active.sort()
        return active
    }

    /// The active features of one lead given as column name → text.
    public func encode(_ record: [String: String]) -> [Int32] {
        var active: [Int32] = []
        for column in columns {
            if let text = record[column.name], !text.isEmpty {
                if let f = feature(of: text, in: column) { active.append(Int32(f)) }
            } else if let f = column.missingFeature {
                active.append(Int32(f))
            }
        }
        return active.sorted()
    }

    func feature(of text: String, in column: Column) -> Int? {
        if column.numeric {
            guard let value = Self.number(text) else { return column.missingFeature }
            var bin = 0
            while bin < column.cuts.count && value >= column.cuts[bin] { bin += 1 }
            return column.first + bin
        }
        if let level = column.levels.firstIndex(of: text) { return column.first + level }
        return column.hasOther ? column.first + column.levels.count : nil
    }

    /// A feature in words: `年收入 ≥ 200,000`, `职业 = 教师`, `职业: a rare value`, `年收入 unknown`.
    public func describe(_ feature: Int) -> String {
        guard let column = columns.last(where: { $0.first <= feature }) else { return "feature \(feature)" }
        let k = feature - column.first
        if column.hasMissing && feature == column.missingFeature { return "\(column.name) unknown" }
        if column.numeric {
            if column.cuts.isEmpty { return "\(column.name) known" }
            if k == 0 { return "\(column.name) < \(Self.format(column.cuts[0]))" }
            if k == column.cuts.count { return "\(column.name) ≥ \(Self.format(column.cuts[k - 1]))" }
            return "\(column.name) \(Self.format(column.cuts[k - 1]))–\(Self.format(column.cuts[k]))"
        }
        if k < column.levels.count { return "\(column.name) = \(column.levels[k])" }
        return "\(column.name): a rare value"
    }

    /// `200,000`, `-1`, `2.5`.
    static func format(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 {
            let whole = Int64(value)
            let digits = String(whole.magnitude)
            var grouped = ""
            for (i, ch) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { grouped.append(",") }
                grouped.append(ch)
            }
            return (whole < 0 ? "-" : "") + grouped
        }
        return String(format: "%.2f", value)
    }
}
