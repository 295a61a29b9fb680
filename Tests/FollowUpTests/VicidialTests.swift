import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster
import Testing

@testable import FollowUp

/// VICIdial's Export Calls Report, as call_report_export.php writes its header: the standard
/// fields, EXTENDED's lead fields after lead_id and its call fields after status_name.
enum VicidialExport {
    static let standard = [
        "call_date", "phone_number_dialed", "status", "user", "full_name", "campaign_id", "vendor_lead_code", "source_id",
        "list_id", "gmt_offset_now", "phone_code", "phone_number", "title", "first_name", "middle_initial", "last_name",
        "address1", "address2", "address3", "city", "state", "province", "postal_code", "country_code", "gender",
        "date_of_birth", "alt_phone", "email", "security_phrase", "comments", "length_in_sec", "user_group", "alt_dial",
        "rank", "owner", "lead_id",
    ]
    static let tail = ["list_name", "list_description", "status_name"]
    static let extendedLead = ["entry_date", "called_count", "last_local_call_time", "modify_date", "called_since_last_reset"]
    static let extendedCall = [
        "wrapup_time", "queue_time", "uniqueid", "caller_code", "server_ip", "hangup_cause", "dialstatus", "channel",
        "dial_time", "answered_time", "cpd_result", "did_pattern", "did_id", "did_description",
    ]

    static func header(extended: Bool) -> [String] {
        extended ? standard + extendedLead + tail + extendedCall : standard + tail
    }

    /// A whole file: the header and one line per row (fields not given are empty), CRLF as VICIdial writes.
    static func text(extended: Bool, _ rows: [[String: String]]) -> String {
        let names = header(extended: extended)
        return ([names] + rows.map { row in names.map { row[$0] ?? "" } }).map { $0.joined(separator: "\t") + "\r\n" }.joined()
    }

    /// One row, as the reader sees it.
    static func record(extended: Bool, line: Int = 2, _ row: [String: String]) -> CSVRecord {
        CSVRecord(line: line, fields: header(extended: extended).map { row[$0] ?? "" })
    }
}

@Suite struct VicidialCallExportTests {
    let clock = try! Clock(fixed: "2026-11-20T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    let agents = ["vici01": "A1", "A2": "A2"]

    func read(_ row: [String: String], extended: Bool = true, settings: Settings = .defaults) throws -> VicidialCallExport.Reading {
        let export = try VicidialCallExport(settings: settings, clock: clock)
        let columns = try VicidialCallExport.Columns(header: CSVHeader(VicidialExport.header(extended: extended)), file: "x.txt", line: 1)
        return export.call(VicidialExport.record(extended: extended, row), columns: columns, agents: agents)
    }

    func row(_ status: String, _ extra: [String: String] = [:]) -> [String: String] {
        ["call_date": "2026-11-20 10:15:00", "phone_number_dialed": "13900000002", "phone_number": "13900000002", "status": status,
         "user": "vici01", "length_in_sec": "95", "lead_id": "9001", "vendor_lead_code": "2"].merging(extra) { $1 }
    }

    func call(_ reading: VicidialCallExport.Reading) -> CallInput? {
        if case let .call(input) = reading { return input }
        return nil
    }

    func rejection(_ reading: VicidialCallExport.Reading) -> CallImportSummary.Reject? {
        if case let .rejected(reject) = reading { return reject }
        return nil
    }

    static let shippedMapping: [(String, Disposition)] = [
        ("NA", .noAnswer), ("N", .noAnswer), ("A", .noAnswer), ("AA", .noAnswer), ("DROP", .noAnswer), ("PDROP", .noAnswer),
        ("B", .busy), ("AB", .busy), ("DC", .invalidNumber), ("ADC", .invalidNumber), ("NP", .connected), ("XFER", .connected),
        ("CALLBK", .callback), ("CBHOLD", .callback), ("NI", .refused), ("DEC", .refused), ("DNC", .dnc), ("DNCL", .dnc),
        ("SALE", .sale),
    ]

    @Test(arguments: shippedMapping)
    func theShippedStatusesMapAsSpecSixLists(status: String, disposition: Disposition) throws {
        #expect(call(try read(row(status)))?.disposition == disposition)
        #expect(call(try read(row(status.lowercased())))?.disposition == disposition)
    }

    @Test func anUnknownStatusIsARejectedRowNamingIt() throws {
        let reject = rejection(try read(row("XYZZY")))
        #expect(reject?.field == "status" && reject?.line == 2)
        #expect(reject?.reason.contains("\"XYZZY\"") == true)
        // The config decides: listed, it is read.
        var settings = Settings.defaults
        settings.dialer.vicidial.statuses.interested = ["XYZZY"]
        #expect(call(try read(row("XYZZY"), settings: settings))?.disposition == .interested)
    }

    @Test func theCallIDIsTheUniqueidElseLeadAndDate() throws {
        #expect(call(try read(row("NA", ["uniqueid": "1763604900.4417"])))?.callID == "1763604900.4417")
        #expect(call(try read(row("NA")))?.callID == "vicidial:9001:2026-11-20 10:15:00")
        #expect(call(try read(row("NA"), extended: false))?.callID == "vicidial:9001:2026-11-20 10:15:00")
        #expect(rejection(try read(row("NA", ["lead_id": ""])))?.field == "uniqueid")
    }

    @Test func theAgentIsTheDialerUserOrTheOwnerOfADialerPlacedCall() throws {
        let mine = call(try read(row("NP")))
        #expect(mine?.agentCode == "A1" && mine?.talkSeconds == 95)
        #expect(mine?.startedAt == clock.parse("2026-11-20T10:15:00"))
        #expect(call(try read(row("NA", ["user": "VDAD", "owner": "A2"])))?.agentCode == "A2")
        #expect(rejection(try read(row("NA", ["user": "VDAD"])))?.field == "user")
        let unknown = rejection(try read(row("NA", ["user": "ghost"])))
        #expect(unknown?.field == "user" && unknown?.reason.contains("\"ghost\"") == true)
        #expect(rejection(try read(row("NA", ["length_in_sec": "1.5"])))?.field == "length_in_sec")
        #expect(rejection(try read(row("NA", ["call_date": "20/11/2026"])))?.field == "call_date")
    }

    @Test func theLeadIsNamedByVendorLeadCodeAndPhone() throws {
        let named = call(try read(row("NA")))
        #expect(named?.leadID == 2 && named?.phone == "13900000002")
        // Another vendor's code: the phone decides. An alternate number dialled: the lead's own number.
        let foreign = call(try read(row("NA", ["vendor_lead_code": "V-77", "phone_number_dialed": "13900000009"])))
        #expect(foreign?.leadID == nil && foreign?.phone == "13900000002")
        #expect(rejection(try read(row("NA", ["vendor_lead_code": "", "phone_number": "12345", "phone_number_dialed": ""])))?.field == "phone_number")
    }

    @Test func aHeaderWithoutTheReportsColumnsIsRefused() throws {
        #expect(throws: CallOpsError.self) {
            try VicidialCallExport.Columns(header: CSVHeader(["call_id", "agent_code", "phone"]), file: "calls.csv", line: 1)
        }
        let standardWithoutIDs = VicidialExport.standard.filter { $0 != "lead_id" } + VicidialExport.tail
        #expect(throws: CallOpsError.badInput(file: "x.txt", line: 1, field: "uniqueid|lead_id", message: """
            missing column; a VICIdial Export Calls Report is tab-delimited with the header call_date, \
            phone_number_dialed, status, user, ... (export it with Header Row YES)
            """)) {
            try VicidialCallExport.Columns(header: CSVHeader(standardWithoutIDs), file: "x.txt", line: 1)
        }
    }
}

@Suite struct VicidialImportTests {
    /// AgentDay's center with A1 logged in to the dialer as vici01.
    func day() throws -> AgentDay {
        let day = try AgentDay()
        _ = try day.db.transaction { db in
            try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 2, code: "A1", name: "甲", team: "一组", hireDate: "2025-01-01", tier: .core, status: .active, dialerUser: "vici01"),
            ], hasSeatColumn: false, hasDialerUserColumn: true), file: "t")
        }
        return day
    }

    func lead(_ day: AgentDay, phone: String) throws -> LeadProgress.Snapshot {
        try #require(try day.db.read { db in try LeadProgress.lead(db, phone: phone) })
    }

    func importFile(_ day: AgentDay, _ text: String, layout: CallFileLayout = .vicidial) throws -> CallImportSummary {
        let path = day.folder.appendingPathComponent("export-\(UUID().uuidString).txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try day.db.transaction { db in try CallImport(settings: day.settings, clock: day.clock).run(db, path: path, layout: layout) }
    }

    @Test func anExportIsRecordedOnTheRightLeadsAndAgentsOnce() throws {
        let day = try day()
        try day.at("2026-11-20T20:30")
        let two = try lead(day, phone: "13900000002"), three = try lead(day, phone: "13900000003"), four = try lead(day, phone: "13900000004")
        let text = VicidialExport.text(extended: true, [
            // By vendor_lead_code (a callops list), answered by vici01.
            ["call_date": "2026-11-20 10:15:00", "phone_number_dialed": two.phone, "phone_number": two.phone, "status": "NP",
             "user": "vici01", "length_in_sec": "130", "vendor_lead_code": String(two.id), "lead_id": "9002", "uniqueid": "1763604900.1"],
            // Another vendor's code: by phone; placed by the dialer for its owner, no agent took it.
            ["call_date": "2026-11-20 10:20:00", "phone_number_dialed": three.phone, "phone_number": three.phone, "status": "NA",
             "user": "VDAD", "owner": "A2", "length_in_sec": "0", "vendor_lead_code": "V-3", "lead_id": "9003"],
            // A numeric code of a different lead than the phone's: the phone wins.
            ["call_date": "2026-11-20 10:25:00", "phone_number_dialed": four.phone, "phone_number": four.phone, "status": "NI",
             "user": "vici01", "length_in_sec": "40", "vendor_lead_code": String(two.id), "lead_id": "9004", "uniqueid": "1763604900.3"],
            // Rejected: a status no one mapped, and a user who is no agent.
            ["call_date": "2026-11-20 10:30:00", "phone_number": two.phone, "status": "WEIRD", "user": "vici01", "length_in_sec": "3",
             "lead_id": "9002", "uniqueid": "1763604900.4"],
            ["call_date": "2026-11-20 10:31:00", "phone_number": two.phone, "status": "NA", "user": "nobody", "length_in_sec": "0",
             "lead_id": "9002", "uniqueid": "1763604900.5"],
        ])
        let summary = try importFile(day, text)
        #expect(summary.rows == 5 && summary.imported == 3)
        #expect(summary.rejected.map(\.line) == [5, 6])
        #expect(summary.rejected.map(\.field) == ["status", "user"])
        #expect(summary.rejected[0].reason.contains("\"WEIRD\""))
        let calls = try day.db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT call.call_id, call.lead_id, agent.code AS agent, call.talk_seconds, call.disposition
                FROM call JOIN agent ON agent.id = call.agent_id ORDER BY call.started_at
                """)
        }
        #expect(calls.map { $0["call_id"] as String } == ["1763604900.1", "vicidial:9003:2026-11-20 10:20:00", "1763604900.3"])
        #expect(calls.map { $0["lead_id"] as Int64 } == [two.id, three.id, four.id])
        #expect(calls.map { $0["agent"] as String } == ["A1", "A2", "A1"])
        #expect(calls.map { $0["disposition"] as String } == ["connected", "no_answer", "refused"])
        #expect(try lead(day, phone: four.phone).status == "lost")
        // Idempotent by call id.
        let again = try importFile(day, text)
        #expect(again.imported == 0 && again.alreadyImported == 3)
    }

    /// A sale is a policy (issue 17 item 1): the export names no product or premium, so a SALE row
    /// is rejected pointing to `sales record`, and the lead stays open with nothing half made.
    @Test func aSaleRowIsRejectedPointingToSalesRecord() throws {
        let day = try day()
        try day.at("2026-11-20T20:30")
        let two = try lead(day, phone: "13900000002")
        let summary = try importFile(day, VicidialExport.text(extended: true, [
            ["call_date": "2026-11-20 10:15:00", "phone_number": two.phone, "status": "SALE", "user": "vici01",
             "length_in_sec": "300", "lead_id": "9002", "uniqueid": "1763604900.9"],
        ]))
        #expect(summary.imported == 0 && summary.sales == 0)
        #expect(summary.rejected.map(\.field) == ["status"])
        #expect(summary.rejected.first?.reason.contains("sales record") == true)
        #expect(try lead(day, phone: two.phone).status != "won")
    }

    @Test func aCallbackWithoutATimeIsDueAtTheNextInterval() throws {
        let day = try day()
        try day.at("2026-11-20T20:30")
        let two = try lead(day, phone: "13900000002")
        _ = try importFile(day, VicidialExport.text(extended: false, [
            ["call_date": "2026-11-20 10:15:00", "phone_number": two.phone, "status": "CALLBK", "user": "vici01",
             "length_in_sec": "150", "vendor_lead_code": String(two.id), "lead_id": "9002"],
        ]))
        let after = try lead(day, phone: two.phone)
        // The opening call: follow-up 1 is due intervals[0] = 1 day later, inside a calling window.
        #expect(after.status == "open" && after.nextDueAt == day.clock.timestamp(day.clock.parse("2026-11-21T10:15")!))
    }

    @Test func chineseCallHeadersReadLikeTheEnglishOnes() throws {
        let day = try day()
        try day.at("2026-11-20T20:30")
        let summary = try importFile(day, """
            通话ID,坐席工号,客户号码,开始时间,通话时长,呼叫结果
            c1,A1,13900000002,2026-11-20T10:15:00,75,connected
            c2,A1,13900000003,2026-11-20T10:20:00,0,busy
            """, layout: .plain)
        #expect(summary.rows == 2 && summary.imported == 2 && summary.rejected.isEmpty)
        #expect(try lead(day, phone: "13900000002").stage == "connected")
    }
}

@Suite struct VicidialListTests {
    @Test func theQueueIsWrittenAsTheTwentyFiveFieldListAndReadBack() throws {
        let day = try AgentDay()
        let queue = try day.queue()
        try #require(queue.count >= 2)
        let rows = VicidialList.rows(queue, owner: "vici01", rules: Settings.defaults.dialer.vicidial)
        let text = VicidialList.text(rows)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == queue.count)
        for (i, line) in lines.enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == 25)
            #expect(fields[0] == String(queue[i].leadID))
            #expect(fields[2] == "1001" && fields[3] == "86" && fields[16] == "CN" && fields[1] == "callops")
            #expect(fields[4] == queue[i].phone && fields[4].count == 11)
            #expect(fields[6] == (queue[i].name ?? ""))
            #expect(fields[23] == String(i + 1) && fields[24] == "vici01")
        }
        // callops reads its own list back.
        let path = day.folder.appendingPathComponent("vicidial_list.txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let fresh = try AppDatabase.inMemory(schema: FollowUpSchema.migrations)
        var options = ImportOptions(source: "vici")
        options.layout = .vicidial
        let summary = try LeadImporter(settings: day.settings, clock: day.clock).run(path: path, options: options, db: fresh)
        #expect(summary.rows == queue.count && summary.accepted == queue.count)
        for entry in queue {
            let back = try fresh.read { db in try LeadProgress.lead(db, phone: entry.phone) }
            #expect(back?.name == entry.name)
        }
    }

    @Test func fieldsCannotBreakTheListOrHideAFormula() {
        #expect(VicidialList.clean("张\t伟\r\n\"x\"") == "张 伟 x")
        #expect(VicidialList.clean("=HYPERLINK(1)") == "'=HYPERLINK(1)")
    }
}

/// VICIdial's own sample list with rank and owner (../shared/data/vicidial), when present.
let vicidialRankOwnerSample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/vicidial/testMULTI_VICIDIAL_lead_fileRANK-OWNER.txt")

@Suite struct VicidialSampleTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: vicidialRankOwnerSample.path), "../shared/data/vicidial is absent"))
    func theListsFieldsSitWhereVicidialsOwnSampleHasThem() throws {
        let text = try String(contentsOf: vicidialRankOwnerSample, encoding: .utf8)
        let first = try #require(text.split(whereSeparator: \.isNewline).first)
        let fields = first.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        #expect(fields.count == VicidialLeadFields.names.count)
        func field(_ name: String) -> String { fields[VicidialLeadFields.names.firstIndex(of: name)!] }
        #expect(field("vendor_lead_code") == "100001" && field("list_id") == "129" && field("phone_number") == "7275551213")
        #expect(field("first_name") == "John" && field("postal_code") == "33709" && field("country_code") == "USA")
        #expect(field("rank") == "1" && field("owner") == "6666")
    }
}
