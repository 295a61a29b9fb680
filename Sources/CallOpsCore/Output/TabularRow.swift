import Foundation

/// A row of a listing or report: it names its columns by a blank example, so a CSV or a sheet
/// of no rows still carries its header (a script reading an empty result gets the columns).
///
/// The columns come from encoding `blank`, the same code that encodes every real row, so the
/// header of an empty table cannot drift from the keys of a full one (SPEC section 13).
public protocol TabularRow: Encodable {
    /// A row of this kind with placeholder values; only its keys (and their kinds) are used.
    static var blank: Self { get }
}

/// A list of rows that knows its row kind even when it holds none.
protocol TabularRowList {
    var isEmpty: Bool { get }
    /// The encoded blank row of the element kind.
    static func shape() throws -> EncodedValue
}

extension Array: TabularRowList where Element: TabularRow {
    static func shape() throws -> EncodedValue { try EncodedValue.of(Element.blank) }
}
