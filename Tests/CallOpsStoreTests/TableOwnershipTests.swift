import Foundation
import Testing

/// Each module owns its tables: other modules read and write them through the owner's functions
/// and records, never by naming them in SQL (README, Layout). This test reads `Sources/` and
/// holds the code to that.
///
/// What it catches: a Swift string literal (plain, multi-line or raw) in one module that names a
/// table owned by another module right after `FROM`, `JOIN`, `INTO`, `UPDATE` or `TABLE`
/// (word boundaries, any case, an optional `OR IGNORE`/`OR REPLACE`). What it does not catch:
/// a table named after a comma (`FROM a, b`), a table name built by interpolation
/// (`"FROM \(name)"`), SQL assembled from fragments across literals, and GRDB's query interface
/// (`Table("agent")`), which goes through a record type and shows up in review. `REFERENCES` (a
/// foreign key in a migration) is a declared dependency that SQLite checks, not a read: it may
/// point only down the modules' dependency order, which this test checks instead.
/// `Sources/callops-bench` is not scanned: its hand-written SQL is the reference it measures
/// against.
@Suite struct TableOwnershipTests {
    /// The owner of every table of the schema. A new table without an owner here fails the test.
    static let owners: [String: String] = [
        "meta": "CallOpsStore", "audit_log": "CallOpsStore",
        "team": "Roster", "seat": "Roster", "agent": "Roster", "tier_review": "Roster", "tier_history": "Roster",
        "agent_tenure_event": "Roster",
        "lead_batch": "LeadData", "lead": "LeadData", "dnc": "LeadData", "lead_ledger": "LeadData", "lead_model": "LeadData",
        "call": "FollowUp", "policy": "FollowUp", "family_member": "FollowUp", "policy_delivery": "FollowUp",
        "renewal_payment": "FollowUp", "customer_ledger": "FollowUp",
        "activity_day": "FollowUp", "customer_touch": "FollowUp", "allocation_grant": "LeadData",
        "pay_run": "BackOffice", "pay_line": "BackOffice", "pay_line_new": "BackOffice", "pay_basis": "BackOffice",
        "campaign": "BackOffice", "activity_target": "BackOffice", "course": "BackOffice", "enrollment": "BackOffice",
        "candidate": "BackOffice", "candidate_stage": "BackOffice", "candidate_enrollment": "BackOffice",
    ]

    /// The modules that own tables, in Package.swift's dependency order: each may depend on the
    /// ones before it, so a foreign key may point only to its own module or an earlier one.
    static let dependencyOrder = ["CallOpsStore", "Roster", "LeadData", "FollowUp", "BackOffice"]

    /// The cross-module SQL kept on purpose (5 at most): module-relative file, the foreign
    /// table, how many literals. Each must carry `// cross-module SQL:` in the source within
    /// three lines above the line or the literal's first line, naming the measurement or reason
    /// that keeps it.
    static let allowlist: [(file: String, table: String, count: Int)] = [
        ("FollowUp/CustomerServicing.swift", "agent", 1),
    ]

    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    struct Literal {
        var line: Int
        var text: String
    }

    struct Hit: CustomStringConvertible {
        var file: String
        var line: Int
        /// The line the literal opens on (a marker above a multi-line literal covers all of it).
        var literalLine: Int
        var keyword: String
        var table: String
        var description: String { "\(file):\(line): \(keyword) \(table) (owned by \(TableOwnershipTests.owners[table] ?? "?"))" }
    }

    /// The string literals of Swift source, with the line each starts on; comments skipped.
    static func literals(of source: String) -> [Literal] {
        let s = Array(source.utf8)
        var out: [Literal] = []
        var i = 0, line = 1
        func starts(_ token: StaticString, at k: Int) -> Bool {
            let count = token.utf8CodeUnitCount
            guard k + count <= s.count else { return false }
            return token.withUTF8Buffer { t in (0..<count).allSatisfy { s[k + $0] == t[$0] } }
        }
        func text(_ a: Int, _ b: Int) -> String { String(decoding: s[a..<b], as: UTF8.self) }
        func lines(_ a: Int, _ b: Int) -> Int { s[a..<b].reduce(0) { $0 + ($1 == 10 ? 1 : 0) } }
        func find(_ token: StaticString, from k: Int) -> Int {
            var j = k
            while j < s.count && !starts(token, at: j) { j += 1 }
            return j
        }
        while i < s.count {
            if starts("//", at: i) {
                while i < s.count && s[i] != 10 { i += 1 }
            } else if starts("/*", at: i) {
                let end = min(find("*/", from: i + 2) + 2, s.count)
                line += lines(i, end)
                i = end
            } else if starts("#\"\"\"", at: i) || starts("\"\"\"", at: i) {
                let raw = s[i] == UInt8(ascii: "#")
                let open = raw ? 4 : 3
                let end = find(raw ? "\"\"\"#" : "\"\"\"", from: i + open)
                out.append(Literal(line: line, text: text(i + open, end)))
                line += lines(i, min(end, s.count))
                i = min(end + open, s.count)
            } else if starts("#\"", at: i) {
                let end = find("\"#", from: i + 2)
                out.append(Literal(line: line, text: text(i + 2, end)))
                i = min(end + 2, s.count)
            } else if s[i] == UInt8(ascii: "\"") {
                var j = i + 1
                while j < s.count && s[j] != UInt8(ascii: "\"") && s[j] != 10 {
                    if s[j] == UInt8(ascii: "\\") { j += 1 }
                    j += 1
                }
                out.append(Literal(line: line, text: text(i + 1, min(j, s.count))))
                i = j + 1
            } else {
                if s[i] == 10 { line += 1 }
                i += 1
            }
        }
        return out
    }

    /// `keyword table` pairs in SQL text, with the line offset of each within the text.
    static func tableNames(in text: String, keywords: String) -> [(offset: Int, keyword: String, table: String)] {
        let pattern = try! NSRegularExpression(
            pattern: #"\b(\#(keywords))\s+(?:OR\s+[A-Za-z]+\s+)?"?([A-Za-z_][A-Za-z_0-9]*)\b"#, options: [.caseInsensitive])
        let ns = text as NSString
        return pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
            let before = ns.substring(to: match.range.location)
            return (before.filter { $0 == "\n" }.count, ns.substring(with: match.range(at: 1)).uppercased(),
                    ns.substring(with: match.range(at: 2)).lowercased())
        }
    }

    /// Every Swift file under `Sources/`, by module-relative path, the benchmark left out.
    static func sourceFiles() throws -> [(module: String, path: String, source: String)] {
        let enumerator = FileManager.default.enumerator(atPath: sources.path)!
        var files: [(String, String, String)] = []
        while let path = enumerator.nextObject() as? String {
            guard path.hasSuffix(".swift"), !path.hasPrefix("callops-bench/") else { continue }
            let module = String(path.prefix { $0 != "/" })
            files.append((module, path, try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)))
        }
        return files.sorted { $0.1 < $1.1 }
    }

    static func crossModuleSQL() throws -> (hits: [Hit], files: [String: [String]]) {
        var hits: [Hit] = []
        var lines: [String: [String]] = [:]
        for (module, path, source) in try sourceFiles() {
            lines[path] = source.components(separatedBy: "\n")
            for literal in literals(of: source) {
                for name in tableNames(in: literal.text, keywords: "FROM|JOIN|INTO|UPDATE|TABLE") {
                    guard let owner = owners[name.table], owner != module else { continue }
                    hits.append(Hit(file: path, line: literal.line + name.offset, literalLine: literal.line, keyword: name.keyword, table: name.table))
                }
            }
        }
        return (hits, lines)
    }

    @Test func noModuleNamesAnotherModulesTableInSQL() throws {
        let (hits, lines) = try Self.crossModuleSQL()
        print("cross-module SQL strings: \(hits.count)")
        var unexplained: [Hit] = []
        var allowed: [String: Int] = [:]
        for hit in hits {
            guard Self.allowlist.contains(where: { $0.file == hit.file && $0.table == hit.table }) else {
                unexplained.append(hit)
                continue
            }
            allowed["\(hit.file) \(hit.table)", default: 0] += 1
            let source = lines[hit.file] ?? []
            let above = source[max(0, hit.line - 4)..<hit.line] + source[max(0, hit.literalLine - 4)..<hit.literalLine]
            #expect(above.contains { $0.contains("// cross-module SQL:") },
                    "\(hit): allowlisted, but no `// cross-module SQL:` comment names its measurement within three lines above it or its literal")
        }
        #expect(Self.allowlist.count <= 5, "at most 5 measured cross-module paths; the allowlist has \(Self.allowlist.count)")
        for entry in Self.allowlist {
            #expect(allowed["\(entry.file) \(entry.table)"] == entry.count,
                    "allowlist \(entry.file) \(entry.table): \(entry.count) expected, \(allowed["\(entry.file) \(entry.table)"] ?? 0) found (update or remove the entry)")
        }
        #expect(unexplained.isEmpty, """
            \(unexplained.count) SQL strings name another module's table; read it through the owner's functions \
            or records instead:
            \(unexplained.map(\.description).joined(separator: "\n"))
            """)
    }

    /// SQL text crossing a module boundary escapes the scan above (the caller's literal names no
    /// table): no public function outside CallOpsStore takes or returns SQL text. Ids cross instead.
    @Test func noPublicFunctionTakesOrReturnsSQLText() throws {
        let pattern = try NSRegularExpression(pattern: #"public[^(]*func [^{]*(sql: String|[A-Za-z]*SQL[A-Za-z]*: String|-> \(sql: String|SQL\(|sql\()"#)
        var found: [String] = []
        let files = FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil)!
        for case let url as URL in files where url.pathExtension == "swift" {
            let path = url.path.replacingOccurrences(of: Self.sources.path + "/", with: "")
            guard !path.hasPrefix("CallOpsStore/"), !path.hasPrefix("callops-bench/") else { continue }
            for (number, line) in try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let text = String(line)
                if pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil { found.append("\(path):\(number + 1): \(text)") }
            }
        }
        #expect(found.isEmpty, "public functions that pass SQL text between modules:\n\(found.joined(separator: "\n"))")
    }

    @Test func everyTableHasItsOwnerAndForeignKeysPointDown() throws {
        var created: [String: String] = [:]
        for (module, path, source) in try Self.sourceFiles() {
            for literal in Self.literals(of: source) {
                for name in Self.tableNames(in: literal.text, keywords: "CREATE\\s+TABLE|RENAME\\s+TO") {
                    #expect(Self.owners[name.table] == module,
                            "\(path): creates table \(name.table), listed as owned by \(Self.owners[name.table] ?? "nobody"); list it under \(module)")
                    created[name.table] = module
                }
                for name in Self.tableNames(in: literal.text, keywords: "REFERENCES") {
                    guard let owner = Self.owners[name.table], let from = Self.dependencyOrder.firstIndex(of: module),
                          let to = Self.dependencyOrder.firstIndex(of: owner) else {
                        Issue.record("\(path): a foreign key to \(name.table) from \(module), which owns no tables or the table no owner")
                        continue
                    }
                    #expect(to <= from, "\(path): \(module) references \(name.table) of \(owner), which depends on \(module)")
                }
            }
        }
        #expect(Set(created.keys) == Set(Self.owners.keys), "listed but never created: \(Set(Self.owners.keys).subtracting(created.keys).sorted())")
    }

    @Test func theScannerFindsWhatItClaims() {
        let source = #"""
            let a = "SELECT 1 FROM agent" // FROM lead in a comment is not SQL
            /* JOIN policy */ let b = """
                SELECT x
                FROM lead JOIN "call" ON call.lead_id = lead.id
                """
            let c = "INSERT OR IGNORE INTO dnc (phone) VALUES (?)"
            """#
        let found = Self.literals(of: source).flatMap { literal in
            Self.tableNames(in: literal.text, keywords: "FROM|JOIN|INTO|UPDATE|TABLE").map { "\(literal.line + $0.offset) \($0.table)" }
        }
        #expect(found == ["1 agent", "4 lead", "4 call", "6 dnc"])
    }
}
