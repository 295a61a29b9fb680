import CallOpsCore
import Foundation
import GRDB

/// Phone numbers are personal data: every reveal or export of numbers is recorded (SPEC section 3).
public enum AuditLog {
    /// One recorded reveal or export.
    public struct Entry: Codable, Equatable, Sendable, FetchableRecord {
        /// The run's time (`--now` when fixed).
        public var at: String
        /// The machine's real time when the entry was written, whatever `--now` says.
        public var recordedAt: String?
        public var osUser: String
        public var command: String
        public var numbers: Int

        enum CodingKeys: String, CodingKey {
            case at, command, numbers
            case recordedAt = "recorded_at"
            case osUser = "os_user"
        }

        /// A row of `audit_log`, each column through `StoredValue`: a value another tool wrote
        /// is an error naming the row and column (GRDB's Codable decoding names neither).
        public init(row: Row) throws {
            at = try StoredValue.string(row, "at", table: "audit_log")
            recordedAt = try StoredValue.optional(String.self, row, "recorded_at", table: "audit_log")
            osUser = try StoredValue.string(row, "os_user", table: "audit_log")
            command = try StoredValue.string(row, "command", table: "audit_log")
            numbers = try StoredValue.count(row, "numbers", table: "audit_log")
        }
    }

    /// Records that `command` showed or wrote `numbers` phone numbers, by the OS account, at the
    /// run's time and the wall-clock time. Call it once the numbers are shown or the file that
    /// holds them is safely in place.
    public static func record(_ db: Database, command: String, numbers: Int, clock: Clock) throws {
        let wall = Clock(now: Date(), timeZone: clock.timeZone).nowTimestamp
        try db.execute(
            sql: "INSERT INTO audit_log (at, recorded_at, os_user, command, numbers) VALUES (?, ?, ?, ?, ?)",
            arguments: [clock.nowTimestamp, wall, osUser, Quoted.value(command), numbers])
    }

    /// The whole log, newest first.
    public static func entries(_ db: Database) throws -> [Entry] {
        try Entry.fetchAll(db, sql: "SELECT id, at, recorded_at, os_user, command, numbers FROM audit_log ORDER BY id DESC")
    }

    /// The OS account running this process, from its real user id (not `$USER`, which anyone
    /// can set): its name, else `uid N`.
    public static var osUser: String {
        let uid = getuid()
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return "uid \(uid)"
    }
}
