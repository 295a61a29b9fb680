import Foundation
import GRDB
import Testing

@testable import CallOpsCore
@testable import CallOpsStore

/// A test table's status, stored as text.
enum Shade: String, Codable, CaseIterable, StoredCase {
    case light, dark
}

/// A record of a test table with one column of each stored kind.
struct Swatch: Codable, Equatable, StoredRecord, MutablePersistableRecord {
    static let databaseTableName = "swatch"
    var id: Int64?
    var day: CivilDay
    var price: Money
    var shade: Shade
    var count: Int
    var note: String?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

@Suite struct StoredRecordTests {
    func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE swatch (id INTEGER PRIMARY KEY, day TEXT NOT NULL, price INTEGER NOT NULL, shade TEXT NOT NULL, count INTEGER NOT NULL, note TEXT)")
        }
        return queue
    }

    @Test func daysAndMoneyAreStoredAsTextAndWholeFen() throws {
        let queue = try database()
        try queue.write { db in
            var swatch = Swatch(day: CivilDay("2026-02-28")!, price: Money(fen: 12_345), shade: .dark, count: 3, note: nil)
            try swatch.insert(db)
            #expect(swatch.id == 1)
            let row = try #require(try Row.fetchOne(db, sql: "SELECT day, typeof(day) AS d, price, typeof(price) AS p, shade FROM swatch"))
            #expect(row["day"] as String == "2026-02-28" && row["d"] as String == "text")
            #expect(row["price"] as Int64 == 12_345 && row["p"] as String == "integer")
            #expect(row["shade"] as String == "dark")
            #expect(try Swatch.fetchOne(db, key: 1) == swatch)
        }
        #expect(CivilDay.fromDatabaseValue("2026-02-30".databaseValue) == nil)
        // A timestamp is a time, not a day: its column is read with StoredValue.time.
        #expect(CivilDay.fromDatabaseValue("2026-02-28T10:00:00".databaseValue) == nil)
        #expect(CivilDay.fromDatabaseValue(20260228.databaseValue) == nil)
        #expect(Money.fromDatabaseValue(12.5.databaseValue) == nil && Money.fromDatabaseValue("100".databaseValue) == nil)
        #expect(Money.fromDatabaseValue(Int64(-5).databaseValue) == Money(fen: -5))
        #expect(Shade.fromDatabaseValue("grey".databaseValue) == nil && Shade.fromDatabaseValue("light".databaseValue) == .light)
    }

    @Test func aColumnThatDoesNotDecodeIsTheNamedError() throws {
        let queue = try database()
        let cases: [(sql: String, column: String, value: String, expected: String)] = [
            ("UPDATE swatch SET day = '2026-13-01'", "day", "2026-13-01", "a day (YYYY-MM-DD)"),
            ("UPDATE swatch SET price = 'abc'", "price", "abc", "an amount in whole fen (an integer)"),
            ("UPDATE swatch SET price = 12.5", "price", "12.5", "an amount in whole fen (an integer)"),
            ("UPDATE swatch SET shade = 'grey'", "shade", "grey", "one of light, dark"),
            ("UPDATE swatch SET count = 'many'", "count", "many", "an integer"),
            ("UPDATE swatch SET note = x'ff'", "note", "", "text"),
        ]
        for damage in cases {
            try queue.write { db in
                try db.execute(sql: "DELETE FROM swatch")
                try db.execute(sql: "INSERT INTO swatch VALUES (7, '2026-01-01', 100, 'light', 1, 'n')")
                try db.execute(sql: damage.sql)
            }
            do {
                _ = try queue.read { db in try Swatch.fetchAll(db) }
                Issue.record("\(damage.sql) read without an error")
            } catch let error as StoredValueError {
                #expect(error.table == "swatch" && error.row == "7" && error.column == damage.column, "\(error)")
                #expect(error.expected == damage.expected, "\(error)")
                if !damage.value.isEmpty { #expect(error.value == damage.value, "\(error)") }
            }
        }
    }
}
