import CallOpsCore

// The typed ids are stored as their integers (GRDB's RawRepresentable support).
extension LeadID: DatabaseValueConvertible {}
extension AgentID: DatabaseValueConvertible {}
