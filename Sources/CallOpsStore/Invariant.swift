import GRDB

/// A rule of the domain that must hold in every database (`callops check`): a query that
/// returns one line per violation, so an empty result means it holds.
public struct Invariant: Sendable {
    public let name: String
    public let violationsSQL: String

    public init(_ name: String, violationsSQL: String) {
        self.name = name
        self.violationsSQL = violationsSQL
    }

    /// The violations, each in words.
    public func violations(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: violationsSQL).map { "\(name): \($0)" }
    }
}
