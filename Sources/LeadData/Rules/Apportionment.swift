/// The arithmetic of allocation: shares in proportion to weights, within capacities.
public enum Apportionment {
    /// Splits `total` items among recipients in proportion to `weights`, none above its
    /// capacity (the excess of a capped recipient goes to the others, by weight), by largest
    /// remainder; equal remainders go by `tieBreak` (seeded keys, lowest first), never by order.
    /// The result sums to min(total, room of recipients with weight > 0).
    public static func largestRemainder(total: Int, weights: [Double], capacities: [Int], tieBreak: [UInt64]) -> [Int] {
        let n = weights.count
        var shares = [Int](repeating: 0, count: n)
        let open = (0..<n).filter { weights[$0] > 0 && capacities[$0] > 0 }
        var remaining = min(max(total, 0), open.reduce(0) { $0 + capacities[$1] })
        var active = open
        // Capped recipients leave the split; repeat until no quota exceeds its room.
        while remaining > 0 && !active.isEmpty {
            let weightSum = active.reduce(0.0) { $0 + weights[$1] }
            let quotas = active.map { Double(remaining) * weights[$0] / weightSum }
            let capped = active.indices.filter { quotas[$0] >= Double(capacities[active[$0]] - shares[active[$0]]) }
            if capped.isEmpty {
                var floors = quotas.map { Int($0.rounded(.down)) }
                var given = floors.reduce(0, +)
                let order = active.indices.sorted {
                    let a = quotas[$0] - Double(floors[$0]), b = quotas[$1] - Double(floors[$1])
                    return a != b ? a > b : tieBreak[active[$0]] < tieBreak[active[$1]]
                }
                var k = 0
                while given < remaining {
                    floors[order[k % order.count]] += 1
                    given += 1
                    k += 1
                }
                for (j, i) in active.enumerated() { shares[i] += floors[j] }
                remaining = 0
            } else {
                for j in capped {
                    let i = active[j]
                    let room = capacities[i] - shares[i]
                    shares[i] += room
                    remaining -= room
                }
                let cappedSet = Set(capped.map { active[$0] })
                active.removeAll { cappedSet.contains($0) }
            }
        }
        return shares
    }

    /// Conversion smoothed toward the team's rate, as if the agent had `priorLeads` more leads
    /// worked at that rate: one lucky sale does not swing the weight.
    public static func smoothedConversion(sales: Int, leadsWorked: Int, teamRate: Double, priorLeads: Double) -> Double {
        let denominator = Double(leadsWorked) + priorLeads
        return denominator > 0 ? (Double(sales) + teamRate * priorLeads) / denominator : teamRate
    }

    /// The allocation weight: the tier's weight scaled by conversion relative to the team.
    public static func allocationWeight(tierWeight: Double, smoothedConversion: Double, teamRate: Double) -> Double {
        tierWeight * (teamRate > 0 ? smoothedConversion / teamRate : 1)
    }
}
