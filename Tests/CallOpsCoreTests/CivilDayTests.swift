import Testing

@testable import CallOpsCore

@Suite struct CivilDayTests {
    @Test func textRoundTripsAndImpossibleDaysAreRefused() {
        #expect(CivilDay("2026-11-23")?.description == "2026-11-23")
        #expect(CivilDay("2026-11-23T10:00:00")?.description == "2026-11-23")
        #expect(CivilDay("2028-02-29") != nil)
        for bad in ["2026-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-1-5", "", "20261123", "2026-11-2x"] {
            #expect(CivilDay(bad) == nil, "\(bad)")
        }
    }

    @Test func ordinalsMatchTheCalendarAcrossCenturies() {
        #expect(CivilDay("1970-01-01")!.ordinal == 0)
        #expect(CivilDay("2000-03-01")!.ordinal == 11_017)
        // Every day from 1899 to 2101, one after the other, each the day after the one before.
        var day = CivilDay("1899-12-31")!
        while day < CivilDay("2101-01-01")! {
            let next = day.adding(days: 1)
            #expect(next.ordinal == day.ordinal + 1)
            #expect(CivilDay(ordinal: next.ordinal) == next)
            let expected = day.day < CivilDay.daysIn(year: day.year, month: day.month) ? (day.year, day.month, day.day + 1)
                : day.month < 12 ? (day.year, day.month + 1, 1) : (day.year + 1, 1, 1)
            if (next.year, next.month, next.day) != expected { Issue.record("\(day) → \(next)") }
            day = next
        }
    }

    @Test func monthsKeepTheDayOrTakeTheMonthsLast() {
        #expect(CivilDay("2026-01-31")!.adding(months: 1).description == "2026-02-28")
        #expect(CivilDay("2028-01-31")!.adding(months: 1).description == "2028-02-29")
        #expect(CivilDay("2028-02-29")!.adding(months: 12).description == "2029-02-28")
        #expect(CivilDay("2026-11-30")!.adding(months: 3).description == "2027-02-28")
        #expect(CivilDay("2026-03-15")!.adding(months: -3).description == "2025-12-15")
        #expect(CivilDay("2026-05-31")!.adding(months: -13).description == "2025-04-30")
        #expect(CivilDay("2026-11-23")!.days(to: CivilDay("2027-01-01")!) == 39)
        #expect(CivilDay("2026-11-23")!.monthText == "2026-11" && CivilDay("2026-11-23")!.firstOfMonth.description == "2026-11-01")
    }
}
