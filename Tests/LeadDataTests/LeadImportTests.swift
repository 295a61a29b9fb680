import CallOpsCore
import CallOpsStore
import Foundation
import Testing

@testable import LeadData

@Suite struct LeadImportTests {
    /// One real file holding a row for each reject reason, and three good ones.
    @Test func everyRejectReasonHasItsRow() throws {
        let f = try LeadFixture()
        try f.db.transaction { db in _ = try DoNotCall.add(db, phones: ["13900000009"], source: "test", clock: f.clock) }
        _ = try f.importLeads(f.write("old.csv", "phone\n13900000008\n"))
        let path = try f.write("vendor.csv", """
            手机号,姓名,年龄,年收入,职业,婚姻状况,子女数
            13900000001,张三,35,12万,教师,已婚,1
            +86 139-0000-0002,李四,28,,,,
            13900000003,王五,40,80000,工程师,未婚,0
            13900000001,张三,35,12万,教师,已婚,1
            ,无号码,30,,,,
            1390000000,短号,30,,,,
            13900000009,拒访,30,,,,
            13900000008,老客户,30,,,,
            13900000010,少年,16,,,,
            13900000011,多列,30,,,,,extra
            """)
        let rejects = f.folder.appendingPathComponent("rejects.csv").path
        let summary = try f.importLeads(path) { $0.rejectsPath = rejects }
        #expect(summary.rows == 10 && summary.accepted == 3)
        #expect(summary.rejected == [
            .duplicateInFile: 1, .missingPhone: 1, .invalidPhone: 1, .dnc: 1, .duplicateExisting: 1,
            .outOfAgeRange: 1, .malformedRow: 1,
        ])
        let lines = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines[0] == "line,reason,detail,row")
        #expect(lines[1].hasPrefix("5,duplicate_in_file,"))
        #expect(lines[3].hasPrefix("7,invalid_phone,\"\"\"1390000000\"\" has 10 digits; a mainland mobile has 11\""))
        #expect(lines.count == 8)
        // The +86 number was normalised; grades follow seed 003's profile.
        let stored = try f.db.read { db in try Row.fetchAll(db, sql: "SELECT phone, grade, score, income_fen FROM lead WHERE batch_id = 2 ORDER BY phone") }
        #expect(stored.map { $0["phone"] as String } == ["13900000001", "13900000002", "13900000003"])
        #expect(stored[0]["grade"] as String == "A" && stored[0]["score"] as Int == 100 && stored[0]["income_fen"] as Int == 12_000_000)
        #expect(stored[1]["grade"] as String == "B" && stored[1]["score"] as Int == 30)
        #expect(try f.count("SELECT rows - accepted FROM lead_batch WHERE id = 2") == 7)
    }

    /// The import reads on one thread and inserts on another, in chunks. Whether it learns that
    /// a number is already a lead from its own read connection (an import that owns its
    /// transaction) or from the insert (inside a caller's transaction, as the demo does), and
    /// whatever the chunk size, the outcome and the rejects file are the same, in line order.
    @Test func chunkEdgesAndBothWaysOfFindingExistingLeadsAgree() throws {
        var text = "phone,name,age\n"
        var expected: [RejectReason: Int] = [:]
        var accepted = 0
        for i in 0..<400 {
            switch i % 9 {
            case 0:
                text += "\(LeadFixture.phone(i % 50 + 10_000)),旧客户\(i),30\n"
                expected[.duplicateExisting, default: 0] += 1
            case 1:
                text += "12345,坏号码,30\n"
                expected[.invalidPhone, default: 0] += 1
            case 2 where i > 9:
                text += "\(LeadFixture.phone(i - 6)),重复,30\n"
                expected[.duplicateInFile, default: 0] += 1
            case 3:
                text += "\(LeadFixture.phone(20_000 + i)),拒访,30\n"
                expected[.dnc, default: 0] += 1
            default:
                text += "\(LeadFixture.phone(i)),客户\(i),\(20 + i % 40)\n"
                accepted += 1
            }
        }
        func run(chunk: Int, insideTransaction: Bool) throws -> (ImportSummary, String, [String]) {
            let f = try LeadFixture()
            try f.db.transaction { db in
                _ = try DoNotCall.add(db, phones: (20_000..<20_400).map(LeadFixture.phone), source: "test", clock: f.clock)
            }
            _ = try f.importLeads(f.write("old.csv", "phone\n" + (10_000..<10_050).map(LeadFixture.phone).joined(separator: "\n") + "\n"))
            let path = try f.write("vendor.csv", text)
            let rejects = f.folder.appendingPathComponent("rejects.csv").path
            var importer = try LeadImporter(settings: f.settings, clock: f.clock)
            importer.chunkRecords = chunk
            var options = ImportOptions(source: "vendor")
            let summary: ImportSummary
            if insideTransaction {
                summary = try f.db.transaction { db in try importer.importFile(db, path: path, options: options) }
            } else {
                options.rejectsPath = rejects
                summary = try importer.run(path: path, options: options, db: f.db)
            }
            let leads = try f.db.read { db in try String.fetchAll(db, sql: "SELECT phone || ' ' || name FROM lead WHERE batch_id = 2 ORDER BY id") }
            let written = insideTransaction ? "" : try String(contentsOfFile: rejects, encoding: .utf8)
            return (summary, written, leads)
        }
        let (reference, rejects, leads) = try run(chunk: PreparedChunk.defaultRecords, insideTransaction: false)
        #expect(reference.rows == 400 && reference.accepted == accepted)
        for reason in RejectReason.allCases { #expect(reference.rejected[reason] == expected[reason, default: 0], "\(reason)") }
        let lines = rejects.split(separator: "\n").dropFirst().map { Int($0.prefix { $0 != "," })! }
        #expect(lines == lines.sorted() && lines.count == reference.rejectedTotal)
        for chunk in [1, 7, 64, 65] {
            let (other, otherRejects, otherLeads) = try run(chunk: chunk, insideTransaction: false)
            #expect(other == reference && otherRejects == rejects && otherLeads.sorted() == leads.sorted(), "chunk \(chunk)")
            var (inside, _, insideLeads) = try run(chunk: chunk, insideTransaction: true)
            inside.batchID = reference.batchID
            #expect(inside == reference && insideLeads.sorted() == leads.sorted(), "chunk \(chunk), inside a transaction")
        }
    }

    @Test func theSameFileIsImportedOnceUnlessForced() throws {
        let f = try LeadFixture()
        let path = try f.write("a.csv", "phone\n13900000001\n")
        _ = try f.importLeads(path)
        #expect(throws: CallOpsError.self) { _ = try f.importLeads(path) }
        #expect(try f.count("SELECT COUNT(*) FROM lead_batch") == 1)
        let again = try f.importLeads(path) { $0.force = true }
        #expect(again.accepted == 0 && again.rejected[.duplicateExisting] == 1)
    }

    /// The import's transaction runs without SQLite's foreign key checks (every reference it
    /// writes is to its own batch): its leads still all reference their batch, and the checks
    /// are on again for the next writer after a dry run, an import and a refused one.
    @Test func foreignKeysAreOnAgainAfterEveryImport() throws {
        let f = try LeadFixture()
        func checking() throws -> Int? { try f.db.transaction { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") } }
        let path = try f.write("a.csv", "phone\n13900000001\n13900000002\n")
        #expect(try f.importLeads(path) { $0.dryRun = true }.accepted == 2)
        #expect(try checking() == 1)
        #expect(try f.importLeads(path).accepted == 2)
        #expect(try checking() == 1)
        // The same file again is refused inside the import's transaction.
        #expect(throws: CallOpsError.self) { _ = try f.importLeads(path) }
        #expect(try checking() == 1)
        #expect(try f.db.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
        #expect(try f.count("SELECT COUNT(*) FROM lead JOIN lead_batch ON lead_batch.id = lead.batch_id") == 2)
    }

    @Test func aDryRunWritesNothing() throws {
        let f = try LeadFixture()
        let path = try f.write("a.csv", "phone\n13900000001\n13900000002\nbad\n")
        let dry = try f.importLeads(path) { $0.dryRun = true }
        #expect(dry.accepted == 2 && dry.rejected[.invalidPhone] == 1 && dry.batchID == nil)
        #expect(try f.count("SELECT COUNT(*) FROM lead") == 0)
        #expect(try f.count("SELECT COUNT(*) FROM lead_batch") == 0)
        // ...so the real import still goes through.
        #expect(try f.importLeads(path).accepted == 2)
    }

    @Test func aFileWithoutPhoneColumnIsRefusedWhole() throws {
        let f = try LeadFixture()
        #expect(throws: CallOpsError.self) { _ = try f.importLeads(f.write("x.csv", "name,city\n张三,上海\n")) }
        #expect(throws: CallOpsError.self) { _ = try f.importLeads(f.write("empty.csv", "")) }
        #expect(throws: CallOpsError.self) { _ = try f.importLeads(f.folder.appendingPathComponent("missing.csv").path) }
        #expect(try f.count("SELECT COUNT(*) FROM lead_batch") == 0)
    }

    @Test func excelFilesBOMCRLFGB18030AndQuotedNewlines() throws {
        let f = try LeadFixture()
        // UTF-8 with a BOM and CRLF, a quoted comma and a quoted newline (one record, two lines).
        let bom = try f.write("bom.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("电话,姓名,城市\r\n13900000001,\"Li, Na\",\"上海\r\n浦东\"\r\n13900000002,王芳,北京\r\n".utf8))
        let first = try f.importLeads(bom)
        #expect(first.accepted == 2 && first.rows == 2 && first.encoding == "utf8")
        #expect(try f.db.read { db in try String.fetchOne(db, sql: "SELECT city FROM lead WHERE phone = '13900000001'") } == "上海\r\n浦东")
        // GB18030, as Excel on Chinese Windows saves it: 手机号,姓名 / 13900000003,张三.
        let gb: [UInt8] = [0xCA, 0xD6, 0xBB, 0xFA, 0xBA, 0xC5, 0x2C, 0xD0, 0xD5, 0xC3, 0xFB, 0x0A]
            + Array("13900000003,".utf8) + [0xD5, 0xC5, 0xC8, 0xFD, 0x0A]
        let second = try f.importLeads(f.write("gbk.csv", bytes: gb))
        #expect(second.encoding == "gb18030" && second.accepted == 1)
        #expect(try f.db.read { db in try String.fetchOne(db, sql: "SELECT name FROM lead WHERE phone = '13900000003'") } == "张三")
        // Semicolons (Excel in Europe) are found too.
        let semicolons = try f.importLeads(f.write("semi.csv", "phone;name\n13900000004;Ana\n"))
        #expect(semicolons.accepted == 1)
    }

    /// The encoding is guessed from the file's head while the whole file is checked beside the
    /// import; a GB18030 name past the head makes the import start again as GB18030.
    @Test func gb18030PastTheHeadIsFoundAndTheImportMadeAgain() throws {
        let f = try LeadFixture()
        var bytes = Array("phone,name\n".utf8)
        for i in 0..<3_000 { bytes += Array("\(LeadFixture.phone(i)),Client \(i)\n".utf8) }
        #expect(bytes.count > 1 << 16)
        bytes += Array("13999999999,".utf8) + [0xD5, 0xC5, 0xC8, 0xFD, 0x0A]  // 张三 in GB18030
        let path = try f.write("late.csv", bytes: bytes)
        #expect(try TextEncoding.detect(head: path) == .utf8)
        let rejects = f.folder.appendingPathComponent("rejects.csv").path
        let summary = try f.importLeads(path) { $0.rejectsPath = rejects }
        #expect(summary.encoding == "gb18030" && summary.accepted == 3_001 && summary.rows == 3_001)
        #expect(try f.db.read { db in try String.fetchOne(db, sql: "SELECT name FROM lead WHERE phone = '13999999999'") } == "张三")
        #expect(try f.count("SELECT COUNT(*) FROM lead_batch") == 1 && f.count("SELECT COUNT(*) FROM lead") == 3_001)
        #expect(try String(contentsOfFile: rejects, encoding: .utf8) == "line,reason,detail,row\n")
    }

    /// `--encoding utf8` on a file that is not UTF-8 is refused, naming the line and the field,
    /// never stored as U+FFFD (the outside audit's D6): in the head and past it, in the file the
    /// demo imports inside its own transaction too. Auto-detection still reads it as GB18030.
    @Test func bytesThatAreNotUTF8UnderEncodingUTF8AreRefusedWithTheirLineAndField() throws {
        let f = try LeadFixture()
        let short = Array("phone,name,age\n13900000001,张三,30\n13900000002,".utf8) + [0xFF, 0xFE, 0xFA] + Array(",31\n".utf8)
        var long = Array("phone,name\n".utf8)
        for i in 0..<3_000 { long += Array("\(LeadFixture.phone(i)),Client \(i)\n".utf8) }
        long += Array("13999999999,".utf8) + [0xFF, 0xFE, 0xFA, 0x0A]
        let rejects = f.folder.appendingPathComponent("rejects.csv").path
        for (name, bytes, line) in [("short.csv", short, 3), ("long.csv", long, 3_002)] {
            let path = try f.write(name, bytes: bytes)
            let error = #expect(throws: CallOpsError.self) { try f.importLeads(path) { $0.encoding = .utf8; $0.rejectsPath = rejects } }
            #expect("\(error.map { "\($0)" } ?? "")".hasPrefix("\(name):\(line): field \"name\" is not UTF-8, as --encoding utf8 says"), "\(String(describing: error))")
            let inside = #expect(throws: CallOpsError.self) {
                try f.db.transaction { db in try LeadImporter(settings: f.settings, clock: f.clock).importFile(db, path: path, options: {
                    var options = ImportOptions(source: "demo")
                    options.encoding = .utf8
                    return options
                }()) }
            }
            #expect("\(inside.map { "\($0)" } ?? "")".contains("\(name):\(line): field \"name\" is not UTF-8"))
        }
        #expect(try f.count("SELECT COUNT(*) FROM lead") == 0 && f.count("SELECT COUNT(*) FROM lead_batch") == 0)
        #expect(!FileManager.default.fileExists(atPath: rejects))
        let auto = try f.importLeads(f.write("auto.csv", bytes: short))
        #expect(auto.encoding == "gb18030" && auto.rows == 2)
    }

    /// A file is refused as seen before when a batch has its size and hash, also a batch from
    /// before sizes were kept.
    @Test func aFileSeenBeforeIsRefusedWhateverTheBatchKnowsOfItsSize() throws {
        let f = try LeadFixture()
        let path = try f.write("a.csv", "phone\n13900000001\n")
        _ = try f.importLeads(path)
        #expect(try f.count("SELECT file_bytes FROM lead_batch") == 18)
        _ = try f.db.transaction { db in try db.execute(sql: "UPDATE lead_batch SET file_bytes = NULL") }
        #expect(throws: CallOpsError.self) { _ = try f.importLeads(path) }
        // The same size, other numbers: not the same file.
        let other = try f.importLeads(f.write("b.csv", "phone\n13900000002\n"))
        #expect(other.accepted == 1)
        #expect(try f.db.read { db in try String.fetchAll(db, sql: "SELECT file_hash FROM lead_batch ORDER BY id") }.allSatisfy { $0.count == 64 })
    }

    /// A full disk (SQLite's page limit standing in for it) stops the import with a clear
    /// message and nothing written; with room again the same file imports whole.
    @Test func aFullDiskChangesNothing() throws {
        let f = try LeadFixture()
        let path = try f.write("big.csv", "phone,name,city\n" + (0..<5_000).map { "\(LeadFixture.phone($0)),客户\($0),上海市浦东新区" }.joined(separator: "\n") + "\n")
        let pages = try f.db.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") } ?? 0
        try f.db.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = \(pages + 8)") }
        #expect {
            _ = try f.importLeads(path)
        } throws: { error in
            "\(error)".contains("disk is full") && "\(error)".contains("nothing was changed")
        }
        #expect(try f.count("SELECT COUNT(*) FROM lead") == 0 && f.count("SELECT COUNT(*) FROM lead_batch") == 0)
        try f.db.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        #expect(try f.importLeads(path).accepted == 5_000)
    }

    @Test func errorLinesCountQuotedNewlines() throws {
        let f = try LeadFixture()
        let rejects = f.folder.appendingPathComponent("r.csv").path
        _ = try f.importLeads(f.write("q.csv", "phone,note\n13900000001,\"two\nlines\"\nnot-a-phone,x\n")) { $0.rejectsPath = rejects }
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(text.contains("\n4,invalid_phone,"))
    }

    @Test(.enabled(if: sharedData != nil, "needs ../shared/data (VICIdial's sample lead file); absent here"))
    func vicidialListsAreRead() throws {
        let data = try #require(sharedData)
        let f = try LeadFixture()
        // VICIdial's own sample: US numbers, so each row is read and rejected as invalid_phone.
        let summary = try f.importLeads(data.appendingPathComponent("vicidial/test_VICIDIAL_lead_file.txt").path) { $0.layout = .vicidial }
        #expect(summary.rows > 0 && summary.rejected[.invalidPhone] == summary.rows && summary.rejected[.malformedRow] == 0)
        // The same layout with Chinese mobiles and alternate-number fields past the 25th.
        let line = "V1|10001|107|86|13900000001|MR|伟|Q|张|路1号|||上海|SH||200000|CN|M|1980-05-01||e@x.cn||note|1|owner|3|NEW|2026-01-01\n"
        let short = "V2|10001|107|86|13900000002|MR|芳|Q|李\n"
        let own = try f.importLeads(f.write("vici.txt", line + short)) { $0.layout = .vicidial }
        #expect(own.accepted == 1 && own.rejected[.malformedRow] == 1)
        let row = try f.db.read { db in try Row.fetchOne(db, sql: "SELECT name, city, gender, age, external_id, extra FROM lead WHERE phone = '13900000001'") }!
        #expect(row["name"] as String == "伟 张" && row["city"] as String == "上海" && row["gender"] as String == "M")
        #expect(row["age"] as Int == 46 && row["external_id"] as String == "V1")
        #expect((row["extra"] as String).contains("\"field_28\":\"2026-01-01\""))
    }

    @Test(.enabled(if: sharedData != nil, "needs ../shared/data (libphonenumber's CN mobile vectors); absent here"))
    func libphonenumberVectors() throws {
        let data = try #require(sharedData)
        let validator = try MobileValidator(pattern: Settings.defaults.leads.mobilePattern)
        let text = try String(contentsOf: data.appendingPathComponent("phonenumbers/cn_mobile_test_vectors.tsv"), encoding: .utf8)
        var checked = 0
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 4 else { continue }
            let expected = columns[3] == "match"
            // The vectors judge the national part; ours is the same number after normalisation.
            if case .valid = PhoneNumber.normalize(columns[0], validator: validator) {
                // The vectors judge the raw text; SPEC section 5 first drops separators, so
                // `+86-13838389438` is the mobile 13838389438 here. Only such rows may differ.
                #expect(expected || columns[0].contains { "- ().".contains($0) }, "\(columns[0]) should be refused: \(columns.joined(separator: " / "))")
            } else if expected {
                // A vector the pattern matches on its national part but whose raw form is not a
                // bare national number (a trunk 0 or an odd prefix) may be refused by normalisation.
                let national = columns[0].filter(\.isNumber)
                #expect(!(national.count == 11 && national.hasPrefix("1")), "\(columns[0]) should be accepted")
            }
            // The fast table and the pattern itself always agree.
            let digits = columns[0].filter(\.isNumber)
            if digits.count == 11 {
                #expect(validator.isValid(digits) == (try NSRegularExpression(pattern: Settings.defaults.leads.mobilePattern)
                    .firstMatch(in: digits, range: NSRange(location: 0, length: 11)) != nil))
            }
            checked += 1
        }
        #expect(checked == 61)
    }

    @Test func phoneRules() throws {
        let validator = try MobileValidator(pattern: Settings.defaults.leads.mobilePattern)
        func verdict(_ raw: String) -> PhoneNumber.Verdict { PhoneNumber.normalize(raw, validator: validator) }
        #expect(verdict("+86 138 0013 8000") == .valid("13800138000"))
        #expect(verdict("0086-13800138000") == .valid("13800138000"))
        #expect(verdict("8613800138000") == .valid("13800138000"))
        #expect(verdict("(138)0013-8000") == .valid("13800138000"))
        #expect(verdict("17400123456") == .valid("17400123456"))
        #expect(verdict("17406123456") != .valid("17406123456"))
        #expect(verdict("") == .missing)
        #expect(verdict("1380013800") == .invalid("\"1380013800\" has 10 digits; a mainland mobile has 11"))
        #expect(verdict("12038389438") != .valid("12038389438"))
        #expect(PhoneNumber.mask("13800138000") == "138****8000")
    }

    @Test func gradesFollowSeed003() {
        let rules = Settings.defaults.leads.grading
        #expect(LeadGrading.grade(LeadProfile(age: 30, annualIncome: 120_000, occupation: "中学教师", married: true, children: 1), rules: rules) == (100, .A))
        #expect(LeadGrading.grade(LeadProfile(age: 30, annualIncome: 120_000, occupation: "学生"), rules: rules) == (55, .B))
        #expect(LeadGrading.grade(LeadProfile(age: 60), rules: rules) == (0, .C))
        #expect(LeadGrading.grade(LeadProfile(age: 25, married: true, children: 2), rules: rules) == (55, .B))
        #expect(LeadProfileParsing.income("12.5万") == 125_000)
        #expect(LeadProfileParsing.income("¥120,000") == 120_000)
        #expect(LeadProfileParsing.income("很多") == nil)
        #expect(LeadProfileParsing.married("已婚") == true && LeadProfileParsing.married("离异") == false)
    }
}
