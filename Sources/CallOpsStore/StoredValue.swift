import CallOpsCore
import Foundation
import GRDB

/// A value read back from the database that does not decode: a bad day, an unknown status.
/// It names the table, the row and the column, and says how to find every such value.
public struct StoredValueError: Error, Equatable, CustomStringConvertible, Sendable {
    public let table: String
    public let row: String
    public let column: String
    public let value: String
    public let expected: String

    public init(table: String, row: String, column: String, value: String, expected: String) {
        self.table = table
        self.row = row
        self.column = column
        self.value = value
        self.expected = expected
    }

    /// The value as a message quotes it: at most 80 characters, control characters (newlines
    /// too) escaped (SPEC section 12), whichever reader built this error.
    public var description: String {
        let value = Quoted.value(self.value)
        guard row != "?" else {
            // A value read through a SUM or another aggregate, whose row `located` could not find.
            return "\(table).\(column) (in a sum over several rows): \"\(value)\" is not \(expected); the database was changed outside callops or by a damaged run; run `callops check` to list every such value, then correct it or restore a backup"
        }
        return "\(table) row \(row), column \(column): \"\(value)\" is not \(expected); the database was changed outside callops or by a damaged run; run `callops check` to list every such value, then correct it or restore a backup"
    }

    /// For a value read through an aggregate (no row): the first row of `table` whose `column`
    /// does not hold what is expected, found with a follow-up query, named in the error instead
    /// of the SQL expression; the error as it was when no such row is found.
    public func located(in db: Database) -> StoredValueError {
        guard row == "?", column.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
              table.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return self }
        let kinds: String
        switch expected {
        case "an integer": kinds = "'integer'"
        case "a number": kinds = "'integer', 'real'"
        case "text": kinds = "'text'"
        default: return self
        }
        // The row named by its primary key (a table without rowid, as activity_day, by its key columns).
        let keys = (try? String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", arguments: [table])) ?? []
        let selected = keys.count > 1 ? keys.joined(separator: ", ") : "rowid AS id"
        guard let found = try? Row.fetchOne(db, sql: "SELECT \(selected), \(column) FROM \(table) WHERE typeof(\(column)) NOT IN (\(kinds), 'null') LIMIT 1")
        else { return self }
        let name = keys.count > 1 ? "(" + keys.map { "\($0) \(StoredValue.text(found, $0))" }.joined(separator: ", ") + ")" : StoredValue.key(found)
        return StoredValueError(table: table, row: name, column: column, value: StoredValue.text(found, column), expected: expected)
    }
}

/// Decoding of stored values with an error, never a crash: the only doors from a `Row` column
/// to a `CivilDay`, a timestamp or a status enum.
public enum StoredValue {
    /// The column as text, for a message (NULL reads as `NULL`, which no decoder accepts).
    public static func text(_ row: Row, _ column: String) -> String {
        let value: DatabaseValue = row[column]
        return value.isNull ? "NULL" : String.fromDatabaseValue(value) ?? value.description
    }

    /// The row's `id` column, to name it in an error ("?" when the query did not select it).
    static func key(_ row: Row) -> String {
        guard row.hasColumn("id") else { return "?" }
        let value: DatabaseValue = row["id"]
        return Int64.fromDatabaseValue(value).map(String.init) ?? String.fromDatabaseValue(value) ?? "?"
    }

    /// A `YYYY-MM-DD` day (or a timestamp's day) from the row's `column`; the row's `id` names it.
    public static func day(_ row: Row, _ column: String, table: String) throws -> CivilDay {
        try day(text(row, column), table: table, column: column, id: key(row))
    }

    /// A local timestamp from the row's `column`; the row's `id` names it.
    public static func time(_ row: Row, _ column: String, clock: Clock, table: String) throws -> Date {
        try time(text(row, column), clock: clock, table: table, column: column, id: key(row))
    }

    /// An enum case from the row's `column`; the row's `id` names it.
    public static func `enum`<E: RawRepresentable & CaseIterable>(
        _ type: E.Type, _ row: Row, _ column: String, table: String
    ) throws -> E where E.RawValue == String {
        try `enum`(type, text(row, column), table: table, column: column, id: key(row))
    }

    /// An integer from the row's `column` (an id, an amount in fen); the row's `id` names it.
    /// GRDB's non-optional `row[column]` traps on text in an integer column; this throws instead.
    public static func int64(_ row: Row, _ column: String, table: String) throws -> Int64 {
        try value(Int64.self, row, column, table: table, expected: "an integer")
    }

    /// An integer or NULL from the row's `column`; text or a fraction is the named error.
    public static func optionalInt64(_ row: Row, _ column: String, table: String) throws -> Int64? {
        let stored: DatabaseValue = row[column]
        return stored.isNull ? nil : try int64(row, column, table: table)
    }

    /// Any value GRDB converts (an integer, a text, a real) from the row's `column`, or the named
    /// error when the stored value does not convert: the generic door other reads can adopt.
    public static func value<T: DatabaseValueConvertible>(
        _ type: T.Type, _ row: Row, _ column: String, table: String, expected: String
    ) throws -> T {
        let stored: DatabaseValue = row[column]
        guard let decoded = T.fromDatabaseValue(stored) else {
            throw StoredValueError(table: table, row: key(row), column: column, value: text(row, column), expected: expected)
        }
        return decoded
    }

    /// A day from a text value already read (`id` names the row).
    public static func day(_ value: String, table: String, column: String, id: some CustomStringConvertible) throws -> CivilDay {
        guard let day = CivilDay(value) else {
            throw StoredValueError(table: table, row: id.description, column: column, value: value, expected: "a day (YYYY-MM-DD)")
        }
        return day
    }

    /// A month (`YYYY-MM`) from a text value already read.
    public static func month(_ value: String, table: String, column: String, id: some CustomStringConvertible) throws -> CivilMonth {
        guard let month = CivilMonth(value) else {
            throw StoredValueError(table: table, row: id.description, column: column, value: value, expected: "a month (YYYY-MM)")
        }
        return month
    }

    /// A local timestamp (`YYYY-MM-DDTHH:MM[:SS]`) from a text value already read.
    public static func time(_ value: String, clock: Clock, table: String, column: String, id: some CustomStringConvertible) throws -> Date {
        guard let date = clock.parse(value) else {
            throw StoredValueError(table: table, row: id.description, column: column, value: value, expected: "a local time (YYYY-MM-DDTHH:MM:SS)")
        }
        return date
    }

    /// An enum case from its stored raw text.
    public static func `enum`<E: RawRepresentable & CaseIterable>(
        _ type: E.Type, _ value: String, table: String, column: String, id: some CustomStringConvertible
    ) throws -> E where E.RawValue == String {
        guard let decoded = E(rawValue: value) else {
            let known = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw StoredValueError(table: table, row: id.description, column: column, value: value, expected: "one of \(known)")
        }
        return decoded
    }
}

/// Stored numbers (SPEC section 12): every entry point range-checks them, so one outside these
/// ranges was written by another tool; reading it is an error naming table, row and column, and
/// arithmetic on it never traps.
extension StoredValue {
    /// The most fen a stored amount may be: 100,000,000 yuan.
    public static let maximumFen: Int64 = 10_000_000_000
    /// Amounts in fen: 0 to 100,000,000 yuan.
    public static let fenRange: ClosedRange<Int64> = 0...maximumFen
    /// Counts (follow-ups, renewals paid, rows): 0 to `InputRange.maximumCount`.
    public static let countRange: ClosedRange<Int64> = 0...Int64(InputRange.maximumCount)
    /// Talk seconds of one call: 0 to a day.
    public static let talkSecondsRange: ClosedRange<Int64> = 0...Int64(InputRange.maximumTalkSeconds)

    /// A whole number from the row's `column` within `range`; the row's `id` names it.
    public static func integer(_ row: Row, _ column: String, table: String, in range: ClosedRange<Int64>) throws -> Int64 {
        let value: DatabaseValue = row[column]
        guard case .int64(let number) = value.storage, range.contains(number) else {
            throw StoredValueError(table: table, row: key(row), column: column, value: text(row, column),
                                   expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// An amount in fen from 0 to 100,000,000 yuan.
    public static func money(_ row: Row, _ column: String, table: String) throws -> Money {
        Money(fen: try integer(row, column, table: table, in: fenRange))
    }

    /// A count from 0 to `InputRange.maximumCount`.
    public static func count(_ row: Row, _ column: String, table: String) throws -> Int {
        Int(try integer(row, column, table: table, in: countRange))
    }

    /// A value already read (a record's field) within `range`.
    @discardableResult
    public static func checked<T: BinaryInteger>(_ value: T, in range: ClosedRange<T>, table: String, column: String, id: some CustomStringConvertible) throws -> T {
        guard range.contains(value) else {
            throw StoredValueError(table: table, row: id.description, column: column, value: String(value),
                                   expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// `callops check` lines for an integer column outside `range` (one invariant per ranged column).
    public static func outOfRange(table: String, column: String, range: ClosedRange<Int64>, key: String = "id", nullable: Bool = false) -> Invariant {
        Invariant("\(table).\(column) is within \(range.lowerBound) to \(range.upperBound)", violationsSQL: """
            SELECT '\(table) row ' || \(key) || ', column \(column): "' || COALESCE(\(column), 'NULL') || '" is not a whole number from \(range.lowerBound) to \(range.upperBound)'
            FROM \(table)
            WHERE \(nullable ? "\(column) IS NOT NULL AND " : "")(typeof(\(column)) <> 'integer' OR \(column) NOT BETWEEN \(range.lowerBound) AND \(range.upperBound))
            """)
    }
}

extension StoredValue {
    /// `callops check` lines for a text column of days that do not read as days. With a modifier
    /// SQLite's `date()` normalises 2026-02-30 to 2026-03-02, so a value is a day when it round-trips.
    /// - Parameters:
    ///   - nullable: NULL is allowed (an optional day).
    public static func badDays(table: String, column: String, key: String = "id", nullable: Bool = false) -> Invariant {
        Invariant("\(table).\(column) holds days", violationsSQL: """
            SELECT '\(table) row ' || \(key) || ', column \(column): "' || COALESCE(\(column), 'NULL') || '" is not a day (YYYY-MM-DD)'
            FROM \(table)
            WHERE \(nullable ? "\(column) IS NOT NULL AND " : "")(\(column) IS NULL OR typeof(\(column)) <> 'text'
                OR date(substr(\(column), 1, 10), '+0 days') IS NOT substr(\(column), 1, 10))
            """)
    }

    /// `callops check` lines for a text column of months (`YYYY-MM`, month 01 to 12).
    public static func badMonths(table: String, column: String, key: String = "id", nullable: Bool = false) -> Invariant {
        Invariant("\(table).\(column) holds months", violationsSQL: """
            SELECT '\(table) row ' || \(key) || ', column \(column): "' || COALESCE(\(column), 'NULL') || '" is not a month (YYYY-MM)'
            FROM \(table)
            WHERE \(nullable ? "\(column) IS NOT NULL AND " : "")(\(column) IS NULL OR typeof(\(column)) <> 'text' OR length(\(column)) <> 7
                OR date(\(column) || '-01', '+0 days') IS NOT \(column) || '-01')
            """)
    }

    /// `callops check` lines for an integer column holding text, a real or (unless `nullable`) NULL.
    public static func badIntegers(table: String, column: String, key: String = "id", nullable: Bool = false) -> Invariant {
        Invariant("\(table).\(column) holds integers", violationsSQL: """
            SELECT '\(table) row ' || \(key) || ', column \(column): "' || COALESCE(\(column), 'NULL') || '" is not an integer'
            FROM \(table)
            WHERE \(nullable ? "\(column) IS NOT NULL AND " : "")(\(column) IS NULL OR typeof(\(column)) <> 'integer')
            """)
    }

    /// `callops check` lines for a text column of local times (`YYYY-MM-DDTHH:MM[:SS]`) that do not
    /// read as times: the value must be a prefix of its own normalised form (2026-02-30 is not).
    public static func badTimes(table: String, column: String, key: String = "id", nullable: Bool = false) -> Invariant {
        Invariant("\(table).\(column) holds local times", violationsSQL: """
            SELECT '\(table) row ' || \(key) || ', column \(column): "' || COALESCE(\(column), 'NULL') || '" is not a local time (YYYY-MM-DDTHH:MM:SS)'
            FROM \(table)
            WHERE \(nullable ? "\(column) IS NOT NULL AND " : "")(\(column) IS NULL OR typeof(\(column)) <> 'text' OR length(\(column)) NOT IN (16, 19)
                OR substr(strftime('%Y-%m-%dT%H:%M:%S', \(column), '+0 days'), 1, length(\(column))) IS NOT \(column))
            """)
    }

    /// The first and the last value of a time column, in the order of its index, checked as
    /// `badTimes` checks every value: a report that reads the column by range (a string
    /// comparison, which passes over `garbage`) calls this first, so a damaged time sorting
    /// outside every range is the named error, not a call silently left out. Two index seeks,
    /// whatever the table's size; a damaged value sorting between two good ones (`2026-11-2x`)
    /// is left to `callops check`.
    public static func checkTimeEnds(_ db: Database, table: String, column: String) throws {
        for order in ["ASC", "DESC"] {
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, \(column), typeof(\(column)) <> 'text' OR length(\(column)) NOT IN (16, 19)
                    OR substr(strftime('%Y-%m-%dT%H:%M:%S', \(column), '+0 days'), 1, length(\(column))) IS NOT \(column) AS bad
                FROM \(table) ORDER BY \(column) \(order) LIMIT 1
                """) else { return }
            let bad: DatabaseValue = row["bad"]
            if Int64.fromDatabaseValue(bad) != 0 {
                throw StoredValueError(table: table, row: key(row), column: column, value: text(row, column),
                                       expected: "a local time (YYYY-MM-DDTHH:MM:SS)")
            }
        }
    }

    /// `callops check` lines for a text column whose values are outside an enum's cases.
    public static func badCases<E: RawRepresentable & CaseIterable>(
        _ type: E.Type, table: String, column: String, key: String = "id", nullable: Bool = false
    ) -> Invariant where E.RawValue == String {
        let list = E.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return Invariant("\(table).\(column) holds known values", violationsSQL: """
            SELECT '\(table) row ' || \(key) || ', column \(column): "' || COALESCE(\(column), 'NULL') || '" is not one of \(list.replacingOccurrences(of: "'", with: ""))'
            FROM \(table)
            WHERE \(nullable ? "\(column) IS NOT NULL AND " : "")(\(column) IS NULL OR \(column) NOT IN (\(list)))
            """)
    }

    /// `callops check` lines for a text column whose values are outside `known` (a column the
    /// schema's CHECK limits but no enum reads: an outside tool can write past the CHECK).
    public static func badValues(_ known: [String], table: String, column: String, key: String = "id") -> Invariant {
        let list = known.map { "'\($0)'" }.joined(separator: ", ")
        return Invariant("\(table).\(column) holds known values", violationsSQL: """
            SELECT '\(table) row ' || \(key) || ', column \(column): "' || COALESCE(\(column), 'NULL') || '" is not one of \(known.joined(separator: ", "))'
            FROM \(table)
            WHERE \(column) IS NULL OR \(column) NOT IN (\(list))
            """)
    }
}

/// Reads for the columns of grouped queries and for text and optional columns: the same named
/// error as `value(_:_:_:table:expected:)` where GRDB's subscripts (`row[0] as Int64`,
/// `row["status"] as String`, `row["x"] as Int64?`) are a `try!` that traps on a value that
/// does not convert (text in an integer column, a fraction from a SUM over one).
extension StoredValue {
    /// What a stored `T` should look like, in words, for an error.
    static func expectation<T>(_ type: T.Type) -> String {
        if let described = type as? any StoredValueDescribed.Type { return described.storedExpectation }
        return switch type {
        case is String.Type: "text"
        case is Bool.Type: "0 or 1"
        case is Double.Type: "a number"
        default: "an integer"
        }
    }

    /// The column a grouped query's result column reads: `premium_fen` of
    /// `SUM(CASE WHEN sold_at >= ? THEN premium_fen ELSE 0 END)` or of `SUM(premium_fen)` (the
    /// value summed), else the name as the query wrote it.
    static func column(_ written: String) -> String {
        guard written.contains("(") else { return written }
        let words = written.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)
        if let then = words.firstIndex(where: { $0.uppercased() == "THEN" }), then + 1 < words.count { return words[then + 1] }
        let functions: Set<String> = ["SUM", "TOTAL", "MAX", "MIN", "AVG", "COALESCE", "IFNULL"]
        if let call = words.lastIndex(where: { functions.contains($0.uppercased()) }), call + 1 < words.count,
           !functions.contains(words[call + 1].uppercased()), words[call + 1].first?.isLetter == true {
            return words[call + 1]
        }
        return written
    }

    /// A SUM of whole numbers read from a grouped query (`SUM(premium_fen) AS premium_fen`; NULL,
    /// a sum over no row, is 0). SQLite's SUM gives a real when a value summed is text or a
    /// fraction (text counted as 0, so a whole real would pass unseen): anything but an integer is
    /// the named error, naming the first such row of `table` by a follow-up query (`located`).
    public static func sum(_ db: Database, _ row: Row, _ column: String, table: String) throws -> Int64 {
        let stored: DatabaseValue = row[column]
        switch stored.storage {
        case .int64(let sum): return sum
        case .null: return 0
        default:
            throw StoredValueError(table: table, row: "?", column: Self.column(column), value: text(row, column), expected: "an integer").located(in: db)
        }
    }

    /// The guard before an aggregate that cannot name a row and reads text as 0 (AVG, or a SUM
    /// read into a real): the named error for the first row of `table` whose `column` holds
    /// neither an integer nor NULL (`located`'s follow-up query), else nothing.
    public static func verifyIntegers(_ db: Database, table: String, column: String) throws {
        let found = StoredValueError(table: table, row: "?", column: column, value: "", expected: "an integer").located(in: db)
        if found.row != "?" { throw found }
    }

    /// The value at `index` of a grouped query (named by its column as the query wrote it).
    public static func value<T: DatabaseValueConvertible>(_ type: T.Type, _ row: Row, at index: Int, table: String) throws -> T {
        let stored: DatabaseValue = row[index]
        guard let decoded = T.fromDatabaseValue(stored) else {
            throw StoredValueError(table: table, row: key(row), column: column(Array(row.columnNames)[index]),
                                   value: stored.isNull ? "NULL" : String.fromDatabaseValue(stored) ?? stored.description, expected: expectation(T.self))
        }
        return decoded
    }

    /// The value at `index` of a grouped query, or nil for NULL (a SUM over no row).
    public static func optional<T: DatabaseValueConvertible>(_ type: T.Type, _ row: Row, at index: Int, table: String) throws -> T? {
        let stored: DatabaseValue = row[index]
        return stored.isNull ? nil : try value(type, row, at: index, table: table)
    }

    /// The row's `column` converted to `T`, with the error naming table, row and column.
    public static func value<T: DatabaseValueConvertible>(_ type: T.Type, _ row: Row, _ column: String, table: String) throws -> T {
        try value(type, row, column, table: table, expected: expectation(T.self))
    }

    /// The row's `column` converted to `T`, or nil for NULL.
    public static func optional<T: DatabaseValueConvertible>(_ type: T.Type, _ row: Row, _ column: String, table: String) throws -> T? {
        let stored: DatabaseValue = row[column]
        return stored.isNull ? nil : try value(type, row, column, table: table)
    }

    /// The row's text `column` (a status, a code, a stored time kept as text).
    public static func string(_ row: Row, _ column: String, table: String) throws -> String {
        try value(String.self, row, column, table: table)
    }

    /// A day or NULL from the row's `column`.
    public static func optionalDay(_ row: Row, _ column: String, table: String) throws -> CivilDay? {
        let stored: DatabaseValue = row[column]
        return stored.isNull ? nil : try day(row, column, table: table)
    }
}
