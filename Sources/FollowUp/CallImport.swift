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
    /// Rows recorded with a caveat (a callback past the agent's cap, kept as a follow-up).
    public var warnings: [Reject] = []

    public struct Reject: Encodable, Equatable, Sendable {
        public var line: Int
        public var field: String
        public var reason: String
    }

    enum CodingKeys: String, CodingKey {
        case rows, imported, sales, rejected, warnings
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
    /// - Parameters:
    ///   - layout: `vicidial` for VICIdial's Export Calls Report, read by `VicidialCallExport`.
    ///   - sheet: the sheet of an xlsx workbook (default its first).
    ///   - progress: shown on a terminal: reading the file, then recording its calls.
    public func run(_ db: Database, path: String, layout: CallFileLayout = .plain, sheet: String? = nil, progress: ProgressBar? = nil) throws -> CallImportSummary {
        if layout == .vicidial {
            let export = try VicidialCallExport(settings: settings, clock: clock).read(db, path: path)
            return try record(db, export.calls, summary: export.summary, progress: progress)
        }
        let file = (path as NSString).lastPathComponent
        let fileBytes = max(1, (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 1)
        var reader = try TabularReader(path: path, sheet: sheet)
        guard let headerRecord = try reader.next() else {
            throw CallOpsError.badFile(file: file, message: "is empty; a call file needs the header call_id,agent_code,phone|lead_id,started_at,talk_seconds,disposition")
        }
        let header = CSVHeader(CallFileHeader.english(headerRecord.fields))
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
            if summary.rows % 1_024 == 0 { progress?.update(30 * reader.bytesRead / fileBytes) }
            func value(_ name: String) -> String? {
                guard let i = header.column(name), i < record.count else { return nil }
                let text = record[i].trimmingCharacters(in: .whitespaces)
                return text.isEmpty ? nil : text
            }
            func reject(_ field: String, _ reason: String) { summary.rejected.append(.init(line: record.line, field: field, reason: reason)) }
            guard let callID = value("call_id") else { reject("call_id", "is empty"); continue }
            guard let agent = value("agent_code") else { reject("agent_code", "is empty"); continue }
            guard let startedText = value("started_at"), let started = clock.parse(startedText) else {
                reject("started_at", "\"\(Quoted.value(value("started_at") ?? ""))\" is not a local time such as 2026-11-23T10:15:00"); continue
            }
            guard let talk = value("talk_seconds").flatMap(InputRange.talkSeconds) else {
                reject("talk_seconds", "\"\(Quoted.value(value("talk_seconds") ?? ""))\" is not a whole number of seconds from 0 to 86400"); continue
            }
            guard let dispositionText = value("disposition"), let disposition = Disposition(rawValue: dispositionText.lowercased()) else {
                reject("disposition", "\"\(Quoted.value(value("disposition") ?? ""))\" is not one of \(Disposition.allCases.map(\.rawValue).joined(separator: ", "))"); continue
            }
            var input = CallInput(callID: callID, agentCode: agent, startedAt: started, talkSeconds: talk, disposition: disposition, note: value("note"))
            if let id = value("lead_id") {
                guard let leadID = Int64(id) else { reject("lead_id", "\"\(Quoted.value(id))\" is not a lead id"); continue }
                input.leadID = leadID
            } else if let raw = value("phone") {
                guard case let .valid(phone) = PhoneNumber.normalize(raw, validator: validator) else { reject("phone", "\"\(Quoted.value(raw))\" is not a mainland mobile"); continue }
                input.phone = phone
            } else {
                reject("phone|lead_id", "is empty"); continue
            }
            if let text = value("callback_at") {
                guard let at = clock.parse(text) else { reject("callback_at", "\"\(Quoted.value(text))\" is not a local time"); continue }
                input.callbackAt = at
            }
            if disposition == .sale {
                switch CallRowSale.parse(product: value("product"), premium: value("premium"), insured: value("insured"),
                                         catalog: settings.products.map(\.code)) {
                case let .success(sale): input.sale = sale
                case let .failure(problem): reject(problem.field, problem.reason); continue
                }
            }
            calls.append((record.line, input))
        }
        return try record(db, calls, summary: summary, progress: progress)
    }

    /// Records validated calls in time order, each in a savepoint: a refused one leaves no trace.
    func record(_ db: Database, _ calls: [(line: Int, call: CallInput)], summary: CallImportSummary, progress: ProgressBar? = nil) throws -> CallImportSummary {
        var calls = calls, summary = summary
        calls.sort { ($0.call.startedAt, $0.line) < ($1.call.startedAt, $1.line) }
        let recorder = try CallRecorder(settings: settings, clock: clock)
        for (n, (line, call)) in calls.enumerated() {
            if n % 256 == 0 { progress?.update(30 + 70 * n / calls.count) }
            do {
                // Each call in a savepoint: a refused row (unknown agent or lead) leaves no trace.
                var notes: [String] = []
                try db.inSavepoint {
                    switch try recorder.record(db, call, notes: &notes) {
                    case .duplicate: summary.alreadyImported += 1
                    case let .recorded(othersLead, _):
                        summary.imported += 1
                        if othersLead { summary.onOthersLeads += 1 }
                        if call.disposition == .sale && call.sale != nil { summary.sales += 1 }
                    }
                    return .commit
                }
                summary.warnings += notes.map { .init(line: line, field: "callback_at", reason: $0) }
            } catch let error as CallOpsError {
                summary.rejected.append(.init(line: line, field: "row", reason: error.description))
            }
        }
        summary.rejected.sort { $0.line < $1.line }
        return summary
    }
}
