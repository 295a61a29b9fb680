import CallOpsCore
import CallOpsStore
import Foundation
import GRDB
import Roster
import Testing

@testable import BackOffice

/// The back office's typed records write their tables' columns and read them back.
@Suite struct BackOfficeRecordTests {
    @Test func aCampaignAndACandidateRoundTrip() throws {
        let db = try AppDatabase.inMemory(schema: BackOfficeSchema.migrations)
        try db.transaction { db in
            let tiers = [RewardTier(threshold: 10_000, reward: 500), RewardTier(threshold: 30_000, reward: 2_000)]
            var campaign = try CampaignRecord(code: "Q4", name: "冲刺", metric: .premium, from: CivilDay("2026-11-01")!, to: CivilDay("2026-11-30")!,
                                              teamID: nil, tiers: tiers)
            try campaign.insert(db)
            #expect(try CampaignRecord.fetchOne(db, key: campaign.id!) == campaign)
            let decoded = try campaign.decoded()
            #expect(decoded.metric == .premium && decoded.from == CivilDay("2026-11-01") && decoded.to == CivilDay("2026-11-30") && decoded.tiers == tiers)
            #expect(try Campaigns.standings(db, code: "Q4", today: CivilDay("2026-11-23")!).tiers == tiers)

            let id = try Recruiting.add(db, name: "王芳", channel: .campus, phone: nil, on: CivilDay("2026-11-02")!)
            let candidate = try #require(try CandidateRecord.fetchOne(db, key: id))
            #expect(candidate.name == "王芳" && candidate.channel == "campus" && candidate.stage == "sourced" && candidate.stageSince == "2026-11-02")
            #expect(try CandidateStageRecord.fetchAll(db) == [CandidateStageRecord(candidateID: id, stage: .sourced, on: CivilDay("2026-11-02")!)])
            #expect(try Recruiting.advance(db, candidate: id, on: CivilDay("2026-11-05")!) == .contacted)
            #expect(try CandidateRecord.fetchOne(db, key: id)?.stage == "contacted")
            try Recruiting.drop(db, candidate: id, reason: "took another offer", on: CivilDay("2026-11-06")!)
            let dropped = try #require(try CandidateRecord.fetchOne(db, key: id))
            #expect(dropped.droppedOn == "2026-11-06" && dropped.dropReason == "took another offer")
            #expect(throws: CallOpsError.self) { try Recruiting.advance(db, candidate: id, on: CivilDay("2026-11-07")!) }
        }
    }
}
