import Foundation
import GRDB

/// The rows behind SQLite's "CHECK constraint failed in TABLE" (integrity_check names no row):
/// the table's CHECK expressions, read from its schema, each run as a query.
public enum CheckConstraints {
    /// Lines "TABLE row N, column C: fails CHECK (expr)" (no column for a table-level CHECK), at
    /// most `limit`; empty when the schema cannot be read this way (a WITHOUT ROWID table).
    static func failing(_ db: Database, table: String, limit: Int) throws -> [String] {
        guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]),
              !sql.uppercased().contains("WITHOUT ROWID") else { return [] }
        var lines: [String] = []
        for (column, expression) in checks(in: sql) where lines.count < limit {
            let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            let ids = try Int64.fetchAll(db, sql: "SELECT rowid FROM \(quoted) WHERE NOT (\(expression)) ORDER BY rowid LIMIT \(limit)")
            lines += ids.map { "\(table) row \($0)\(column.map { ", column \($0)" } ?? ""): fails CHECK (\(showingInLists(expression)))" }
        }
        return Array(lines.prefix(limit))
    }

    /// The first row of any table that fails one of its CHECKs ("TABLE row N, column C: fails
    /// CHECK (expr)"), nil when every row passes.
    static func firstFailing(_ db: Database) throws -> String? {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql LIKE '%CHECK%' ORDER BY name")
        for table in tables {
            if let line = try failing(db, table: table, limit: 1).first { return line }
        }
        return nil
    }

    /// Each CHECK's expression in a CREATE TABLE statement, with its column for a column
    /// constraint (nil for a table constraint). Comments and string literals are skipped.
    static func checks(in sql: String) -> [(column: String?, expression: String)] {
        // Comments out, so their words and parentheses do not count.
        let text = Array(sql.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let dash = line.range(of: "--") else { return String(line) }
            return String(line[..<dash.lowerBound])
        }.joined(separator: "\n"))
        var result: [(String?, String)] = []
        var depth = 0, i = 0, itemStart = 0
        while i < text.count {
            let c = text[i]
            if c == "'" {  // a string literal: to its closing quote
                i += 1
                while i < text.count && text[i] != "'" { i += 1 }
            } else if c == "(" {
                depth += 1
                if depth == 1 { itemStart = i + 1 }
            } else if c == ")" {
                depth -= 1
            } else if c == "," && depth == 1 {
                itemStart = i + 1
            } else if depth == 1, i + 5 <= text.count, String(text[i..<i + 5]).uppercased() == "CHECK",
                      i == 0 || !(text[i - 1].isLetter || text[i - 1] == "_"),
                      i + 5 == text.count || !(text[i + 5].isLetter || text[i + 5] == "_") {
                var j = i + 5
                while j < text.count && text[j].isWhitespace { j += 1 }
                guard j < text.count, text[j] == "(" else { i += 1; continue }
                var inner = 0, k = j
                repeat {
                    if text[k] == "'" { k += 1; while k < text.count && text[k] != "'" { k += 1 } }
                    else if text[k] == "(" { inner += 1 } else if text[k] == ")" { inner -= 1 }
                    k += 1
                } while inner > 0 && k < text.count
                let expression = String(text[(j + 1)..<(k - 1)]).trimmingCharacters(in: .whitespacesAndNewlines)
                let first = String(text[itemStart..<i]).split(whereSeparator: { $0.isWhitespace }).first.map(String.init)
                let keyword = first?.uppercased()
                let column = keyword == nil || keyword == "CONSTRAINT" || keyword == "CHECK" ? nil : first?.trimmingCharacters(in: CharacterSet(charactersIn: "\"`[]"))
                result.append((column, expression))
                i = k
                continue
            }
            i += 1
        }
        return result
    }
}
