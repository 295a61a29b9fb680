import CallOpsCore
import CallOpsStore
import Foundation
import LeadData

/// What a call-file import did.
public struct CallImportSummary: Encodable, Equatable, Sendable {
    public var rows = 0
    public var imported = 0
    /// Calls whose call_id was imported before (the import is idempotent).
    public var alreadyImported = 0
    /// Calls on a lead held by another agent: recorded, and counted here.
    public var onOthersLeads = 0
    public var sales = 0
    /// Rows that could not be recorded, with line and reason.
    public var rejected: [Reject] = []

    public struct Reject: Encodable, Equatable, Sendable {
        public var line: Int
        public var field: String
        public var reason: String
    }

    enum CodingKeys: String, CodingKey {
        case rows, imported, sales, rejected
        case alreadyImported = "already_imported"
        case onOthersLeads = "on_others_leads"
    }
}

/// `callops calls import`: the dialer's call records (SPEC section 6).
public struct CallImport {
    let settings: Settings
    let clock: Clock

    public init(settings: Settings, clock: Clock) {
        self.settings = settings
        self.clock = clock
    }

    /// Reads the file, then records its calls in time order (the cadence needs them in order)
    /// in the caller's transaction. A bad row is reported and skipped; a bad file stops it all.
    public func run(_ db: Database, path: String, sheet: String? = nil) throws -> CallImportSummary {
        let file = (path as NSString).lastPathComponent
        var reader = try TabularReader(path: path, sheet: sheet)
        guard let headerRecord = try reader.next() else {
            throw CallOpsError.badFile(file: file, message: "is empty; a call file needs the header call_id,agent_code,phone|lead_id,started_at,talk_seconds,disposition")
        }
        let header = CSVHeader(headerRecord.fields)
        for name in ["call_id", "agent_code", "started_at", "talk_seconds", "disposition"] where header.column(name) == nil {
            throw CallOpsError.badInput(file: file, line: headerRecord.line, field: name, message: "missing column")
        }
        guard header.column("phone", "lead_id") != nil else {
            throw CallOpsError.badInput(file: file, line: headerRecord.line, field: "phone|lead_id", message: "missing column; name the lead by phone or lead_id")
        }
        var summary = CallImportSummary()
        var calls: [(line: Int, call: CallInput)] = []
        let validator = try MobileValidator(pattern: settings.leads.mobilePattern)
        while let record = try reader.next() {
            summary.rows += 1
            func value(_ name: String) -> String? {
                guard let i = header.column(name), i < record.count else { return nil }
                let text = record[i].trimmingCharacters(in: .whitespaces)
                return text.isEmpty ? nil : text
            }
            func reject(_ field: String, _ reason: String) { summary.rejected.append(.init(line: record.line, field: field, reason: reason)) }
            guard let callID = value("call_id") else { reject("call_id", "is empty"); continue }
            guard let agent = value("agent_code") else { reject("agent_code", "is empty"); continue }
            guard let startedText = value("started_at"), let started = clock.parse(startedText) else {
                reject("started_at", "\"\(value("started_at") ?? "")\" is not a local time such as 2026-11-23T10:15:00"); continue
            }
            guard let talk = value("talk_seconds").flatMap(Int.init), talk >= 0 else {
                reject("talk_seconds", "\"\(value("talk_seconds") ?? "")\" is not a whole number of seconds"); continue
            }
            guard let dispositionText = value("disposition"), let disposition = Disposition(rawValue: dispositionText.lowercased()) else {
                reject("disposition", "\"\(value("disposition") ?? "")\" is not one of \(Disposition.allCases.map(\.rawValue).joined(separator: ", "))"); continue
            }
            var input = CallInput(callID: callID, agentCode: agent, startedAt: started, talkSeconds: talk, disposition: disposition, note: value("note"))
            if let id = value("lead_id") {
                guard let leadID = Int64(id) else { reject("lead_id", "\"\(id)\" is not a lead id"); continue }
                input.leadID = leadID
            } else if let raw = value("phone") {
                guard case let .valid(phone) = PhoneNumber.normalize(raw, validator: validator) else { reject("phone", "\"\(raw)\" is not a mainland mobile"); continue }
                input.phone = phone
            } else {
                reject("phone|lead_id", "is empty"); continue
            }
            if let text = value("callback_at") {
                guard let at = clock.parse(text) else { reject("callback_at", "\"\(text)\" is not a local time"); continue }
                input.callbackAt = at
            }
            if disposition == .sale, let product = value("product") {
                guard let premium = value("premium").flatMap(Money.init(parsingYuan:)), premium.fen > 0 else {
                    reject("premium", "a sale needs its premium in yuan"); continue
                }
                guard let insured = Insured(rawValue: value("insured") ?? "self") else {
                    reject("insured", "\"\(value("insured") ?? "")\" is not self, spouse, child or parent"); continue
                }
                input.sale = SaleInput(product: product, premium: premium, insured: insured)
            }
            calls.append((record.line, input))
        }
        calls.sort { ($0.call.startedAt, $0.line) < ($1.call.startedAt, $1.line) }
        let recorder = try CallRecorder(settings: settings, clock: clock)
        for (line, call) in calls {
            do {
                // Each call in a savepoint: a refused row (unknown agent or lead) leaves no trace.
                try db.inSavepoint {
                    switch try recorder.record(db, call) {
                    case .duplicate: summary.alreadyImported += 1
                    case let .recorded(othersLead, _):
                        summary.imported += 1
                        if othersLead { summary.onOthersLeads += 1 }
                        if call.disposition == .sale && call.sale != nil { summary.sales += 1 }
                    }
                    return .commit
                }
            } catch let error as CallOpsError {
                summary.rejected.append(.init(line: line, field: "row", reason: error.description))
            }
        }
        summary.rejected.sort { $0.line < $1.line }
        return summary
    }
}
