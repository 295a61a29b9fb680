import Foundation
import GRDB

/// CHECKs written without IN lists.
///
/// SQLite tests `x IN ('a', 'b', 'c')` against a list of constants by building a temporary
/// index of the list, once each time a statement runs: a prepared INSERT run once per row
/// builds it once per row, and `quick_check` builds it for every row it checks. The same test
/// written `(x = 'a' OR x = 'b' OR x = 'c')` compares in place. It is the same test, NULL
/// included: NULL when `x` is NULL, true when it equals one, false otherwise.
///
/// Measured with the `sqlite3` shell 3.40.1 and Python's `sqlite3` on a lead table of
/// 1,000,000 rows with callops's CHECKs (2026-11-30, load 0.5): `PRAGMA quick_check` 2.98–3.03 s
/// of CPU with the IN lists, 0.75–0.85 s with the equalities (0.53 s with no CHECK evaluated);
/// 300,000 one-row INSERTs on a prepared statement 4.25–4.83 s against 1.77–1.81 s.
///
/// A module rewrites its own tables' CHECKs with `writeEqualities` in a migration of its own,
/// through SQLite's documented way of changing a table's constraints in place (`writable_schema`,
/// the schema version moved): the rows and their encoding do not change, so no table is rebuilt.
extension CheckConstraints {
    /// Rewrites every `column IN ('a', 'b', ...)` in the CHECKs of `tables` as
    /// `(column = 'a' OR column = 'b' OR ...)`, in the caller's transaction, and reloads the
    /// schema. A table without such a list, or missing, is left as it is.
    public static func writeEqualities(_ db: Database, tables: [String]) throws {
        var rewritten: [(table: String, sql: String)] = []
        for table in tables {
            // A table a module's list has not made yet (a database of tests made without one
            // of its steps) has nothing to rewrite.
            guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]) else {
                continue
            }
            let equalities = expandingInLists(sql)
            // A table changed outside callops could hold a form the rewrite does not foresee:
            // the new text must make a table on its own, or the table keeps its CHECKs as
            // they are (SQLite would otherwise find the schema malformed).
            if equalities != sql, parses(equalities) { rewritten.append((table, equalities)) }
        }
        guard !rewritten.isEmpty else { return }
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        for (table, sql) in rewritten {
            try db.execute(sql: "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", arguments: [sql, table])
        }
        // Other connections see the new version and read the schema again; RESET makes this
        // one read it again too.
        try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
        try db.execute(sql: "PRAGMA writable_schema = RESET")
        db.clearSchemaCache()
    }

    /// An identifier, then IN and a parenthesised list of string literals ('' inside one).
    nonisolated(unsafe) private static let inList = #/(?<column>[A-Za-z_][A-Za-z0-9_]*)\s+IN\s*\((?<list>\s*'(?:[^']|'')*'(?:\s*,\s*'(?:[^']|'')*')*\s*)\)/#

    /// A parenthesised chain `(column = 'a' OR column = 'b' ...)`, as `expandingInLists` writes it.
    nonisolated(unsafe) private static let equalityChain = #/\((?<column>[A-Za-z_][A-Za-z0-9_]*) = '(?:[^']|'')*'(?: OR [A-Za-z_][A-Za-z0-9_]* = '(?:[^']|'')*')+\)/#

    /// Whether `sql` (a CREATE TABLE statement) makes a table in an empty database.
    static func parses(_ sql: String) -> Bool {
        (try? DatabaseQueue().inDatabase { db in try db.execute(sql: sql) }) != nil
    }

    /// `sql` with each `column IN ('a', ...)` written `(column = 'a' OR ...)`. Left as they are:
    /// `NOT IN`, and a word before IN that is not a bare column (`x COLLATE NOCASE IN`,
    /// `t.x IN`).
    static func expandingInLists(_ sql: String) -> String {
        sql.replacing(inList) { match in
            let column = String(match.output.column)
            let before = sql[..<match.range.lowerBound]
            let previousWord = before.split(whereSeparator: { $0.isWhitespace }).last?.uppercased()
            guard column.uppercased() != "NOT", before.last != ".", previousWord != "COLLATE" else { return String(match.output.0) }
            let equalities = literals(in: match.output.list).map { "\(column) = \($0)" }
            return "(" + equalities.joined(separator: " OR ") + ")"
        }
    }

    /// `expression` with each chain `expandingInLists` wrote shown as the IN list it stands for,
    /// so a finding reads as the rule was written (a chain over one column only).
    static func showingInLists(_ expression: String) -> String {
        var text = expression
        // The whole expression is one column's chain: shown without its parentheses.
        text = text.replacing(equalityChain) { match in
            let column = String(match.output.column)
            let inner = match.output.0.dropFirst().dropLast()
            let terms = inner.components(separatedBy: " OR ")
            let prefix = "\(column) = "
            guard terms.allSatisfy({ $0.hasPrefix(prefix) && $0.dropFirst(prefix.count).hasPrefix("'") }) else { return String(match.output.0) }
            return "\(column) IN (" + terms.map { String($0.dropFirst(prefix.count)) }.joined(separator: ", ") + ")"
        }
        return text
    }

    /// The string literals of a list, quotes kept.
    private static func literals(in list: Substring) -> [String] {
        var result: [String] = []
        var index = list.startIndex
        while let open = list[index...].firstIndex(of: "'") {
            var close = list.index(after: open)
            while close < list.endIndex {
                if list[close] == "'" {
                    let next = list.index(after: close)
                    if next < list.endIndex, list[next] == "'" { close = list.index(after: next); continue }
                    break
                }
                close = list.index(after: close)
            }
            guard close < list.endIndex else { break }
            result.append(String(list[open...close]))
            index = list.index(after: close)
        }
        return result
    }
}
