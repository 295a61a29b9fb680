import Foundation

/// The one clock of a run. Every rule takes its time from here (`--now` / `$CALLOPS_NOW` fix it),
/// so a batch run or a test can be replayed exactly.
///
/// Times are local to the center's time zone and stored as ISO 8601 local text
/// (`2026-11-23T10:00:00`), which sorts correctly and reads well in the `sqlite3` shell.
public struct Clock: Sendable {
    public let now: Date
    public let timeZone: TimeZone
    public let calendar: Calendar
    /// The years around `now` in which the zone keeps one offset, when it does (`offset(at:)`).
    let steady: SteadyOffset?

    public init(now: Date, timeZone: TimeZone) {
        self.now = now
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
        steady = SteadyOffset(timeZone, around: now)
    }

    /// A clock fixed at a local time such as `2026-11-23T10:00`.
    public init(fixed text: String, timeZone: TimeZone) throws {
        let probe = Clock(now: Date(timeIntervalSince1970: 0), timeZone: timeZone)
        guard let date = probe.parse(text) else {
            throw CallOpsError.invalidValue(
                field: "--now", value: text,
                expected: "an ISO 8601 local time such as 2026-11-23T10:00")
        }
        self.init(now: date, timeZone: timeZone)
    }

    /// Reads a time zone name from the config, or says which names are valid.
    public static func zone(named name: String) throws -> TimeZone {
        guard let zone = TimeZone(identifier: name) else {
            throw CallOpsError.invalidValue(
                field: "general.timezone", value: name,
                expected: "an IANA time zone name such as Asia/Shanghai")
        }
        return zone
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS` (a space may stand for
    /// the `T`) as a local time; nil when it is not a real date and time.
    public func parse(_ text: String) -> Date? {
        // Foundation's trimming costs more than the rest of the parse: only when an end may be space.
        let plain = text.utf8.first.map { $0 > 0x20 && $0 < 0x80 } == true && text.utf8.last.map { $0 > 0x20 && $0 < 0x80 } == true
        let bytes = Array((plain ? text : text.trimmingCharacters(in: .whitespaces)).utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count == 10 || bytes.count == 16 || bytes.count == 19,
            let year = number(0..<4), bytes[4] == UInt8(ascii: "-"),
            let month = number(5..<7), bytes[7] == UInt8(ascii: "-"),
            let day = number(8..<10)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        if bytes.count >= 16 {
            guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
                let h = number(11..<13), bytes[13] == UInt8(ascii: ":"), let m = number(14..<16)
            else { return nil }
            hour = h
            minute = m
        }
        if bytes.count == 19 {
            guard bytes[16] == UInt8(ascii: ":"), let s = number(17..<19) else { return nil }
            second = s
        }
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
            (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        // By arithmetic where the zone's offset is steady (see Clock+Civil.swift).
        guard let civilDay = CivilDay(year: year, month: month, day: day) else { return nil }
        let local = civilDay.ordinal * 86_400 + hour * 3_600 + minute * 60 + second
        if Self.civilRange.contains(local) {
            let guess = Date(timeIntervalSince1970: TimeInterval(local))
            let date = Date(timeIntervalSince1970: TimeInterval(local - offset(at: guess)))
            if steadyOffset(around: guess) && localSeconds(date) == local { return date }
        }
        let components = DateComponents(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components) else { return nil }
        // Calendar rolls 2026-02-30 over to March; a real date must read back the same.
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        guard back.year == year, back.month == month, back.day == day else { return nil }
        return date
    }

    /// Parses a calendar day `YYYY-MM-DD`; nil when it is not a real date.
    public func parseDay(_ text: String) -> Date? {
        text.count == 10 ? parse(text) : nil
    }

    /// `2026-11-23T10:00:00`: the stored and printed form of a time.
    public func timestamp(_ date: Date) -> String {
        let local = localSeconds(date)
        if Self.civilRange.contains(local) { return Self.format(localSeconds: local, withTime: true) }
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!,
            c.second!)
    }

    /// `2026-11-23`: the stored form of a day.
    public func day(_ date: Date) -> String {
        let local = localSeconds(date)
        if Self.civilRange.contains(local) { return Self.format(localSeconds: local, withTime: false) }
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// Now, as stored text.
    public var nowTimestamp: String { timestamp(now) }
    /// Today, as stored text.
    public var today: String { day(now) }

    /// Midnight at the start of the day holding `date`.
    public func startOfDay(_ date: Date) -> Date {
        let local = localSeconds(date)
        if Self.civilRange.contains(local) && steadyOffset(around: date) {
            return Date(timeIntervalSince1970: TimeInterval(localDay(date) * 86_400 - offset(at: date)))
        }
        return calendar.startOfDay(for: date)
    }

    /// `date` moved by whole local days (calendar days, not 24-hour periods).
    public func adding(days: Int, to date: Date) -> Date {
        // The same wall-clock time `days` later: whole days of seconds when the offset is the
        // same at both ends and steady around the end (no DST change to step over or into).
        let moved = date.addingTimeInterval(TimeInterval(days * 86_400))
        if Self.civilRange.contains(localSeconds(date)) && Self.civilRange.contains(localSeconds(moved))
            && offset(at: date) == offset(at: moved) && steadyOffset(around: moved) {
            return moved
        }
        return calendar.date(byAdding: .day, value: days, to: date)!
    }

    /// Whole days from the day of `from` to the day of `to` (negative when `to` is earlier).
    public func daysBetween(_ from: Date, _ to: Date) -> Int {
        if Self.civilRange.contains(localSeconds(from)) && Self.civilRange.contains(localSeconds(to)) {
            return localDay(to) - localDay(from)
        }
        return calendar.dateComponents([.day], from: startOfDay(from), to: startOfDay(to)).day!
    }
}
