import CallOpsCore
import Foundation
import LeadData

/// One validated call of a dialer's file and the line it came from: what every call-file reader
/// yields (the callops layout below; a dialer's own export reader yields the same) and what the
/// import records.
public struct CallRow: Sendable {
    public var line: Int
    public var call: CallInput

    public init(line: Int, call: CallInput) {
        self.line = line
        self.call = call
    }
}

/// A record of a call file: a call to record, or a row that cannot be, with why.
public enum CallFileRecord: Sendable {
    case call(CallRow)
    case rejected(CallImportSummary.Reject)
}

/// Reads the callops layout of a call file (`call_id,agent_code,phone|lead_id,started_at,
/// talk_seconds,disposition` and optional `callback_at,product,premium,insured,note`, SPEC
/// section 6) row by row, validating each; a bad file (no header, a missing column) stops it.
public struct CallFileReader {
    private var reader: TabularReader
    /// Each column's index, looked up once (a lookup normalises the name: per field and row it
    /// cost a seventh of a million-row import).
    private let columns: [String: Int]
    /// The header's names as the file writes them, for messages.
    private let names: [String]
    private let clock: Clock
    private let validator: MobileValidator
    /// The product codes of the catalog, which a `sale` row must name (`CallRowSale`).
    private let catalog: [String]

    /// Input bytes read so far, for progress.
    public var bytesRead: Int { reader.bytesRead }

    /// Opens `path` (CSV, or an xlsx workbook at `sheet`, default its first) and checks its
    /// header (English or Chinese names, `CallFileHeader`).
    public init(path: String, sheet: String? = nil, settings: Settings, clock: Clock) throws {
        let file = (path as NSString).lastPathComponent
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
        self.reader = reader
        var columns: [String: Int] = [:]
        for name in ["call_id", "agent_code", "phone", "lead_id", "started_at", "talk_seconds", "disposition", "callback_at", "product",
                     "premium", "insured", "note"] {
            columns[name] = header.column(name)
        }
        self.columns = columns
        self.names = headerRecord.fields
        self.clock = clock
        self.validator = try MobileValidator(pattern: settings.leads.mobilePattern)
        self.catalog = settings.products.map(\.code)
    }

    /// Field `i` without surrounding white space (Unicode's, as `trimmingCharacters`), nil when
    /// empty; fields that start and end with a visible ASCII character, nearly all of them, are
    /// taken as they are without going through Foundation.
    static func trimmed(_ record: CSVRecord, _ i: Int) -> String? {
        let plain = record.withBytes(i) { bytes -> Bool? in
            guard let first = bytes.first, let last = bytes.last else { return nil }
            return first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80
        }
        switch plain {
        case nil: return nil
        case true?: return record[i]
        case false?:
            let text = record[i].trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : text
        }
    }

    /// The next record; nil at the end of the file.
    public mutating func next() throws -> CallFileRecord? {
        guard let record = try reader.next() else { return nil }
        func value(_ name: String) -> String? {
            guard let i = columns[name], i < record.count else { return nil }
            return Self.trimmed(record, i)
        }
        func reject(_ field: String, _ reason: String) -> CallFileRecord { .rejected(.init(line: record.line, field: field, reason: reason)) }
        // A 10 MB note is not stored (SPEC section 12: every field has a sane size).
        if let (index, characters) = record.overlongField() {
            return reject(index < names.count ? names[index] : "column \(index + 1)",
                          "has \(characters) characters; at most \(InputRange.maximumFieldCharacters)")
        }
        guard let callID = value("call_id") else { return reject("call_id", "is empty") }
        guard let agent = value("agent_code") else { return reject("agent_code", "is empty") }
        guard let startedText = value("started_at"), let started = clock.parse(startedText) else {
            return reject("started_at", "\"\(Quoted.value(value("started_at") ?? ""))\" is not a local time such as 2026-11-23T10:15:00")
        }
        guard InputRange.containsTime(startedText) else {
            return reject("started_at", "\"\(Quoted.value(startedText))\" is not a time \(InputRange.dayRangeText)")
        }
        guard let talk = value("talk_seconds").flatMap(InputRange.talkSeconds) else {
            return reject("talk_seconds", "\"\(Quoted.value(value("talk_seconds") ?? ""))\" is not a whole number of seconds from 0 to 86400")
        }
        guard let dispositionText = value("disposition"), let disposition = Disposition(rawValue: dispositionText.lowercased()) else {
            return reject("disposition", "\"\(Quoted.value(value("disposition") ?? ""))\" is not one of \(Disposition.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var input = CallInput(callID: callID, agentCode: agent, startedAt: started, talkSeconds: talk, disposition: disposition, note: value("note"))
        if let id = value("lead_id") {
            guard let leadID = Int64(id) else { return reject("lead_id", "\"\(Quoted.value(id))\" is not a lead id") }
            input.leadID = leadID
        } else if let raw = value("phone") {
            guard case let .valid(phone) = PhoneNumber.normalize(raw, validator: validator) else { return reject("phone", "\"\(Quoted.value(raw))\" is not a mainland mobile") }
            input.phone = phone
        } else {
            return reject("phone|lead_id", "is empty")
        }
        if let text = value("callback_at") {
            guard let at = clock.parse(text) else { return reject("callback_at", "\"\(Quoted.value(text))\" is not a local time") }
            guard InputRange.containsTime(text) else { return reject("callback_at", "\"\(Quoted.value(text))\" is not a time \(InputRange.dayRangeText)") }
            input.callbackAt = at
        }
        if disposition == .sale {
            switch CallRowSale.parse(product: value("product"), premium: value("premium"), insured: value("insured"), catalog: catalog) {
            case let .success(sale): input.sale = sale
            case let .failure(problem): return reject(problem.field, problem.reason)
            }
        }
        return .call(CallRow(line: record.line, call: input))
    }
}
