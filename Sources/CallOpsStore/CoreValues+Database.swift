import CallOpsCore
import GRDB

/// A stored type that says in words what its column should hold, for `StoredValueError`.
public protocol StoredValueDescribed {
    /// "a day (YYYY-MM-DD)", "one of in_force, cancelled, lapsed".
    static var storedExpectation: String { get }
}

/// A status enum stored as its raw text: `DatabaseValueConvertible` (GRDB's `RawRepresentable`
/// support), so a record's column decodes to a case or to the named error, never to a string
/// parsed at each read.
public protocol StoredCase: RawRepresentable, CaseIterable, DatabaseValueConvertible, StoredValueDescribed where RawValue == String {}

extension StoredCase {
    public static var storedExpectation: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
}

// CallOpsCore does not import GRDB: the store gives its values their column form here.

/// A day is stored as its `YYYY-MM-DD` text. Only a day reads back as one: a timestamp's column
/// is read as a time (`StoredValue.time`), not cut to its day here.
extension CivilDay: DatabaseValueConvertible, StoredValueDescribed {
    public var databaseValue: DatabaseValue { description.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> CivilDay? {
        guard case .string(let text) = dbValue.storage, text.utf8.count == 10 else { return nil }
        return CivilDay(text)
    }

    public static var storedExpectation: String { "a day (YYYY-MM-DD)" }
}

/// Money is stored as whole fen: an integer, never a real or text (an amount another tool wrote
/// as `12.5` or `'abc'` does not read as money).
extension Money: DatabaseValueConvertible, StoredValueDescribed {
    public var databaseValue: DatabaseValue { fen.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Money? {
        guard case .int64(let fen) = dbValue.storage else { return nil }
        return Money(fen: fen)
    }

    public static var storedExpectation: String { "an amount in whole fen (an integer)" }
}

/// A month is stored as its `YYYY-MM` text (pay runs, targets); anything else is the named error.
extension CivilMonth: DatabaseValueConvertible, StoredValueDescribed {
    public var databaseValue: DatabaseValue { description.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> CivilMonth? {
        guard case .string(let text) = dbValue.storage else { return nil }
        return CivilMonth(text)
    }

    public static var storedExpectation: String { "a month (YYYY-MM)" }
}

// The tier is CallOpsCore's (the settings name its thresholds); its column form is here.
extension Tier: StoredCase {}
