import GRDB

/// A typed record of one table whose decoding never traps and never gives GRDB's bare
/// `RowDecodingError`: a column that does not convert is a `StoredValueError` naming the table,
/// the row (its `id`, else `key`) and the column. Adopt it with `Codable` and `PersistableRecord`;
/// each property is a `DatabaseValueConvertible` (Int64, String, `CivilDay`, `Money`, a `StoredCase`).
public protocol StoredRecord: FetchableRecord, TableRecord, Decodable {
    /// The column that names a row in an error, for a table without `id`.
    static var storedKey: String { get }
    /// The columns that name a row, joined by a space, for a table keyed by several (`month
    /// agent_id`, as `callops check` names its rows); by default `storedKey` alone.
    static var storedKeys: [String] { get }
}

extension StoredRecord {
    public static var storedKey: String { "id" }
    public static var storedKeys: [String] { [storedKey] }

    public init(row: Row) throws {
        try self.init(from: StoredRowDecoder(row: row, table: Self.databaseTableName, keys: Self.storedKeys))
    }
}

/// Decodes one row, column by column, through `DatabaseValueConvertible`.
struct StoredRowDecoder: Decoder {
    let row: Row
    let table: String
    let keys: [String]
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Columns(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw unsupported("a list") }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw unsupported("a single value") }

    func unsupported(_ what: String) -> DecodingError {
        DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "a \(table) record decodes columns, not \(what)"))
    }

    /// The column `name` as `T`, or the named error.
    func value<T>(_ type: T.Type, _ name: String) throws -> T {
        guard let convertible = T.self as? any DatabaseValueConvertible.Type else {
            throw unsupported("\(T.self) (not a DatabaseValueConvertible) in \(name)")
        }
        let stored: DatabaseValue = row.hasColumn(name) ? row[name] : .null
        guard let decoded = convertible.fromDatabaseValue(stored) as? T else {
            let rowName = keys.map { row.hasColumn($0) ? StoredValue.text(row, $0) : "?" }.joined(separator: " ")
            throw StoredValueError(table: table, row: rowName, column: name, value: stored.isNull ? "NULL" : StoredValue.text(row, name),
                                   expected: StoredValue.expectation(T.self))
        }
        return decoded
    }

    struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: StoredRowDecoder
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { decoder.row.columnNames.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { decoder.row.hasColumn(key.stringValue) }
        func decodeNil(forKey key: Key) throws -> Bool {
            guard decoder.row.hasColumn(key.stringValue) else { return true }
            return (decoder.row[key.stringValue] as DatabaseValue).isNull
        }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder.value(type, key.stringValue) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.value(type, key.stringValue) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder.value(type, key.stringValue) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder.value(type, key.stringValue) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder.value(type, key.stringValue) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder.value(type, key.stringValue) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder.value(type, key.stringValue) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder.value(type, key.stringValue) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder.value(type, key.stringValue) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder.value(type, key.stringValue) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder.value(type, key.stringValue) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder.value(type, key.stringValue) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder.value(type, key.stringValue) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder.value(type, key.stringValue) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder.value(type, key.stringValue) }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw decoder.unsupported("a nested record in \(key.stringValue)")
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw decoder.unsupported("a list in \(key.stringValue)") }
        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
    }
}
