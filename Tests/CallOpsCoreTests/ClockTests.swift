import Foundation
import Testing

@testable import CallOpsCore

@Suite struct ClockTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    @Test func parsesTheForms() throws {
        let clock = try Clock(fixed: "2026-11-23T10:00", timeZone: shanghai)
        #expect(clock.nowTimestamp == "2026-11-23T10:00:00")
        #expect(clock.today == "2026-11-23")
        #expect(clock.parse("2026-11-23 10:00:05").map(clock.timestamp) == "2026-11-23T10:00:05")
        #expect(clock.parse("2026-11-23").map(clock.timestamp) == "2026-11-23T00:00:00")
        // 10:00 in Shanghai is 02:00 UTC.
        #expect(clock.now.timeIntervalSince1970 == 1_795_399_200)
    }

    @Test func refusesImpossibleTimes() {
        let clock = Clock(now: Date(), timeZone: shanghai)
        for text in ["2026-02-30", "2026-13-01", "2026-11-23T24:00", "2026-11-23T10:60", "23/11/2026", "", "2026-1-5"] {
            #expect(clock.parse(text) == nil, "\(text) should not parse")
        }
        #expect(throws: CallOpsError.self) { try Clock(fixed: "tomorrow", timeZone: shanghai) }
    }

    @Test func daysAreCalendarDays() throws {
        let clock = try Clock(fixed: "2026-11-23T23:59", timeZone: shanghai)
        let midnight = clock.parse("2026-11-24T00:00")!
        #expect(clock.daysBetween(clock.now, midnight) == 1)
        #expect(clock.day(clock.adding(days: 8, to: clock.now)) == "2026-12-01")
    }

    @Test func callingWindowsBoundDueTimes() throws {
        let clock = try Clock(fixed: "2026-11-23T10:00", timeZone: shanghai)
        let windows = try CallingWindows(["09:00-12:00", "13:30-20:00"])
        func next(_ text: String) -> String { clock.timestamp(windows.nextOpen(atOrAfter: clock.parse(text)!, clock: clock)) }
        #expect(next("2026-11-23T10:00") == "2026-11-23T10:00:00")
        #expect(next("2026-11-23T12:00") == "2026-11-23T13:30:00")
        #expect(next("2026-11-23T11:59:59") == "2026-11-23T11:59:59")
        #expect(next("2026-11-23T20:00") == "2026-11-24T09:00:00")
        #expect(next("2026-11-23T00:00") == "2026-11-23T09:00:00")
        #expect(next("2026-11-23T23:59") == "2026-11-24T09:00:00")
        #expect(throws: CallOpsError.self) { try CallingWindows(["09:00-12:00", "11:00-13:00"]) }
        #expect(throws: CallOpsError.self) { try CallingWindows([]) }
    }

    @Test func moneyIsIntegerFen() {
        #expect(Money(yuan: 2000).fen == 200_000)
        #expect(Money(yuan: 0.1 + 0.2).fen == 30)
        #expect(Money(fen: 123_456_789).description == "1,234,567.89")
        #expect(Money(fen: -5).description == "-0.05")
        #expect(Money(parsingYuan: "¥2,000.50") == Money(fen: 200_050))
        #expect(Money(parsingYuan: "abc") == nil)
    }

    @Test func seededRandomReplays() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
    }

    @Test func tableAlignsChineseText() {
        var table = Table(["name", ">premium"])
        table.append(["张三", "1,000.00"])
        table.append(["Li", "20.00"])
        let lines = table.rendered().split(separator: "\n").map(String.init)
        #expect(lines[0] == "name   premium")
        #expect(lines[2] == "张三  1,000.00")
        #expect(lines[3] == "Li       20.00")
    }
}
