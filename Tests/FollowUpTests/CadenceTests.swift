import CallOpsCore
import Foundation
import Testing

@testable import FollowUp

@Suite struct CadenceTests {
    let clock = try! Clock(fixed: "2026-11-23T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
    var cadence: Cadence { try! Cadence(rules: Settings.defaults.cadence, clock: clock) }

    func at(_ text: String) -> Date { clock.parse(text)! }
    func text(_ date: Date?) -> String? { date.map(clock.timestamp) }

    /// Runs calls through the cadence, counting attempts per day as the recorder does.
    func run(_ calls: [(String, Disposition, Int)], from start: CadenceState = CadenceState()) -> CadenceState {
        var state = start
        var perDay: [String: Int] = [:]
        for (time, disposition, talk) in calls {
            let date = at(time)
            state = cadence.apply(CadenceCall(at: date, disposition: disposition, talkSeconds: talk), to: state, attemptsToday: perDay[clock.day(date), default: 0])
            perDay[clock.day(date), default: 0] += 1
        }
        return state
    }

    @Test func followUpsComeAtTheSeedsIntervals() {
        // Opening call Monday 10:00; follow-ups 1..5 due 1, 2, 3, 5, 7 days after each contact.
        var state = run([("2026-11-23T10:00", .interested, 240)])
        #expect(state.stage == .interested && state.followUps == 0 && text(state.nextDueAt) == "2026-11-24T10:00:00")
        #expect(state.comingFollowUp == 1)
        var expected = ["2026-11-26T10:00:00", "2026-11-29T10:00:00", "2026-12-04T10:00:00", "2026-12-11T10:00:00"]
        var time = "2026-11-24T10:00"
        for k in 1...4 {
            state = run([(time, .interested, 180)], from: state)
            #expect(state.followUps == k && state.outcome == .open)
            #expect(text(state.nextDueAt) == expected[0])
            time = String(expected.removeFirst().prefix(16))
        }
        // Follow-up 5 without a sale: exhausted.
        state = run([(time, .proposal, 300)], from: state)
        #expect(state.outcome == .exhausted && state.followUps == 5 && state.nextDueAt == nil)
    }

    @Test func noProgressEndsItButNotBeforeFollowUp2() {
        let opening = run([("2026-11-23T10:00", .connected, 90)])
        let first = run([("2026-11-24T10:00", .connected, 60)], from: opening)
        #expect(first.outcome == .open && first.followUps == 1)
        let second = run([("2026-11-26T10:00", .connected, 60)], from: first)
        #expect(second.outcome == .exhausted && second.endReason == "no interest after 2 follow-ups")
    }

    @Test func eachExit() {
        #expect(run([("2026-11-23T10:00", .sale, 600)]).outcome == .won)
        #expect(run([("2026-11-23T10:00", .refused, 30)]).outcome == .lost)
        #expect(run([("2026-11-23T10:00", .dnc, 10)]).outcome == .dnc)
        #expect(run([("2026-11-23T10:00", .invalidNumber, 0)]).outcome == .invalid)
        // A call on an ended cadence changes nothing.
        let won = run([("2026-11-23T10:00", .sale, 600)])
        #expect(run([("2026-11-24T10:00", .refused, 10)], from: won) == won)
    }

    @Test func aCallbackBeatsTheInterval() {
        let opening = run([("2026-11-23T10:00", .interested, 200)])
        let call = CadenceCall(at: at("2026-11-24T10:00"), disposition: .callback, talkSeconds: 40, callbackAt: at("2026-11-24T19:00"))
        let state = cadence.apply(call, to: opening, attemptsToday: 0)
        #expect(text(state.callbackAt) == "2026-11-24T19:00:00" && text(state.nextDueAt) == "2026-11-24T19:00:00")
        #expect(state.followUps == 1)
    }

    @Test func unansweredRetriesTwoHoursLaterTwiceADayAndSixInARow() {
        // 10:00 no answer → 12:00 is lunch, so 13:30.
        var state = run([("2026-11-23T10:00", .noAnswer, 0)])
        #expect(text(state.nextDueAt) == "2026-11-23T13:30:00" && state.unanswered == 1)
        // Second attempt that day → next day's first window.
        state = run([("2026-11-23T10:00", .noAnswer, 0), ("2026-11-23T13:30", .busy, 0)])
        #expect(text(state.nextDueAt) == "2026-11-24T09:00:00")
        // An evening attempt at 19:00: +2 hours is past 20:00 → next morning.
        let evening = run([("2026-11-23T19:00", .noAnswer, 0)])
        #expect(text(evening.nextDueAt) == "2026-11-24T09:00:00")
        // Six unanswered in a row exhaust the lead; a contact in between resets the count.
        let six = run([("2026-11-23T09:00", .noAnswer, 0), ("2026-11-23T13:30", .noAnswer, 0), ("2026-11-24T09:00", .noAnswer, 0),
                       ("2026-11-24T13:30", .noAnswer, 0), ("2026-11-25T09:00", .noAnswer, 0)])
        #expect(six.outcome == .open && six.unanswered == 5)
        #expect(run([("2026-11-25T13:30", .noAnswer, 0)], from: six).outcome == .exhausted)
        #expect(run([("2026-11-25T13:30", .connected, 45)], from: six).unanswered == 0)
        // Talk time with a no_answer disposition is still not a contact.
        #expect(!Disposition.noAnswer.isContact(talkSeconds: 30) && !Disposition.connected.isContact(talkSeconds: 0))
    }

    @Test func windowsBoundEveryDueTimeAcrossMidnight() {
        // A contact at 19:50: follow-up 1 due 19:50 the next day, inside the window.
        #expect(text(run([("2026-11-23T19:50", .interested, 120)]).nextDueAt) == "2026-11-24T19:50:00")
        // A contact at 11:30 with a 1-day interval stays 11:30; 12:10 would move to 13:30.
        var rules = Settings.defaults.cadence
        rules.intervals = [0, 2, 3, 5, 7]
        let sameDay = try! Cadence(rules: rules, clock: clock).apply(
            CadenceCall(at: at("2026-11-23T11:59"), disposition: .interested, talkSeconds: 100), to: CadenceState(), attemptsToday: 0)
        #expect(text(sameDay.nextDueAt) == "2026-11-23T11:59:00")
        let windows = try! CallingWindows(Settings.defaults.cadence.windows)
        #expect(text(windows.nextOpen(atOrAfter: at("2026-11-23T23:59"), clock: clock)) == "2026-11-24T09:00:00")
        #expect(text(windows.nextOpen(atOrAfter: at("2026-11-24T00:00"), clock: clock)) == "2026-11-24T09:00:00")
    }

    @Test func purposesFollowTheSalesProcess() {
        #expect(Cadence.purpose(followUp: nil) == "opening call: rapport and needs")
        #expect(Cadence.purpose(followUp: 2) == "follow-up 2: proposal")
        #expect(Cadence.purpose(followUp: 5) == "follow-up 5: close")
    }
}
