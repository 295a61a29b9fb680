@testable import CallOpsStore
import Foundation
import GRDB
import Testing

@testable import BackOffice

/// Every module's CHECKs are written as equalities, never as IN lists, which SQLite tests by
/// building a temporary index once per statement run: once per row of a prepared INSERT
/// (measured in `CheckConstraints.writeEqualities`). A table added with an IN list fails here.
@Suite struct SchemaCheckTests {
    @Test func noCheckOfTheWholeSchemaUsesAnInList() throws {
        let db = try AppDatabase.inMemory(schema: BackOfficeSchema.migrations)
        let tables = try db.read { db in
            try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        }
        #expect(tables.count > 20)
        for table in tables {
            let sql: String = table["sql"]
            let name: String = table["name"]
            let lists = CheckConstraints.checks(in: sql).filter { $0.expression.range(of: #"\bIN\s*\("#, options: .regularExpression) != nil }
            #expect(lists.isEmpty, "\(name): \(lists.map(\.expression))")
        }
    }
}
