import Testing

@testable import CallOpsCore

@Suite struct CivilMonthTests {
    @Test func parsesYYYYMMAndNothingElse() {
        #expect(CivilMonth("2026-11")?.description == "2026-11")
        #expect(CivilMonth("2026-11")?.firstDay == CivilDay("2026-11-01"))
        for bad in ["2026-13", "2026-00", "2026-1", "2026-11-01", "26-11", "2026/11", "２０２６-11", "", "2026-1a"] {
            #expect(CivilMonth(bad) == nil, "\(bad)")
        }
    }

    @Test func daysAndArithmetic() {
        let february = CivilMonth("2028-02")!
        #expect(february.lastDay == CivilDay("2028-02-29") && CivilMonth("2026-02")!.lastDay == CivilDay("2026-02-28"))
        #expect(CivilMonth("2026-12")!.adding(months: 1) == CivilMonth("2027-01"))
        #expect(CivilMonth("2026-01")!.adding(months: -1) == CivilMonth("2025-12"))
        #expect(CivilMonth("2026-11")! < CivilMonth("2026-12")! && CivilMonth("2025-12")! < CivilMonth("2026-01")!)
        #expect(CivilMonth("2026-11")!.contains(CivilDay("2026-11-30")!) && !CivilMonth("2026-11")!.contains(CivilDay("2026-12-01")!))
        #expect(CivilDay("2026-11-23")!.civilMonth == CivilMonth("2026-11"))
    }
}
