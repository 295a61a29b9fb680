import CallOpsStore

/// Index probes on `lead` for a bulk reader on a connection of its own (the calls import's
/// reading thread): prepared once, one seek per question, nothing allocated per call.
public final class LeadProbe {
    private let byPhone: BulkStatement
    private let byID: BulkStatement

    public init(_ db: Database) throws {
        byPhone = try BulkStatement(db, sql: "SELECT id FROM lead WHERE phone = ?")
        byID = try BulkStatement(db, sql: "SELECT 1 FROM lead WHERE id = ?")
    }

    /// Whether a lead has this id.
    public func exists(id: Int64) throws -> Bool {
        byID.bind(1, id)
        return try byID.exists()
    }

    /// The id of the lead with this phone number, if any.
    public func id(phone: String) throws -> Int64? {
        byPhone.bind(1, phone)
        guard try byPhone.nextRow() else { return nil }
        defer { byPhone.reset() }
        return byPhone.int64(0)
    }
}
