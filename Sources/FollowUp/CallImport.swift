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

    /// Reads the file and records its calls as if one at a time in time order (the cadence needs
    /// them in order), in the caller's transaction, in bulk (`BulkCallImport`). A bad row is
    /// reported and skipped; a bad file stops it all. `committed`, the database whose
    /// transaction `db` is, lets the reading thread probe the indexes on a connection of its own.
    public func run(_ db: Database, path: String, committed: AppDatabase? = nil) throws -> CallImportSummary {
        var summary = CallImportSummary()
        try BulkCallImport(settings: settings, clock: clock).run(db, path: path, committed: committed, summary: &summary)
        return summary
    }

    /// The same import one call at a time, each through `CallRecorder.record` in a savepoint:
    /// the definition the bulk import is tested against.
    func runOneByOne(_ db: Database, path: String) throws -> CallImportSummary {
        var summary = CallImportSummary()
        var calls: [(line: Int, call: CallInput)] = []
        var reader = try CallFileReader(path: path, settings: settings, clock: clock)
        while let record = try reader.next() {
            summary.rows += 1
            switch record {
            case let .call(row): calls.append((row.line, row.call))
            case let .rejected(reject): summary.rejected.append(reject)
            }
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
