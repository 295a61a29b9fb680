/// A set of phone numbers held as integers, for the lead import's million-row questions (seen
/// earlier in the file? on the do-not-call list?): open addressing with a multiplicative hash
/// and linear probing, in one array. `Set<UInt64>` hashes every number with SipHash and grew
/// by rehashing: 2.7% of a 1,000,000-row import's CPU for the file's own duplicates alone.
struct PhoneSet: Sendable {
    /// The slots; `empty` marks a free one (a number equal to it is held by `holdsEmpty`).
    private var slots: [UInt64]
    private var holdsEmpty = false
    private(set) var count = 0
    private static let empty = UInt64.max

    init(minimumCapacity: Int = 0) {
        var size = 16
        while size < minimumCapacity * 2 { size *= 2 }
        slots = Array(repeating: Self.empty, count: size)
    }

    /// The slot to start probing for `key` at (the top bits of a Fibonacci hash).
    @inline(__always)
    private static func home(_ key: UInt64, size: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - size.trailingZeroBitCount))
    }

    func contains(_ key: UInt64) -> Bool {
        if key == Self.empty { return holdsEmpty }
        let mask = slots.count - 1
        var i = Self.home(key, size: slots.count)
        while true {
            let slot = slots[i]
            if slot == key { return true }
            if slot == Self.empty { return false }
            i = (i + 1) & mask
        }
    }

    /// Adds `key`; false when it was there already.
    @discardableResult
    mutating func insert(_ key: UInt64) -> Bool {
        if key == Self.empty {
            defer { holdsEmpty = true }
            if !holdsEmpty { count += 1 }
            return !holdsEmpty
        }
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var i = Self.home(key, size: slots.count)
        while true {
            let slot = slots[i]
            if slot == key { return false }
            if slot == Self.empty {
                slots[i] = key
                count += 1
                return true
            }
            i = (i + 1) & mask
        }
    }

    /// Twice the slots, every number placed again: the table stays at most half full.
    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Self.empty, count: old.count * 2)
        let mask = slots.count - 1
        for key in old where key != Self.empty {
            var i = Self.home(key, size: slots.count)
            while slots[i] != Self.empty { i = (i + 1) & mask }
            slots[i] = key
        }
    }
}
