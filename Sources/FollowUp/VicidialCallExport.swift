import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster

/// How a call file is laid out: callops's own header (English or Chinese names), or VICIdial's
/// Export Calls Report.
public enum CallFileLayout: String, CaseIterable, Sendable {
    case plain, vicidial
}

/// VICIdial's "Export Calls Report" (call_report_export.php with the header row; standard or
/// EXTENDED fields), read as the call rows `calls import` records (SPEC section 6, Dialers).
///
/// The file is tab-delimited: `call_date, phone_number_dialed, status, user, full_name,
/// campaign_id, vendor_lead_code, source_id, list_id, ..., phone_number, ..., length_in_sec,
/// user_group, alt_dial, rank, owner, lead_id, ...`, EXTENDED adding `uniqueid` among others.
public struct VicidialCallExport {
    /// The column of a call's time in the export, as a rejected row names it.
    static let timeField = "call_date"

    let rules: Settings.VicidialRules
    let clock: Clock
    let validator: MobileValidator
    /// Upper-cased status → disposition, from the config's table.
    let dispositions: [String: Disposition]
    let systemUsers: Set<String>

    public init(settings: Settings, clock: Clock) throws {
        self.rules = settings.dialer.vicidial
        self.clock = clock
        self.validator = try MobileValidator(pattern: settings.leads.mobilePattern)
        var dispositions: [String: Disposition] = [:]
        for (name, statuses) in rules.statuses.table {
            guard let disposition = Disposition(rawValue: name) else { continue }
            for status in statuses { dispositions[status.uppercased()] = disposition }
        }
        self.dispositions = dispositions
        self.systemUsers = Set(rules.systemUsers.map { $0.uppercased() })
    }

    /// Where the fields callops reads sit in the export's header.
    struct Columns {
        var callDate: Int
        var status: Int
        var user: Int
        var lengthInSec: Int
        var phoneNumberDialed: Int?
        var phoneNumber: Int?
        var vendorLeadCode: Int?
        var owner: Int?
        var leadID: Int?
        var uniqueID: Int?
        var callNotes: Int?

        /// The columns of a header row; refuses a header that lacks one callops needs.
        init(header: CSVHeader, file: String, line: Int) throws {
            func missing(_ name: String) -> CallOpsError {
                .badInput(file: file, line: line, field: name, message: """
                    missing column; a VICIdial Export Calls Report is tab-delimited with the header call_date, \
                    phone_number_dialed, status, user, ... (export it with Header Row YES)
                    """)
            }
            func required(_ name: String) throws -> Int {
                guard let i = header.column(name) else { throw missing(name) }
                return i
            }
            callDate = try required("call_date")
            status = try required("status")
            user = try required("user")
            lengthInSec = try required("length_in_sec")
            phoneNumberDialed = header.column("phone_number_dialed")
            phoneNumber = header.column("phone_number")
            vendorLeadCode = header.column("vendor_lead_code")
            owner = header.column("owner")
            leadID = header.column("lead_id")
            uniqueID = header.column("uniqueid")
            callNotes = header.column("call_notes")
            if phoneNumber == nil && phoneNumberDialed == nil && vendorLeadCode == nil { throw missing("phone_number_dialed") }
            if uniqueID == nil && leadID == nil { throw missing("uniqueid|lead_id") }
        }
    }

    /// What one record of the export gives.
    enum Reading {
        case call(CallInput)
        case rejected(CallImportSummary.Reject)
    }

    /// The call one record describes, or why it cannot be recorded.
    /// - Parameters:
    ///   - agents: agent codes by dialer login (`Roster.agentCodesByDialerUser`).
    func call(_ record: CSVRecord, columns: Columns, agents: [String: String]) -> Reading {
        func value(_ index: Int?) -> String? {
            guard let index, index < record.count else { return nil }
            let text = record[index].trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : text
        }
        func reject(_ field: String, _ reason: String) -> Reading {
            .rejected(.init(line: record.line, field: field, reason: reason))
        }
        guard let callDate = value(columns.callDate), let started = clock.parse(callDate) else {
            return reject("call_date", "\"\(value(columns.callDate) ?? "")\" is not a time such as 2026-11-23 10:15:00")
        }
        guard let statusText = value(columns.status) else { return reject("status", "is empty") }
        guard let disposition = dispositions[statusText.uppercased()] else {
            return reject("status", "\"\(statusText)\" is not in the config's [dialer.vicidial.statuses]; list it under the disposition it means")
        }
        guard let user = value(columns.user) else { return reject("user", "is empty") }
        let agent: String
        if systemUsers.contains(user.uppercased()) {
            // The dialer placed the call and no agent took it: it is the owner's.
            guard let owner = value(columns.owner) else {
                return reject("user", "\(user) is the dialer itself and the row names no owner; the call belongs to no agent")
            }
            guard let code = agents[owner] else {
                return reject("owner", "\"\(owner)\" is no agent's dialer_user; set it in the roster's dialer_user column")
            }
            agent = code
        } else {
            guard let code = agents[user] else {
                return reject("user", "\"\(user)\" is no agent's dialer_user; set it in the roster's dialer_user column")
            }
            agent = code
        }
        guard let talk = value(columns.lengthInSec).flatMap(InputRange.talkSeconds) else {
            return reject("length_in_sec", "\"\(Quoted.value(value(columns.lengthInSec) ?? ""))\" is not a whole number of seconds from 0 to 86400")
        }
        let callID: String
        if let uniqueID = value(columns.uniqueID) {
            callID = uniqueID
        } else if let leadID = value(columns.leadID) {
            callID = "vicidial:\(leadID):\(callDate)"
        } else {
            return reject("uniqueid", "is empty, and so is lead_id; a call needs one of them for its id")
        }
        var input = CallInput(callID: callID, agentCode: agent, startedAt: started, talkSeconds: talk, disposition: disposition,
                              note: value(columns.callNotes))
        // The lead's own number (phone_number) names it; the dialled one may be an alternate.
        for raw in [value(columns.phoneNumber), value(columns.phoneNumberDialed)].compactMap({ $0 }) {
            if case let .valid(phone) = PhoneNumber.normalize(raw, validator: validator) {
                input.phone = phone
                break
            }
        }
        if let code = value(columns.vendorLeadCode), code.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let id = Int64(code) {
            input.leadID = id
        }
        if input.phone == nil && input.leadID == nil {
            let raw = value(columns.phoneNumber) ?? value(columns.phoneNumberDialed) ?? ""
            return reject("phone_number", "\"\(raw)\" is not a mainland mobile, and vendor_lead_code names no callops lead")
        }
        return .call(input)
    }

    /// Reads the export: its calls in file order and a summary holding its rows and rejects.
    /// A file that is not an Export Calls Report stops it all.
    public func read(_ db: Database, path: String) throws -> (calls: [(line: Int, call: CallInput)], summary: CallImportSummary) {
        let file = (path as NSString).lastPathComponent
        var reader = try CSVReader(path: path, delimiter: UInt8(ascii: "\t"), encoding: try TextEncoding.detect(path: path))
        guard let headerRecord = try reader.next() else {
            throw CallOpsError.badFile(file: file, message: "is empty; export VICIdial's Export Calls Report with Header Row YES")
        }
        let columns = try Columns(header: CSVHeader(headerRecord.fields), file: file, line: headerRecord.line)
        let agents = try Roster.agentCodesByDialerUser(db)
        var summary = CallImportSummary()
        var calls: [(line: Int, call: CallInput)] = []
        while let record = try reader.next() {
            summary.rows += 1
            switch call(record, columns: columns, agents: agents) {
            case let .call(input) where input.disposition == .sale:
                // A sale is a policy (issue 17), and the export has no product or premium to make one.
                summary.rejected.append(.init(line: record.line, field: "status", reason: "is a sale, and the export names no product or premium; record it with callops sales record --lead L --agent A --product P --premium X"))
            case var .call(input):
                input.leadID = try confirmedLead(db, input)
                calls.append((record.line, input))
            case let .rejected(reject):
                summary.rejected.append(reject)
            }
        }
        return (calls, summary)
    }

    /// The vendor_lead_code as a lead id when it names a callops lead with the row's phone;
    /// nil (the phone decides) when it is another vendor's code.
    func confirmedLead(_ db: Database, _ input: CallInput) throws -> Int64? {
        guard let id = input.leadID else { return nil }
        guard let phone = input.phone else { return id }
        return try LeadProgress.lead(db, id: id)?.phone == phone ? id : nil
    }
}
