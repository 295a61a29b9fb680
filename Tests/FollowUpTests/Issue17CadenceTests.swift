import CallOpsCore
import Foundation
import Testing

@testable import FollowUp

/// Issue 17, items 1, 2 and 4: a callback is a contact, every exit records its contact, a sale
/// row names its product and premium.
@Suite struct Issue17CadenceTests {
    let clock = try! Clock(fixed: "2026-11-27T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    var cadence: Cadence { try! Cadence(rules: Settings.defaults.cadence, clock: clock) }
    func at(_ text: String) -> Date { clock.parse(text)! }

    @Test func aCallbackWithoutTalkTimeKeepsTheCustomersTime() {
        #expect(Disposition.callback.isContact(talkSeconds: 0))
        #expect(!Disposition.noAnswer.isContact(talkSeconds: 0) && !Disposition.connected.isContact(talkSeconds: 0))
        var opened = CadenceState()
        opened.stage = .connected
        opened.lastContactAt = at("2026-11-26T10:00")
        opened.nextDueAt = at("2026-11-27T10:00")
        let call = CadenceCall(at: at("2026-11-27T11:00"), disposition: .callback, talkSeconds: 0, callbackAt: at("2026-11-27T15:00"))
        let after = cadence.apply(call, to: opened, attemptsToday: 0)
        // Not retried at 13:30 as an unanswered attempt: due at the customer's 15:00, and a contact.
        #expect(after.nextDueAt == at("2026-11-27T15:00") && after.callbackAt == at("2026-11-27T15:00"))
        #expect(after.unanswered == 0 && after.lastContactAt == at("2026-11-27T11:00") && after.followUps == 1)
        // Even from a lead with unanswered attempts behind it, the callback resets the run.
        var tried = CadenceState()
        tried.unanswered = 5
        let fresh = cadence.apply(CadenceCall(at: at("2026-11-27T11:00"), disposition: .callback, talkSeconds: 0,
                                              callbackAt: at("2026-11-28T09:30")), to: tried, attemptsToday: 1)
        #expect(fresh.outcome == .open && fresh.unanswered == 0 && fresh.nextDueAt == at("2026-11-28T09:30"))
    }

    @Test func everyExitThatSpokeToTheCustomerIsAContact() {
        for disposition in [Disposition.refused, .dnc, .sale] {
            let after = cadence.apply(CadenceCall(at: at("2026-11-27T10:30"), disposition: disposition, talkSeconds: 75),
                                      to: CadenceState(), attemptsToday: 0)
            #expect(after.outcome != .open, "\(disposition)")
            #expect(after.lastContactAt == at("2026-11-27T10:30"), "\(disposition) must set last_contact_at")
        }
        // No talk time, no contact: an invalid number or a silent refusal stays uncontacted.
        let silent = cadence.apply(CadenceCall(at: at("2026-11-27T10:30"), disposition: .refused, talkSeconds: 0), to: CadenceState(), attemptsToday: 0)
        #expect(silent.outcome == .lost && silent.lastContactAt == nil)
    }

    @Test func aSaleRowNamesItsProductAndPremium() {
        let catalog = Settings.defaults.products.map(\.code)
        guard case let .failure(missing) = CallRowSale.parse(product: nil, premium: "2400", insured: nil, catalog: catalog) else {
            Issue.record("a sale without a product must be rejected"); return
        }
        #expect(missing == .init(field: "product", reason: "a sale names its product (one of \(catalog.joined(separator: ", ")))"))
        guard case let .failure(unknown) = CallRowSale.parse(product: "XYZ9", premium: "2400", insured: nil, catalog: catalog) else {
            Issue.record("an unknown product must be rejected"); return
        }
        #expect(unknown.field == "product" && unknown.reason.contains("XYZ9"))
        for premium in [nil, "0", "abc", "-5"] {
            guard case let .failure(problem) = CallRowSale.parse(product: "ACC01", premium: premium, insured: nil, catalog: catalog) else {
                Issue.record("premium \(premium ?? "nil") must be rejected"); continue
            }
            #expect(problem.field == "premium")
        }
        guard case let .failure(who) = CallRowSale.parse(product: "ACC01", premium: "300", insured: "cousin", catalog: catalog) else {
            Issue.record("an unknown insured must be rejected"); return
        }
        #expect(who.field == "insured")
        guard case let .success(sale) = CallRowSale.parse(product: "acc01", premium: "2,400.50", insured: "spouse", catalog: catalog) else {
            Issue.record("a good sale row must parse"); return
        }
        #expect(sale.product == "ACC01" && sale.insured == .spouse && sale.premium.fen == 240_050)
    }
}
