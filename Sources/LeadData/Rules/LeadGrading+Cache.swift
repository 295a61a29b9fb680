import CallOpsCore

extension LeadGrading {
    /// Grading for a million rows: the stable-occupation test (a substring search over the
    /// configured list) is made once per distinct occupation, which files repeat endlessly.
    struct Cached {
        let rules: Settings.GradingRules
        private let stable: [String]
        private var occupationIsStable: [Occupation: Bool] = [:]

        /// An occupation as the cache's key, hashed and compared by its bytes: `String`'s own
        /// hashing normalises Chinese text first (1% of a 1,000,000-row import's CPU). Two
        /// spellings of one text are two keys, each with the same answer.
        struct Occupation: Hashable {
            let text: String

            func hash(into hasher: inout Hasher) {
                var text = text
                text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            }

            static func == (a: Occupation, b: Occupation) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
        }

        init(rules: Settings.GradingRules) {
            self.rules = rules
            self.stable = rules.stableOccupations.map { $0.lowercased() }
        }

        mutating func grade(_ profile: LeadProfile) -> (score: Int, grade: LeadGrade) {
            var score = 0
            if let age = profile.age, (rules.targetMinAge...rules.targetMaxAge).contains(age) { score += rules.agePoints }
            if let income = profile.annualIncome, income >= rules.minIncome { score += rules.incomePoints }
            if let occupation = profile.occupation {
                let isStable: Bool
                if let known = occupationIsStable[Occupation(text: occupation)] {
                    isStable = known
                } else {
                    let lowered = occupation.lowercased()
                    isStable = stable.contains { lowered.contains($0) }
                    if occupationIsStable.count < 100_000 { occupationIsStable[Occupation(text: occupation)] = isStable }
                }
                if isStable { score += rules.occupationPoints }
            }
            if profile.married == true { score += rules.marriedPoints }
            if let children = profile.children, children > 0 { score += rules.childrenPoints }
            let grade: LeadGrade = score >= rules.gradeA ? .A : score >= rules.gradeB ? .B : .C
            return (score, grade)
        }
    }
}

extension LeadProfileParsing {
    /// The text without leading and trailing spaces and tabs; returns the same string (no
    /// Foundation call) in the usual case where there are none.
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return text }
        func space(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        // A UTF-8 multibyte character never starts or ends with a space byte.
        if !space(first) && !space(last) { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }
}

extension PhoneNumber {
    /// `normalize` with a fast path for the common case: exactly 11 ASCII digits.
    static func normalizeFast(_ raw: String, validator: MobileValidator) -> Verdict {
        let utf8 = raw.utf8
        if utf8.count == 11, utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            return validator.isValid(raw) ? .valid(raw) : normalize(raw, validator: validator)
        }
        return normalize(raw, validator: validator)
    }
}
