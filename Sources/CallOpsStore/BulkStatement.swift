import Foundation
import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C API, for loops over a million rows where
/// building GRDB's argument arrays would cost more than the insert itself (measured: the lead
/// import spent most of its time there).
public final class BulkStatement {
    private let statement: Statement
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    private let sql: String

    /// Prepares `sql` on `db`.
    public init(_ db: Database, sql: String) throws {
        self.statement = try db.makeStatement(sql: sql)
        self.handle = statement.sqliteStatement
        self.connection = db.sqliteConnection!
        self.sql = sql
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Binds text (nil binds NULL) to the 1-based parameter `index`.
    public func bind(_ index: Int32, _ text: String?) {
        guard let text else {
            sqlite3_bind_null(handle, index)
            return
        }
        var copy = text
        copy.withUTF8 { bytes in
            // An empty string may have no buffer at all; SQLite wants a pointer all the same.
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                _ = sqlite3_bind_text(handle, index, "", 0, Self.transient)
                return
            }
            _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
        }
    }

    /// Binds `count` bytes of UTF-8 text at `bytes` without copying them: they must stay where
    /// they are until the statement has run and `clearBindings` (or a new binding) replaced them.
    public func bindStatic(_ index: Int32, _ bytes: UnsafePointer<UInt8>, count: Int) {
        _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self), Int32(count), nil)
    }

    /// Binds NULL.
    public func bindNull(_ index: Int32) {
        sqlite3_bind_null(handle, index)
    }

    /// Sets every parameter back to NULL (after text bound with `bindStatic` goes away).
    public func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    /// Binds an integer (nil binds NULL).
    public func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Runs a query with the bound values and resets it; true when it gives a row.
    public func exists() throws -> Bool {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_ROW || code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        return code == SQLITE_ROW
    }

    /// Steps a query: true with a row to read by `int64(_:)` and `text(_:)`, false when done (then
    /// it is reset for the next bindings). Call `reset()` to stop early.
    public func nextRow() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        return false
    }

    /// Resets a query stopped before its last row.
    public func reset() {
        sqlite3_reset(handle)
    }

    /// Column `index` (0-based) of the current row as an integer; nil when NULL.
    public func int64(_ index: Int32) -> Int64? {
        sqlite3_column_type(handle, index) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, index)
    }

    /// Whether column `index` (0-based) of the current row holds an integer (not NULL, text, a
    /// real or a blob).
    public func isInteger(_ index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_INTEGER
    }

    /// Column `index` (0-based) of the current row as text; nil when NULL.
    public func text(_ index: Int32) -> String? {
        guard sqlite3_column_type(handle, index) != SQLITE_NULL, let bytes = sqlite3_column_text(handle, index) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index))), as: UTF8.self)
    }

    /// Runs the statement once with the bound values and resets it; returns the rows changed.
    @discardableResult
    public func step() throws -> Int {
        let code = sqlite3_step(handle)
        let changes = Int(sqlite3_changes(connection))
        sqlite3_reset(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        return changes
    }
}
