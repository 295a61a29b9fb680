import Foundation

/// The hours in which customers may be called (default 09:00–12:00 and 13:30–20:00).
/// Every due time is moved into a window before it is shown or queued.
public struct CallingWindows: Equatable, Sendable {
    /// Minutes after local midnight, start inclusive, end exclusive, sorted.
    public let ranges: [Range<Int>]

    /// Parses `HH:MM-HH:MM` entries.
    public init(_ specs: [String]) throws {
        var ranges: [Range<Int>] = []
        for spec in specs {
            let parts = spec.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]),
                start < end
            else {
                throw CallOpsError.invalidValue(
                    field: "calling window", value: spec, expected: "HH:MM-HH:MM with the start before the end")
            }
            ranges.append(start..<end)
        }
        guard !ranges.isEmpty else {
            throw CallOpsError.invalidValue(field: "calling window", value: "", expected: "at least one window")
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        for (a, b) in zip(ranges, ranges.dropFirst()) where a.overlaps(b) {
            throw CallOpsError.invalidValue(
                field: "calling window", value: specs.joined(separator: ", "), expected: "windows that do not overlap")
        }
        self.ranges = ranges
    }

    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h),
            (0...59).contains(m), h * 60 + m <= 24 * 60
        else { return nil }
        return h * 60 + m
    }

    /// True when `date` falls inside a window.
    public func contains(_ date: Date, clock: Clock) -> Bool {
        let minute = minuteOfDay(date, clock: clock)
        return ranges.contains { $0.contains(minute) }
    }

    /// The earliest time at or after `date` inside a window (the next day's first window when
    /// the day's last one has closed).
    public func nextOpen(atOrAfter date: Date, clock: Clock) -> Date {
        let minute = minuteOfDay(date, clock: clock)
        if ranges.contains(where: { $0.contains(minute) }) { return date }
        let midnight = clock.startOfDay(date)
        if let later = ranges.first(where: { $0.lowerBound > minute }) {
            return midnight.addingTimeInterval(TimeInterval(later.lowerBound * 60))
        }
        let tomorrow = clock.adding(days: 1, to: midnight)
        return tomorrow.addingTimeInterval(TimeInterval(ranges[0].lowerBound * 60))
    }

    /// The first window opening of the day holding `date`.
    public func firstOpen(onDayOf date: Date, clock: Clock) -> Date {
        clock.startOfDay(date).addingTimeInterval(TimeInterval(ranges[0].lowerBound * 60))
    }

    private func minuteOfDay(_ date: Date, clock: Clock) -> Int {
        clock.minuteOfDay(date)
    }
}

/// A product line: what cover a policy gives (SPEC section 7).
public enum ProductLine: String, Codable, CaseIterable, Sendable {
    case accident, criticalIllness = "critical_illness", medical, life, pension, education

    public static var allNames: [String] { allCases.map(\.rawValue) }
}
