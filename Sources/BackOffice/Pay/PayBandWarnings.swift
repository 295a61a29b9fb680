import CallOpsCore
import Foundation

extension PayRunResult {
    /// The warnings of SPEC section 9 (seed 004: a variable share of 30–50% of pay works best):
    /// one for the center and one for each agent outside the band, in words.
    public func bandWarnings(rules: Settings.PayRules) -> [String] {
        let band = String(format: "%.0f%%–%.0f%%", rules.variableShareMin * 100, rules.variableShareMax * 100)
        func outside(_ share: Double) -> Bool { share < rules.variableShareMin || share > rules.variableShareMax }
        func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }
        var warnings: [String] = []
        if let share = variableShare, outside(share) {
            warnings.append("warning: pay \(month): the center's variable share is \(percent(share)), outside the \(band) that works best (seed 004)")
        }
        for statement in statements {
            guard let share = statement.variableShare, outside(share) else { continue }
            warnings.append("warning: pay \(month): \(statement.agentCode) \(statement.name)'s variable share is \(percent(share)), outside \(band)")
        }
        return warnings
    }
}
