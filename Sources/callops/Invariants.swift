import CallOpsStore
import GRDB
import BackOffice
import FollowUp
import LeadData
import Roster

/// Every module's invariants, for `callops check`.
enum Invariants {
    static let all: [Invariant] = FollowUpSchema.invariants + PayRun.invariants
        + RosterSchema.storedValueChecks + LeadDataSchema.storedValueChecks + FollowUpSchema.storedValueChecks
        + BackOfficeSchema.storedValueChecks

    static var names: [String] { all.map(\.name) }

    static func violations(_ db: Database) throws -> [String] {
        try all.flatMap { try $0.violations(db) }
    }
}
