import CallOpsCore
import Foundation
import GRDB

/// Phone numbers are personal data: every reveal or export of numbers is recorded (SPEC section 3).
public enum AuditLog {
    /// One recorded reveal or export.
    public struct Entry: Codable, Equatable, Sendable, FetchableRecord {
        public var at: String
        public var osUser: String
        public var command: String
        public var numbers: Int

        enum CodingKeys: String, CodingKey {
            case at, command, numbers
            case osUser = "os_user"
        }
    }

    /// Records that `command` showed or wrote `numbers` phone numbers, by the OS user, now.
    public static func record(_ db: Database, command: String, numbers: Int, clock: Clock) throws {
        try db.execute(
            sql: "INSERT INTO audit_log (at, os_user, command, numbers) VALUES (?, ?, ?, ?)",
            arguments: [clock.nowTimestamp, osUser, command, numbers])
    }

    /// The whole log, newest first.
    public static func entries(_ db: Database) throws -> [Entry] {
        try Entry.fetchAll(db, sql: "SELECT at, os_user, command, numbers FROM audit_log ORDER BY id DESC")
    }

    /// The OS user running this process.
    public static var osUser: String {
        let env = ProcessInfo.processInfo.environment
        return env["USER"] ?? env["LOGNAME"] ?? NSUserName()
    }
}
