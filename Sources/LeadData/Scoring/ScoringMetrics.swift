import Foundation

/// How well scores rank outcomes: AUC, lift and capture at the top, calibration by decile.
/// Pure functions of (score, outcome) pairs.
public enum ScoringMetrics {
    /// The area under the ROC curve: the chance that a random sale scores above a random
    /// non-sale, ties counting half (Mann–Whitney with average ranks). nil without both kinds.
    public static func auc(scores: [Double], labels: [Bool]) -> Double? {
        precondition(scores.count == labels.count)
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            // Ranks i+1 ... j+1 share their average.
            let average = Double(i + j + 2) / 2
            for k in i...j where labels[order[k]] { rankSum += average }
            i = j + 1
        }
        let p = Double(positives), n = Double(negatives)
        return (rankSum - p * (p + 1) / 2) / (p * n)
    }

    /// The leads in the top `share` by score: their sale rate over the overall rate (lift) and
    /// their share of all sales (capture). Ties at the cut are broken by position, which the
    /// caller makes deterministic. nil without a sale.
    public static func top(share: Double, scores: [Double], labels: [Bool]) -> (lift: Double, capture: Double)? {
        let total = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard total > 0, !scores.isEmpty else { return nil }
        let take = max(1, Int((Double(scores.count) * share).rounded()))
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        let caught = order.prefix(take).reduce(0) { $0 + (labels[$1] ? 1 : 0) }
        let baseRate = Double(total) / Double(scores.count)
        return (Double(caught) / Double(take) / baseRate, Double(caught) / Double(total))
    }

    /// One decile of a calibration table: decile 1 holds the highest scores.
    public struct Decile: Codable, Equatable, Sendable {
        public var decile: Int
        public var leads: Int
        /// The mean predicted probability.
        public var predicted: Double
        /// The observed sale rate.
        public var observed: Double
    }

    /// Ten groups of (nearly) equal size by descending score, each with its mean prediction
    /// and observed rate. Empty deciles (fewer than ten leads) are left out.
    public static func deciles(scores: [Double], labels: [Bool]) -> [Decile] {
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        return (0..<10).compactMap { d in
            let range = decileRange(d, count: order.count)
            guard !range.isEmpty else { return nil }
            var predicted = 0.0, observed = 0
            for position in range {
                predicted += scores[order[position]]
                if labels[order[position]] { observed += 1 }
            }
            let n = Double(range.count)
            return Decile(decile: d + 1, leads: range.count, predicted: predicted / n, observed: Double(observed) / n)
        }
    }

    /// Positions (in descending score order) of decile `d` (0-based) among `count` leads: the
    /// same split as SQL's `NTILE(10)`, the first `count % 10` deciles one larger.
    public static func decileRange(_ d: Int, count: Int) -> Range<Int> {
        let base = count / 10, extra = count % 10
        let start = d * base + min(d, extra)
        return start..<(start + base + (d < extra ? 1 : 0))
    }
}
