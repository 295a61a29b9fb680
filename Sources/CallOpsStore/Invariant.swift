import CallOpsCore
import GRDB

/// A rule of the domain that must hold in every database (`callops check`): a query that
/// returns one line per violation, so an empty result means it holds.
public struct Invariant: Sendable {
    public let name: String
    /// The query, for an invariant of one module's tables; nil for one that reads through
    /// other modules' functions.
    public let violationsSQL: String?
    private let check: @Sendable (Database) throws -> [String]

    public init(_ name: String, violationsSQL: String) {
        self.name = name
        self.violationsSQL = violationsSQL
        self.check = { db in try String.fetchAll(db, sql: violationsSQL) }
    }

    /// An invariant across modules' tables: `violations` reads each table through its owner
    /// (README, Layout) and returns one line per violation.
    public init(_ name: String, violations: @escaping @Sendable (Database) throws -> [String]) {
        self.name = name
        self.violationsSQL = nil
        self.check = violations
    }

    /// The violations, each in words.
    /// A rule whose query itself overflows (a SUM over a stored number out of its range) is
    /// reported as a violation, so that `check` goes on to the range invariants that name the value.
    public func violations(_ db: Database) throws -> [String] {
        do {
            // A line quotes a stored value as it is (the SQL concatenates it): each quoted value
            // is cut to 80 characters and its control characters escaped, newlines included (SPEC 12).
            return try check(db).map { "\(name): \(Quoted.line($0))" }
        } catch let error as DatabaseError where error.message == "integer overflow" {
            return ["\(name): could not be checked: a sum over stored values overflowed; a stored number is out of its range (see the range lines)"]
        }
    }
}
