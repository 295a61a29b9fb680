import Foundation

/// Binary rows grouped by pattern: every lead feature is a 0/1 indicator (a category, a quantile
/// bin, a missing value), so a row is the list of its active features, and rows with the same
/// list collapse into one group with a count and a number of sales. The logistic likelihood of a
/// group is exactly the sum of its rows', so fitting on groups is the same fit, only faster.
public struct PatternData: Sendable {
    /// Active feature indices of every group, concatenated; group g is `indices[offsets[g]..<offsets[g+1]]`.
    public private(set) var indices: [Int32] = []
    public private(set) var offsets: [Int] = [0]
    /// Rows in each group.
    public private(set) var counts: [Double] = []
    /// Sales (label 1) in each group.
    public private(set) var positives: [Double] = []
    /// The fold of each group (rows of different folds never share a group).
    public private(set) var folds: [Int] = []
    /// Number of features (the intercept is extra).
    public let featureCount: Int
    private var lookup: [PatternKey: Int] = [:]

    public init(featureCount: Int) { self.featureCount = featureCount }

    public var groupCount: Int { counts.count }

    /// Adds one row: its active features (ascending, no repeats), its label and its fold.
    public mutating func add(_ active: [Int32], label: Bool, fold: Int = 0, weight: Double = 1) {
        let key = PatternKey(fold: fold, active: active)
        if let g = lookup[key] {
            counts[g] += weight
            if label { positives[g] += weight }
            return
        }
        lookup[key] = counts.count
        indices.append(contentsOf: active)
        offsets.append(indices.count)
        counts.append(weight)
        positives.append(label ? weight : 0)
        folds.append(fold)
    }

    /// The active features of group `g`.
    @inline(__always) func active(_ g: Int) -> ArraySlice<Int32> { indices[offsets[g]..<offsets[g + 1]] }

    private struct PatternKey: Hashable {
        var fold: Int
        var active: [Int32]
    }
}

/// L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
/// squares) on binary pattern data. The intercept is not penalised. Deterministic: no random
/// start, no parallel sums.
public enum LogisticRegression {
    /// Weights of the features, then the intercept.
    public struct Fit: Equatable, Sendable {
        public var weights: [Double]
        public var intercept: Double
        public var iterations: Int
        public var lambda: Double
    }

    /// Fits on the groups that `include` accepts (all when nil).
    /// - Parameters:
    ///   - lambda: the L2 penalty on the sum of log-losses (scikit-learn's `C` is 1 / lambda).
    ///   - start: weights to start from (a warm start along a path of penalties).
    public static func fit(_ data: PatternData, lambda: Double, include: ((Int) -> Bool)? = nil, start: Fit? = nil,
                           maxIterations: Int = 50, tolerance: Double = 1e-8) -> Fit {
        let p = data.featureCount
        let dimension = p + 1
        var beta = start.map { $0.weights + [$0.intercept] } ?? [Double](repeating: 0, count: dimension)
        if start == nil {
            // Start at the base rate so the first step is small.
            var n = 0.0, y = 0.0
            for g in 0..<data.groupCount where include?(g) ?? true {
                n += data.counts[g]
                y += data.positives[g]
            }
            let rate = min(max(y / max(n, 1), 1e-6), 1 - 1e-6)
            beta[p] = log(rate / (1 - rate))
        }
        var loss = objective(data, beta: beta, lambda: lambda, include: include)
        var iterations = 0
        var gradient = [Double](repeating: 0, count: dimension)
        var hessian = [Double](repeating: 0, count: dimension * dimension)
        while iterations < maxIterations {
            iterations += 1
            for i in 0..<dimension { gradient[i] = 0 }
            for i in 0..<(dimension * dimension) { hessian[i] = 0 }
            for g in 0..<data.groupCount where include?(g) ?? true {
                let active = data.active(g)
                var eta = beta[p]
                for j in active { eta += beta[Int(j)] }
                let mu = sigmoid(eta)
                let n = data.counts[g]
                let residual = n * mu - data.positives[g]
                let w = n * mu * (1 - mu)
                gradient[p] += residual
                hessian[p * dimension + p] += w
                for j in active {
                    let a = Int(j)
                    gradient[a] += residual
                    hessian[a * dimension + p] += w
                    // Upper triangle only (indices ascend); mirrored before solving.
                    for k in active where k >= j { hessian[a * dimension + Int(k)] += w }
                }
            }
            for j in 0..<p {
                gradient[j] += lambda * beta[j]
                hessian[j * dimension + j] += lambda
            }
            for a in 0..<dimension {
                for b in (a + 1)..<dimension where b < dimension { hessian[b * dimension + a] = hessian[a * dimension + b] }
            }
            // A feature no included row has: its column is zero but for the penalty; with no
            // penalty keep it solvable.
            for j in 0..<dimension where hessian[j * dimension + j] == 0 { hessian[j * dimension + j] = 1e-9 }
            guard let step = choleskySolve(hessian, gradient, dimension) else { break }
            // Backtracking: Newton on a convex loss rarely needs it, but separation can overshoot.
            var scale = 1.0
            var candidate = beta
            var candidateLoss = loss
            while scale > 1e-6 {
                for i in 0..<dimension { candidate[i] = beta[i] - scale * step[i] }
                candidateLoss = objective(data, beta: candidate, lambda: lambda, include: include)
                if candidateLoss <= loss + 1e-12 * abs(loss) { break }
                scale /= 2
            }
            let change = loss - candidateLoss
            beta = candidate
            loss = candidateLoss
            let largest = step.reduce(0) { max($0, abs($1)) } * scale
            if largest < 1e-7 || change < tolerance * max(1, abs(loss)) { break }
        }
        return Fit(weights: Array(beta[0..<p]), intercept: beta[p], iterations: iterations, lambda: lambda)
    }

    /// The penalised negative log-likelihood.
    static func objective(_ data: PatternData, beta: [Double], lambda: Double, include: ((Int) -> Bool)?) -> Double {
        let p = data.featureCount
        var total = 0.0
        for g in 0..<data.groupCount where include?(g) ?? true {
            var eta = beta[p]
            for j in data.active(g) { eta += beta[Int(j)] }
            total += data.counts[g] * softplus(eta) - data.positives[g] * eta
        }
        var penalty = 0.0
        for j in 0..<p { penalty += beta[j] * beta[j] }
        return total + lambda / 2 * penalty
    }

    /// Mean log-loss of `fit` on the groups `include` accepts (lower is better).
    public static func logLoss(_ data: PatternData, fit: Fit, include: (Int) -> Bool) -> Double {
        var total = 0.0, n = 0.0
        for g in 0..<data.groupCount where include(g) {
            var eta = fit.intercept
            for j in data.active(g) { eta += fit.weights[Int(j)] }
            total += data.counts[g] * softplus(eta) - data.positives[g] * eta
            n += data.counts[g]
        }
        return n > 0 ? total / n : 0
    }

    /// Picks the penalty by k-fold cross-validation on `data` (its groups carry their folds):
    /// for each candidate, fit on the other folds and measure the log-loss on the held fold;
    /// the lowest mean wins (ties to the larger penalty, the simpler model).
    /// - Returns: the chosen penalty and each candidate's mean held-out log-loss.
    public static func crossValidate(_ data: PatternData, lambdas: [Double], folds: Int) -> (lambda: Double, losses: [Double]) {
        let candidates = lambdas.sorted(by: >)
        var losses = [Double](repeating: 0, count: candidates.count)
        for fold in 0..<folds {
            var warm: Fit?
            // From the strongest penalty down: each fit starts from the previous one's weights.
            for (c, lambda) in candidates.enumerated() {
                let fit = fit(data, lambda: lambda, include: { data.folds[$0] != fold }, start: warm)
                warm = fit
                losses[c] += logLoss(data, fit: fit, include: { data.folds[$0] == fold }) / Double(folds)
            }
        }
        var best = 0
        for c in candidates.indices where losses[c] < losses[best] - 1e-12 { best = c }
        // Report the losses in the order the lambdas were given.
        let byGiven = lambdas.map { lambda in losses[candidates.firstIndex(of: lambda)!] }
        return (candidates[best], byGiven)
    }

    @inline(__always) public static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    @inline(__always) static func softplus(_ x: Double) -> Double {
        x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
    }

    /// Solves A x = b for a symmetric positive-definite A (row-major, n × n) by Cholesky; nil
    /// when A is not positive definite.
    public static func choleskySolve(_ a: [Double], _ b: [Double], _ n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n where k < n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }
}
