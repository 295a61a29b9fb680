import CallOpsCore
import CallOpsStore
import Foundation

/// The lead module's door for a whole call file at once: the bulk import reads each lead's
/// cadence once and writes what all of the file's calls did to it in one statement, instead of
/// a read and an update per call.
extension LeadProgress {
    /// A lead's cadence columns, as the follow-up module needs them to replay calls.
    public struct CadenceRow: Sendable {
        public var id: Int64
        public var agentID: Int64?
        public var status: String
        /// nil for NULL, which no callops writes (the import names it as a bad stored value).
        public var stage: String?
        public var followUps: Int
        public var unanswered: Int
        public var lastContactAt: String?
        public var nextDueAt: String?
        public var callbackAt: String?
        public var age: Int?
    }

    /// Reads leads' cadence columns by phone or id through statements prepared once.
    public final class CadenceReader {
        private static let columns = "SELECT id, agent_id, status, stage, follow_ups, unanswered, last_contact_at, next_due_at, callback_at, age FROM lead"
        private let byPhone: BulkStatement
        private let byID: BulkStatement

        public init(_ db: Database) throws {
            byPhone = try BulkStatement(db, sql: Self.columns + " WHERE phone = ?")
            byID = try BulkStatement(db, sql: Self.columns + " WHERE id = ?")
        }

        /// The lead with this (normalised) phone number.
        public func lead(phone: String) throws -> CadenceRow? {
            byPhone.bind(1, phone)
            return try read(byPhone)
        }

        /// The lead with this id.
        public func lead(id: Int64) throws -> CadenceRow? {
            byID.bind(1, id)
            return try read(byID)
        }

        private func read(_ statement: BulkStatement) throws -> CadenceRow? {
            guard try statement.nextRow() else { return nil }
            defer { statement.reset() }
            return CadenceRow(
                id: statement.int64(0)!, agentID: statement.int64(1), status: statement.text(2) ?? "", stage: statement.text(3),
                followUps: Int(statement.int64(4) ?? 0), unanswered: Int(statement.int64(5) ?? 0), lastContactAt: statement.text(6),
                nextDueAt: statement.text(7), callbackAt: statement.text(8), age: statement.int64(9).map(Int.init))
        }
    }

    /// What all of a file's calls on one lead did. When one of them ended its cadence (`cadence`
    /// is then that call's update, with `ended`), the lead is also closed as `LeadLedger.close`
    /// closes it, in the same write; the ledger lines of the closing are the caller's to write
    /// (`LeadLedger.ClosingLines`), in the calls' order.
    public struct Progress: Sendable {
        public var lead: Int64
        /// Calls recorded on the lead.
        public var attempts: Int
        /// The latest of them.
        public var lastAttemptAt: String
        /// The cadence columns after the last call made while the lead was open; nil when every
        /// call came after its cadence had ended (then only the attempts count).
        public var cadence: Update?
        /// The first effective contact and the first call that found the customer interested,
        /// among the calls made while it was open.
        public var effectiveAt: String?
        public var interestedAt: String?

        public init(lead: Int64, attempts: Int, lastAttemptAt: String, cadence: Update?, effectiveAt: String?, interestedAt: String?) {
            self.lead = lead
            self.attempts = attempts
            self.lastAttemptAt = lastAttemptAt
            self.cadence = cadence
            self.effectiveAt = effectiveAt
            self.interestedAt = interestedAt
        }
    }

    /// Writes `Progress` values: the same columns, to the same values, as `record` (its
    /// `LeadLedger.close` included) and `noteAttempt` called once per call in time order.
    public final class ProgressWriter {
        private let cadence: BulkStatement
        private let attemptsOnly: BulkStatement
        /// `cadence` for the lead whose cadence one of the calls ended: it is closed as well.
        private let closing: BulkStatement

        public init(_ db: Database) throws {
            cadence = try BulkStatement(db, sql: """
                UPDATE lead SET attempts = attempts + ?1, last_attempt_at = MAX(COALESCE(last_attempt_at, ''), ?2),
                    stage = ?3, follow_ups = ?4, unanswered = ?5, last_contact_at = ?6, next_due_at = ?7, callback_at = ?8,
                    effective_at = COALESCE(effective_at, ?9), interested_at = COALESCE(interested_at, ?10)
                WHERE id = ?11
                """)
            // A statement of its own: naming `status` and `agent_id` in every lead's update makes
            // SQLite rewrite the lead's index entries on them for each (measured: about 2 s more
            // CPU on 200,000 calls, 2026-11-30). ?7 and ?8 are bound but not used.
            closing = try BulkStatement(db, sql: """
                UPDATE lead SET attempts = attempts + ?1, last_attempt_at = MAX(COALESCE(last_attempt_at, ''), ?2),
                    stage = ?3, follow_ups = ?4, unanswered = ?5, last_contact_at = ?6, next_due_at = NULL, callback_at = NULL,
                    effective_at = COALESCE(effective_at, ?9), interested_at = COALESCE(interested_at, ?10),
                    status = ?12, closed_at = ?14, agent_id = CASE WHEN ?13 THEN NULL ELSE agent_id END
                WHERE id = ?11
                """)
            attemptsOnly = try BulkStatement(db, sql: """
                UPDATE lead SET attempts = attempts + ?1, last_attempt_at = MAX(COALESCE(last_attempt_at, ''), ?2) WHERE id = ?3
                """)
        }

        public func write(_ progress: Progress) throws {
            guard let update = progress.cadence else {
                attemptsOnly.bind(1, Int64(progress.attempts))
                attemptsOnly.bind(2, progress.lastAttemptAt)
                attemptsOnly.bind(3, progress.lead)
                try attemptsOnly.step()
                return
            }
            let statement = update.ended == nil ? cadence : closing
            statement.bind(1, Int64(progress.attempts))
            statement.bind(2, progress.lastAttemptAt)
            statement.bind(3, update.stage)
            statement.bind(4, Int64(update.followUps))
            statement.bind(5, Int64(update.unanswered))
            statement.bind(6, update.lastContactAt)
            statement.bind(7, update.nextDueAt)
            statement.bind(8, update.callbackAt)
            statement.bind(9, progress.effectiveAt)
            statement.bind(10, progress.interestedAt)
            statement.bind(11, progress.lead)
            if let ended = update.ended {
                statement.bind(12, ended.status.rawValue)
                statement.bind(13, Int64(LeadLedger.releasesAgent(ended.status) ? 1 : 0))
                statement.bind(14, update.at)
            }
            try statement.step()
        }
    }
}
