import CallOpsCore
import Foundation

/// The sale fields of a call-file row (SPEC sections 6 and 7): a `sale` row names a catalog
/// product and its premium, or it is rejected with the reason; it is never a won lead without a policy.
public enum CallRowSale {
    /// What is wrong with a row's sale fields: the field and why.
    public struct Problem: Error, Equatable, Sendable {
        public var field: String
        public var reason: String
    }

    /// The sale a `sale` row records.
    /// - Parameters:
    ///   - product: the row's `product` (a catalog code), nil when empty.
    ///   - premium: the row's `premium` in yuan, nil when empty.
    ///   - insured: the row's `insured`, nil when empty (self).
    ///   - catalog: the product codes of the config's catalog.
    public static func parse(product: String?, premium: String?, insured: String?, catalog: [String]) -> Result<SaleInput, Problem> {
        guard let product, !product.isEmpty else {
            return .failure(Problem(field: "product", reason: "a sale names its product (one of \(catalog.joined(separator: ", ")))"))
        }
        guard catalog.contains(product.uppercased()) else {
            return .failure(Problem(field: "product", reason: "\"\(Quoted.value(product))\" is not in the catalog (\(catalog.joined(separator: ", ")))"))
        }
        guard let text = premium, let amount = Money(parsingYuan: text), amount.fen > 0 else {
            return .failure(Problem(field: "premium", reason: "\"\(Quoted.value(premium ?? ""))\" is not a premium; a sale needs its annual premium in yuan, above 0 and up to 100,000,000"))
        }
        guard let who = Insured(rawValue: insured ?? "self") else {
            return .failure(Problem(field: "insured", reason: "\"\(Quoted.value(insured ?? ""))\" is not self, spouse, child or parent"))
        }
        return .success(SaleInput(product: product.uppercased(), premium: amount, insured: who))
    }
}
