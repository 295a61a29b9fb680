import CallOpsCore

/// A period [from, to) of local timestamps cut into the whole days that `activity_day` answers
/// and the partial days at its ends that the raw calls and policies answer.
struct ActivityPeriod: Equatable {
    /// Whole days [first, end) (`YYYY-MM-DD`), nil when the period holds no whole day.
    var days: (first: String, end: String)?
    /// The parts of a day at the period's ends, as [from, to) timestamps.
    var edges: [(from: String, to: String)]
    /// True when the period starts at midnight on a month's first day and ends within that
    /// month (or at its end) with at least one whole day: the month-anchored distinct counts
    /// (`leads_worked`, `proposals`) summed over its days are then exact.
    var monthAnchored: Bool

    static func == (a: ActivityPeriod, b: ActivityPeriod) -> Bool {
        a.days?.first == b.days?.first && a.days?.end == b.days?.end && a.monthAnchored == b.monthAnchored
            && a.edges.map(\.from) == b.edges.map(\.from) && a.edges.map(\.to) == b.edges.map(\.to)
    }

    init(from: String, to: String) {
        let midnight = "T00:00:00"
        guard from < to, let fromDay = CivilDay(from.prefix(10)), let toDay = CivilDay(to.prefix(10)) else {
            self.days = nil
            self.edges = from < to ? [(from, to)] : []
            self.monthAnchored = false
            return
        }
        let fromIsMidnight = from.dropFirst(10) == midnight
        let first = fromIsMidnight ? fromDay : fromDay.adding(days: 1)
        guard first < toDay else {
            self.days = nil
            self.edges = [(from, to)]
            self.monthAnchored = false
            return
        }
        self.days = (first.description, toDay.description)
        var edges: [(from: String, to: String)] = []
        if !fromIsMidnight { edges.append((from, first.description + midnight)) }
        if to.dropFirst(10) != midnight { edges.append((toDay.description + midnight, to)) }
        self.edges = edges
        let nextMonth = fromDay.firstOfMonth.adding(months: 1)
        self.monthAnchored = fromIsMidnight && fromDay.day == 1 && (toDay < nextMonth || to == nextMonth.description + midnight)
    }
}
