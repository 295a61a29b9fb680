import Foundation

/// Local times by arithmetic: the zone's offset at an instant (one ICU lookup) and the civil
/// calendar's day numbers, instead of `Calendar`, which costs 3 to 7 µs a call (and
/// `String(format:)` about 20 µs) on Linux. The calls import formats and moves several times per
/// call, a million calls a night: measured on the shared machine, a timestamp went from about
/// 27 µs to well under 1 µs. Each function falls back to `Calendar` where arithmetic could
/// differ from it: outside 1900–9999, and within a day of a change of the zone's offset (DST).
extension Clock {
    /// Seconds since 1970 on the local wall clock at `date`.
    @inline(__always)
    func localSeconds(_ date: Date) -> Int {
        Int(date.timeIntervalSince1970.rounded(.down)) + offset(at: date)
    }

    /// The zone's offset from GMT at `date`, in seconds: without asking ICU within `steady`
    /// (each question takes a lock and an ICU lookup, and the calls import asks about 20 a call:
    /// 10% of its CPU while it wrote its leads, in perf, 1,000,000 calls, 2026-11-30).
    @inline(__always)
    func offset(at date: Date) -> Int {
        let seconds = date.timeIntervalSince1970
        if let steady, seconds >= steady.from && seconds < steady.until { return steady.seconds }
        return timeZone.secondsFromGMT(for: date)
    }

    /// Whether the zone keeps one offset from a day before `date` to a day after it.
    @inline(__always)
    func steadyOffset(around date: Date) -> Bool {
        offset(at: date.addingTimeInterval(-86_400)) == offset(at: date.addingTimeInterval(86_400))
    }

    /// Local seconds in the years arithmetic handles exactly (1900 to 9999), else nil.
    static let civilRange = CivilDay(year: 1900, month: 1, day: 1)!.ordinal * 86_400..<CivilDay(year: 10_000, month: 1, day: 1)!.ordinal * 86_400

    /// `2026-11-23T10:00:00` (19 bytes) or `2026-11-23` (10) for local seconds in `civilRange`.
    static func format(localSeconds: Int, withTime: Bool) -> String {
        let days = localSeconds >= 0 ? localSeconds / 86_400 : (localSeconds - 86_399) / 86_400
        let seconds = localSeconds - days * 86_400
        let date = CivilDay(ordinal: days)
        let (year, month, day) = (date.year, date.month, date.day)
        return String(unsafeUninitializedCapacity: withTime ? 19 : 10) { buffer in
            func put(_ value: Int, _ width: Int, at index: Int) {
                var value = value
                for i in stride(from: index + width - 1, through: index, by: -1) {
                    buffer[i] = UInt8(48 + value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(month, 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(day, 2, at: 8)
            guard withTime else { return 10 }
            buffer[10] = UInt8(ascii: "T")
            put(seconds / 3_600, 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(seconds / 60 % 60, 2, at: 14)
            buffer[16] = UInt8(ascii: ":")
            put(seconds % 60, 2, at: 17)
            return 19
        }
    }

    /// Minutes after local midnight at `date`.
    public func minuteOfDay(_ date: Date) -> Int {
        let local = localSeconds(date)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        return (local - days * 86_400) / 60
    }

    /// The local day number (days since 1970-01-01) holding `date`.
    func localDay(_ date: Date) -> Int {
        let local = localSeconds(date)
        return local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    }
}

extension Clock {
    /// The same zone and calendar at another instant: building a `Calendar` costs tens of
    /// microseconds, and the calls import moves a clock to each call that ends a cadence.
    public func moved(to now: Date) -> Clock {
        Clock(now: now, timeZone: timeZone, calendar: calendar, steady: steady)
    }

    private init(now: Date, timeZone: TimeZone, calendar: Calendar, steady: SteadyOffset?) {
        self.now = now
        self.timeZone = timeZone
        self.calendar = calendar
        self.steady = steady
    }
}

/// A span of time in which a zone keeps one offset from GMT: three years either side of a
/// clock's `now` when the zone changes its offset in none of them (no daylight saving time, as
/// in China since 1991), else none. `TimeZone.nextDaylightSavingTimeTransition` names every
/// change of offset ICU knows, a change of standard time included (Moscow in 2014, Pyongyang in
/// 2015 and 2018), not only daylight saving time's.
struct SteadyOffset: Sendable, Equatable {
    /// Seconds since 1970: from `from` (included) to `until` (excluded).
    let from: TimeInterval
    let until: TimeInterval
    let seconds: Int

    static let reach: TimeInterval = 3 * 366 * 86_400

    init?(_ zone: TimeZone, around now: Date) {
        let (from, until) = (now.addingTimeInterval(-Self.reach), now.addingTimeInterval(Self.reach))
        let seconds = zone.secondsFromGMT(for: from)
        guard zone.secondsFromGMT(for: until) == seconds else { return nil }
        if let change = zone.nextDaylightSavingTimeTransition(after: from), change <= until { return nil }
        self.from = from.timeIntervalSince1970
        self.until = until.timeIntervalSince1970
        self.seconds = seconds
    }
}
