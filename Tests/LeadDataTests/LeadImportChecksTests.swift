import CallOpsCore
import Foundation
import GRDB
import Testing

@testable import CallOpsStore
@testable import LeadData

/// The lead import's insert is compiled without the lead table's CHECKs (issue 15 item 4): every
/// value it writes that a CHECK constrains is spelt by its type. These tests are that claim's
/// keepers: a CHECK added to `lead` fails the first until someone has looked at what the import
/// writes into its column.
@Suite struct LeadImportChecksTests {
    /// The CHECKs the import's values were proven against (`LeadImporter.insertRows`): grade,
    /// class and gender from their enums' raw values; status, stage and the counts take the
    /// table's defaults ('pool', 'new', 0), agent_id and propensity stay NULL.
    static let provenChecks = [
        "gender: (gender = 'M' OR gender = 'F')",
        "grade: (grade = 'A' OR grade = 'B' OR grade = 'C')",
        "status: (status = 'pool' OR status = 'open' OR status = 'won' OR status = 'lost' OR status = 'exhausted' OR status = 'retired' OR status = 'dnc' OR status = 'invalid')",
        "class: (class = 'warm' OR class = 'referral' OR class = 'cold')",
        "propensity: propensity BETWEEN 0 AND 1",
        "table: (status = 'open') = (agent_id IS NOT NULL) OR (status = 'won' OR status = 'lost' OR status = 'exhausted' OR status = 'dnc' OR status = 'invalid')",
    ]

    @Test func theLeadTableHasOnlyTheChecksTheImportIsProvenAgainst() throws {
        let f = try LeadFixture()
        let sql = try f.db.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'lead'") } ?? ""
        let checks = CheckConstraints.checks(in: sql).map { "\($0.column ?? "table"): \($0.expression)" }
        #expect(checks.sorted() == Self.provenChecks.sorted(),
                "lead's CHECKs changed: the import's insert skips them, so check what it writes into each column named, then update this list")
        // Every enum whose raw values the import writes is one of its CHECK's values.
        #expect(LeadGrade.allCases.map(\.rawValue).sorted() == ["A", "B", "C"])
        #expect(LeadClass.allCases.map(\.rawValue).sorted() == ["cold", "referral", "warm"])
        #expect(Gender.allCases.map(\.rawValue).sorted() == ["F", "M"])
    }

    /// A file with every grade, class and gender, and no gender or class at all: the stored rows
    /// pass every CHECK, and after each import (a dry run, a refused one, one inside a caller's
    /// transaction) the connection checks CHECKs again.
    @Test func everyKindOfValueTheImportWritesPassesTheChecksAndTheyAreOnAgainAfter() throws {
        let f = try LeadFixture()
        var text = "phone,name,age,income,occupation,marital,children,gender,class\n"
        let genders = ["男", "女", "", "?"]
        let classes = ["缘故", "转介绍", "陌生", "", "warm", "referral", "cold"]
        for i in 0..<200 {
            // A third score A (every point), a third B (the age's points alone), a third C (none).
            let rich = i % 3 == 0, poor = i % 3 == 2
            let age = poor ? "60" : "35"
            let income = rich ? "300000" : ""
            let job = rich ? "教师" : "无业"
            let married = rich ? "已婚" : "未婚"
            let children = rich ? "1" : "0"
            text += "\(LeadFixture.phone(i)),客户\(i),\(age),\(income),\(job),\(married),\(children),\(genders[i % genders.count]),\(classes[i % classes.count])\n"
        }
        let path = try f.write("all.csv", text)
        func ignoring() throws -> Int? { try f.db.transaction { db in try Int.fetchOne(db, sql: "PRAGMA ignore_check_constraints") } }
        #expect(try f.importLeads(path) { $0.dryRun = true }.accepted == 200)
        #expect(try ignoring() == 0)
        let summary = try f.importLeads(path)
        #expect(summary.accepted == 200)
        #expect(try ignoring() == 0)
        #expect(throws: CallOpsError.self) { _ = try f.importLeads(path) }
        #expect(try ignoring() == 0)
        let kinds = try f.db.read { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT grade, class, gender FROM lead").map { "\($0[0] as String)\($0[1] as String)\($0[2] as String? ?? "-")" }
        }
        for grade in ["A", "B", "C"] {
            let found = kinds.contains { $0.hasPrefix(grade) }
            #expect(found, "grade \(grade): \(kinds)")
        }
        for kind in ["warm", "referral", "cold"] {
            let found = kinds.contains { $0.contains(kind) }
            #expect(found, "class \(kind): \(kinds)")
        }
        for gender in ["M", "F", "-"] {
            let found = kinds.contains { $0.hasSuffix(gender) }
            #expect(found, "gender \(gender): \(kinds)")
        }
        let (quickCheck, failing) = try f.db.read { db in
            (try String.fetchAll(db, sql: "PRAGMA quick_check"), try CheckConstraints.firstFailing(db))
        }
        #expect(quickCheck == ["ok"] && failing == nil)
        // Inside a caller's transaction (the demo's way), the next write there is checked.
        let other = try f.write("other.csv", "phone\n13800000001\n")
        let refusal = #expect(throws: CallOpsError.self) {
            try f.db.transaction { db in
                _ = try LeadImporter(settings: f.settings, clock: f.clock).importFile(db, path: other, options: ImportOptions(source: "vendor"))
                try db.execute(sql: "UPDATE lead SET grade = 'Z' WHERE phone = '13800000001'")
            }
        }
        let said = refusal.map { "\($0)" } ?? ""
        #expect(said.contains("CHECK constraint failed"), "\(said)")
        #expect(try f.count("SELECT COUNT(*) FROM lead WHERE phone = '13800000001'") == 0)
    }
}
