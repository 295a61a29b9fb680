import CallOpsCore
import GRDB

/// The agent's login on the dialer (SPEC section 4): by default the agent code, one per agent.
extension RosterImport {
    /// Why a roster's dialer user cannot be taken, or nil; records it in `seen` when it can.
    static func checkDialerUser(_ user: String, line: Int, seen: inout [String: Int]) -> String? {
        if user.contains(where: \.isWhitespace) {
            return "\"\(user)\" has a space; a dialer login is one word"
        }
        if let earlier = seen[user] {
            return "\"\(user)\" is also given on line \(earlier) (an empty cell means the agent code); each agent has their own login"
        }
        seen[user] = line
        return nil
    }

    /// Refuses a row whose dialer user (given, or the code of a new agent) another agent holds.
    static func claimDialerUser(_ db: Database, row: RosterRow, isNew: Bool, file: String) throws {
        guard let user = row.dialerUser ?? (isNew ? row.code : nil) else { return }
        if let holder = try String.fetchOne(
            db, sql: "SELECT code FROM agent WHERE dialer_user = ? AND code <> ?", arguments: [user, row.code]) {
            throw CallOpsError.badInput(
                file: file, line: row.line, field: "dialer_user",
                message: "\"\(user)\" is the dialer login of agent \(holder); give one of them another dialer_user")
        }
    }
}

extension Roster {
    /// Agent codes by dialer login, for reading a dialer's call records.
    public static func agentCodesByDialerUser(_ db: Database) throws -> [String: String] {
        var codes: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT COALESCE(dialer_user, code) AS user, code FROM agent") {
            codes[row["user"]] = row["code"]
        }
        return codes
    }
}
