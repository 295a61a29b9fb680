import Foundation

/// A result's `Encodable` form as a tree of plain values, keys in the order the code encodes
/// them: what the CSV and xlsx outputs are made from, so they carry exactly the JSON's keys
/// (SPEC section 13) without a second description of each report.
public indirect enum EncodedValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([EncodedValue])
    case object([(String, EncodedValue)])
    /// An empty list of `TabularRow`s: no rows, but the encoded blank row that gives their
    /// columns (JSON writes it `[]` like any empty list).
    case noRows(shape: EncodedValue)

    public static func == (a: EncodedValue, b: EncodedValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case let (.bool(x), .bool(y)): x == y
        case let (.int(x), .int(y)): x == y
        case let (.double(x), .double(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.array(x), .array(y)): x == y
        case let (.object(x), .object(y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case let (.noRows(x), .noRows(y)): x == y
        // The same JSON: an empty list, whether or not its row kind is known.
        case let (.noRows, .array(y)), let (.array(y), .noRows): y.isEmpty
        default: false
        }
    }

    /// The tree of `value`.
    public static func of<T: Encodable>(_ value: T) throws -> EncodedValue {
        let node = Node()
        try node.set(value)
        return node.value
    }

    /// A member of an object, or nil.
    public subscript(key: String) -> EncodedValue? {
        if case let .object(members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }
}

/// A node of the tree while it is being encoded (containers fill it in after they are made).
private final class Node {
    var scalar: EncodedValue = .null
    var keys: [String] = []
    var children: [Node] = []
    var isObject = false
    var isArray = false

    var value: EncodedValue {
        if isObject { return .object(zip(keys, children.map(\.value)).map { ($0, $1) }) }
        if isArray { return .array(children.map(\.value)) }
        return scalar
    }

    func set<T: Encodable>(_ value: T) throws {
        switch value {
        case let v as String: scalar = .string(v)
        case let v as Bool: scalar = .bool(v)
        case let v as Int: scalar = .int(Int64(v))
        case let v as Int64: scalar = .int(v)
        case let v as Int32: scalar = .int(Int64(v))
        case let v as UInt32: scalar = .int(Int64(v))
        case let v as Double: scalar = .double(v)
        case let v as Float: scalar = .double(Double(v))
        case let rows as any TabularRowList where rows.isEmpty: scalar = .noRows(shape: try type(of: rows).shape())
        case let dictionary as [String: any Encodable]:
            // A dictionary's order is its hash's, new every run: sorted keys, as the JSON has them.
            isObject = true
            for key in dictionary.keys.sorted() { try child(key).set(dictionary[key]!) }
        default: try value.encode(to: NodeEncoder(node: self, codingPath: []))
        }
    }

    func child(_ key: String?) -> Node {
        let node = Node()
        if let key {
            // A key encoded twice keeps its last value, as JSONEncoder does.
            if let i = keys.firstIndex(of: key) {
                children[i] = node
                return node
            }
            keys.append(key)
        }
        children.append(node)
        return node
    }
}

private struct NodeEncoder: Encoder {
    let node: Node
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.isObject = true
        return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.isArray = true
        return Unkeyed(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }
}

private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    var codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.child(key.stringValue).scalar = .null }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try put(Int(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try put(Int(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try put(Int(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try put(Int64(truncatingIfNeeded: value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try put(Int(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try put(Int(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try put(Int(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try put(Int64(truncatingIfNeeded: value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try put(value, key) }

    private func put<T: Encodable>(_ value: T, _ key: Key) throws { try node.child(key.stringValue).set(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: node.child(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.child(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.child("super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(node: node.child(key.stringValue), codingPath: codingPath + [key]) }
}

private struct Unkeyed: UnkeyedEncodingContainer {
    let node: Node
    var codingPath: [any CodingKey]
    var count: Int { node.children.count }

    mutating func encodeNil() throws { node.child(nil).scalar = .null }
    mutating func encode<T: Encodable>(_ value: T) throws { try node.child(nil).set(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: node.child(nil), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.child(nil), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.child(nil), codingPath: codingPath) }
}

private struct Single: SingleValueEncodingContainer {
    let node: Node
    var codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.scalar = .null }
    mutating func encode<T: Encodable>(_ value: T) throws { try node.set(value) }
}
