import CallOpsCore
import CallOpsStore
import Foundation
import GRDB
import Roster
import Testing

@testable import LeadData

extension RecyclingTests {
    /// `leads why` names the owner and its history's agents through the roster, and says when the
    /// owner has left.
    @Test func theExplanationNamesAnOwnerWhoHasLeft() throws {
        let f = try center()
        let windows = try CallingWindows(f.settings.cadence.windows)
        let before = try f.db.read { db in try LeadExplanation.explain(db, lead: 1, clock: f.clock, windows: windows) }
        #expect(before.owner == "A1" && before.history.contains { $0.event == "assigned" && $0.agentCode == "A1" })
        #expect(!before.queueNow.contains("has left"))
        try f.db.transaction { db in try db.execute(sql: "UPDATE agent SET status = 'left' WHERE code = 'A1'") }
        let after = try f.db.read { db in try LeadExplanation.explain(db, lead: 1, clock: f.clock, windows: windows) }
        #expect(after.queueNow == "not queued: held by agent A1, who has left; the next recycle moves it")
    }
}
