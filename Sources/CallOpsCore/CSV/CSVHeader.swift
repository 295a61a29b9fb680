/// The columns of a CSV header, found by name (case-insensitive, trimmed), with aliases.
public struct CSVHeader: Sendable {
    /// The header's names as written, in order.
    public let names: [String]
    private let index: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            let key = Self.normalize(name)
            if index[key] == nil { index[key] = i }
        }
        self.index = index
    }

    /// The column of the first alias present, or nil.
    public func column(_ aliases: String...) -> Int? { column(aliases) }

    /// The column of the first alias present, or nil.
    public func column(_ aliases: [String]) -> Int? {
        for alias in aliases {
            if let i = index[Self.normalize(alias)] { return i }
        }
        return nil
    }

    static func normalize(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

import Foundation
