import Foundation
import Testing

@testable import CallOpsCore

/// The clock's arithmetic against `Calendar`, which it replaces for speed: the same answers at
/// random instants and around every DST change, in a zone without DST and in two with it.
@Suite struct ClockCivilTests {
    static let zones = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe"]

    /// The offset a clock holds for the years around its `now` (`SteadyOffset`) is the zone's at
    /// every instant of them, and is held only by zones that keep one offset through them: Moscow's
    /// change of standard time in October 2014 and Pyongyang's of August 2015 are seen.
    @Test func theSteadyOffsetIsTheZonesOwn() throws {
        let shanghai = Clock(now: try #require(ISO8601DateFormatter().date(from: "2026-11-30T12:00:00Z")), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let steady = try #require(shanghai.steady)
        #expect(steady.seconds == 8 * 3_600 && steady.from < shanghai.now.timeIntervalSince1970 && steady.until > shanghai.now.timeIntervalSince1970)
        var random = SeededRandom(seed: 9)
        for _ in 0..<5_000 {
            let date = Date(timeIntervalSince1970: steady.from - 86_400 + Double(random.next() % UInt64(steady.until - steady.from + 2 * 86_400)))
            #expect(shanghai.offset(at: date) == shanghai.timeZone.secondsFromGMT(for: date))
        }
        for (zone, now) in [("America/New_York", "2026-11-30T12:00:00Z"), ("Europe/Moscow", "2013-06-01T00:00:00Z"),
                            ("Asia/Pyongyang", "2016-06-01T00:00:00Z"), ("Asia/Shanghai", "1988-06-01T00:00:00Z")] {
            let clock = Clock(now: try #require(ISO8601DateFormatter().date(from: now)), timeZone: TimeZone(identifier: zone)!)
            #expect(clock.steady == nil, "\(zone) changes its offset within three years of \(now)")
        }
        #expect(Clock(now: try #require(ISO8601DateFormatter().date(from: "2020-06-01T00:00:00Z")), timeZone: TimeZone(identifier: "Europe/Moscow")!).steady?.seconds == 3 * 3_600)
        // A moved clock keeps its zone's span.
        #expect(shanghai.moved(to: shanghai.now.addingTimeInterval(86_400 * 400)).steady == steady)
    }

    @Test(arguments: zones) func arithmeticAgreesWithCalendar(zone: String) throws {
        let clock = Clock(now: Date(), timeZone: TimeZone(identifier: zone)!)
        let calendar = clock.calendar
        var random = SeededRandom(seed: 5)
        var instants: [Date] = []
        // Random instants from 1950 to 2060, and every quarter hour for two days around each
        // offset change of 2020–2030.
        for _ in 0..<20_000 { instants.append(Date(timeIntervalSince1970: -631_152_000 + Double(random.next() % 3_471_292_800))) }
        var at = Date(timeIntervalSince1970: 1_577_836_800)
        while let change = clock.timeZone.nextDaylightSavingTimeTransition(after: at), change.timeIntervalSince1970 < 1_893_456_000 {
            for q in -96...96 { instants.append(change.addingTimeInterval(Double(q) * 900 + 7)) }
            at = change
        }
        for date in instants {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            #expect(clock.timestamp(date) == expected)
            #expect(clock.day(date) == String(expected.prefix(10)))
            #expect(clock.minuteOfDay(date) == c.hour! * 60 + c.minute!)
            #expect(clock.startOfDay(date) == calendar.startOfDay(for: date), "\(expected)")
            for days in [1, 2, 7, -3, 30] {
                #expect(clock.adding(days: days, to: date) == calendar.date(byAdding: .day, value: days, to: date)!, "\(expected) + \(days)")
            }
            let other = instants[Int(random.next() % UInt64(instants.count))]
            #expect(clock.daysBetween(date, other) == calendar.dateComponents([.day], from: calendar.startOfDay(for: date), to: calendar.startOfDay(for: other)).day!)
            let parsed = clock.parse(expected)
            #expect(parsed == calendar.date(from: DateComponents(year: c.year, month: c.month, day: c.day, hour: c.hour, minute: c.minute, second: c.second)),
                    "\(expected)")
        }
        #expect(clock.parse("2026-11-31T10:00:00") == nil && clock.parse("2027-02-29") == nil && clock.parse("2028-02-29") != nil)
    }
}
