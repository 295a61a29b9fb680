import CallOpsCore
import CallOpsStore
import Foundation
import Testing

@testable import LeadData

/// Issue 17, item 13: SPEC section 5's list of reasons is their precedence, so a number that is
/// already a lead is `duplicate_existing` even when the new row is too old or the number is on
/// the do-not-call list.
@Suite struct Issue17RejectOrderTests {
    func center() throws -> (LeadFixture, String) {
        let f = try LeadFixture()
        _ = try f.importLeads(f.write("first.csv", "phone,age\n\(LeadFixture.phone(1)),35\n\(LeadFixture.phone(2)),40\n"))
        _ = try f.db.transaction { db in
            try DoNotCall.add(db, phones: [LeadFixture.phone(2), LeadFixture.phone(4)], source: "t", clock: f.clock)
        }
        let second = try f.write("second.csv", """
            phone,age
            \(LeadFixture.phone(1)),70
            \(LeadFixture.phone(2)),40
            \(LeadFixture.phone(3)),70
            \(LeadFixture.phone(4)),30
            \(LeadFixture.phone(5)),30

            """)
        return (f, second)
    }

    func expectPrecedence(_ summary: ImportSummary) {
        #expect(summary.rejected[.duplicateExisting] == 2, "\(summary.rejected)")
        #expect(summary.rejected[.outOfAgeRange] == 1 && summary.rejected[.dnc] == 1 && summary.accepted == 1, "\(summary.rejected)")
    }

    @Test func theCommandsImportAsksTheCommittedLeadsFirst() throws {
        let (f, second) = try center()
        let rejects = f.folder.appendingPathComponent("rejects.csv").path
        expectPrecedence(try f.importLeads(second) { $0.rejectsPath = rejects })
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(text.contains("2,duplicate_existing") && text.contains("3,duplicate_existing") && text.contains("4,out_of_age_range")
            && text.contains("5,dnc"), "\(text)")
    }

    @Test func anImportInsideTheCallersTransactionToo() throws {
        let (f, second) = try center()
        let summary = try f.db.transaction { db in
            try LeadImporter(settings: f.settings, clock: f.clock).importFile(db, path: second, options: ImportOptions(source: "v"))
        }
        expectPrecedence(summary)
    }
}

/// Issue 17, item 11: a dry run's rejects file holds whole numbers, so it is audited like any export.
@Suite struct Issue17DryRunAuditTests {
    @Test func aDryRunsRejectsFileIsAudited() throws {
        let f = try LeadFixture()
        let path = try f.write("a.csv", "phone\n13900000001\nbad\n12345\n")
        let rejects = f.folder.appendingPathComponent("rejects.csv").path
        let dry = try f.importLeads(path) { $0.dryRun = true; $0.rejectsPath = rejects }
        #expect(dry.batchID == nil && dry.rejected[.invalidPhone] == 2)
        #expect(try f.count("SELECT COUNT(*) FROM lead") == 0)
        let audit = try f.db.read(AuditLog.entries)
        #expect(audit.count == 1 && audit.first?.numbers == 2 && audit.first?.command.contains("--dry-run --rejects") == true, "\(audit)")
        // A dry run without a rejects file exports nothing and leaves no audit line.
        _ = try f.importLeads(path) { $0.dryRun = true }
        #expect(try f.db.read(AuditLog.entries).count == 1)
    }
}
