import Foundation
import Testing

@testable import CallOpsCore

/// The clock's arithmetic against `Calendar`, which it replaces for speed: the same answers at
/// random instants and around every DST change, in a zone without DST and in two with it.
@Suite struct ClockCivilTests {
    static let zones = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe"]

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
