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
    /// Customers of sales by agents who have left since, handed over once the calls were in.
    public var customersHandedOver: [CustomerHandover] = []
    /// Customers of such sales no one could take, each with the command that hands them over.
    public var customersUnserved: [String] = []

    public struct Reject: TabularRow, Equatable, Sendable {
        /// The columns of an import with nothing rejected (its CSV keeps its header).
        public static var blank: Reject { Reject(line: 0, field: "", reason: "") }

        public var line: Int
        public var field: String
        public var reason: String
    }

    enum CodingKeys: String, CodingKey {
        case rows, imported, sales, rejected, warnings
        case alreadyImported = "already_imported"
        case onOthersLeads = "on_others_leads"
        case customersHandedOver = "customers_handed_over"
        case customersUnserved = "customers_unserved"
    }
}

extension CallImportSummary {
    mutating func note(_ leavers: Departure.LeaversSales) {
        customersHandedOver = leavers.handedOver
        customersUnserved = leavers.unserved
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

    /// Reads the file and records its calls as if one at a time in time order (the cadence needs
    /// them in order), in the caller's transaction, in bulk (`BulkCallImport`). A bad row is
    /// reported and skipped; a bad file stops it all.
    /// - Parameters:
    ///   - layout: `vicidial` for VICIdial's Export Calls Report, read by `VicidialCallExport`.
    ///   - sheet: the sheet of an xlsx workbook (default its first).
    ///   - progress: shown on a terminal: reading the file, then recording its calls.
    ///   - committed: the database whose transaction `db` is; lets the reading thread probe the
    ///     indexes on a connection of its own.
    public func run(_ db: Database, path: String, layout: CallFileLayout = .plain, sheet: String? = nil, progress: ProgressBar? = nil,
                    committed: AppDatabase? = nil) throws -> CallImportSummary {
        var summary = CallImportSummary()
        let policiesBefore = try Sales.lastPolicyID(db)
        let bulk = try BulkCallImport(settings: settings, clock: clock)
        if layout == .vicidial {
            let export = try VicidialCallExport(settings: settings, clock: clock).read(db, path: path)
            summary = export.summary
            try bulk.run(db, source: .rows(export.calls.map { CallRow(line: $0.line, call: $0.call) }), committed: committed,
                         progress: progress, timeField: VicidialCallExport.timeField, summary: &summary)
            summary.rows = export.summary.rows  // counted by the export's reader, rejects included
        } else {
            try bulk.run(db, source: .file(path: path, sheet: sheet), committed: committed, progress: progress, summary: &summary)
        }
        summary.note(try Departure(settings: settings, clock: clock).handOverLeaversSales(db, after: policiesBefore))
        return summary
    }

    /// `run` as a command of its own: one transaction on `database`, in which the reading thread
    /// probes on a connection of its own. Foreign keys are not checked in it: the import writes
    /// only leads and agents it has found in this transaction (calls, policies, ledger lines),
    /// deletes nothing, and the write lock keeps any other run from deleting one meanwhile; the
    /// per-call parent lookups re-proved that for every call (measured on 200,000 calls,
    /// 2026-11-29, load 8–13, alternating: 10.0–10.4 s of CPU without them against 9.9–13.2 s
    /// with them, both with 64-call inserts; 9.9–11.8 s against 10.7–14.7 s with one-call inserts).
    public func run(in database: AppDatabase, path: String, layout: CallFileLayout = .plain, sheet: String? = nil,
                    progress: ProgressBar? = nil) throws -> CallImportSummary {
        try database.transaction(checkingForeignKeys: false) { db in
            try run(db, path: path, layout: layout, sheet: sheet, progress: progress, committed: database)
        }
    }

    /// The same import one call at a time, each through `CallRecorder.record` in a savepoint:
    /// the definition the bulk import is tested against.
    func runOneByOne(_ db: Database, path: String, layout: CallFileLayout = .plain, sheet: String? = nil) throws -> CallImportSummary {
        if layout == .vicidial {
            let export = try VicidialCallExport(settings: settings, clock: clock).read(db, path: path)
            return try record(db, export.calls, summary: export.summary, timeField: VicidialCallExport.timeField)
        }
        var summary = CallImportSummary()
        var calls: [(line: Int, call: CallInput)] = []
        var reader = try CallFileReader(path: path, sheet: sheet, settings: settings, clock: clock)
        while let record = try reader.next() {
            summary.rows += 1
            switch record {
            case let .call(row): calls.append((row.line, row.call))
            case let .rejected(reject): summary.rejected.append(reject)
            }
        }
        return try record(db, calls, summary: summary)
    }

    /// Records validated calls in time order, each in a savepoint: a refused one leaves no trace.
    /// - Parameter timeField: the column of a call's time, as a rejected row names it.
    func record(_ db: Database, _ calls: [(line: Int, call: CallInput)], summary: CallImportSummary, progress: ProgressBar? = nil,
                timeField: String = "started_at") throws -> CallImportSummary {
        var calls = calls, summary = summary
        let policiesBefore = try Sales.lastPolicyID(db)
        calls.sort { ($0.call.startedAt, $0.line) < ($1.call.startedAt, $1.line) }
        let recorder = try CallRecorder(settings: settings, clock: clock)
        for (n, (line, call)) in calls.enumerated() {
            if n % 256 == 0 { progress?.update(30 + 70 * n / calls.count) }
            // A dialer's file holds calls already made (`calls log` records at now; the recorder
            // itself takes any time, as the demo's floor and the tests give it).
            if let refusal = CallRecorder.futureRefusal(call, clock: clock) {
                summary.rejected.append(.init(line: line, field: timeField, reason: refusal))
                continue
            }
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
        summary.note(try Departure(settings: settings, clock: clock).handOverLeaversSales(db, after: policiesBefore))
        return summary
    }
}
