extension Settings {
    /// Customer programmes (seed 003, 客户经营闭环: 新客121, 老客121N; SPEC section 7).
    public struct ProgrammeRules: Codable, Equatable, Sendable {
        /// 121 runs over the first policy's sale day and this many days after it (day 90 counts, day 91 does not).
        public var newCustomerDays = 90
        /// 121: care contacts (the stabilisation call counts), nurturing touches, conversion attempts.
        public var careContacts = 1
        public var nurturingTouches = 2
        public var conversionAttempts = 1
        /// 121N, each programme year after 121: renewal services, value-added touches, conversion attempts.
        public var renewalServices = 1
        public var valueAddedTouches = 2
        public var yearlyConversionAttempts = 1
        /// 121N's N referrals a year: counted; a target only when above 0.
        public var referralsTarget = 0
        /// The seat report's referrals received a month per agent (seed 003: 4 a month).
        public var monthlyReferralsTarget = 4
        /// A programme step enters the queue (and `daily`'s list) this many days before its deadline.
        public var queueDays = 14

        enum CodingKeys: String, CodingKey {
            case newCustomerDays = "new_customer_days"
            case careContacts = "care_contacts"
            case nurturingTouches = "nurturing_touches"
            case conversionAttempts = "conversion_attempts"
            case renewalServices = "renewal_services"
            case valueAddedTouches = "value_added_touches"
            case yearlyConversionAttempts = "yearly_conversion_attempts"
            case referralsTarget = "referrals_target"
            case monthlyReferralsTarget = "monthly_referrals_target"
            case queueDays = "queue_days"
        }

        public init() {}
    }
}

extension Settings.ProgrammeRules {
    /// The first key whose value no programme can run on, with why; nil when all are usable.
    func problem() -> (key: String, message: String)? {
        if !(1...3_650).contains(newCustomerDays) { return ("new_customer_days", "must be a number of days from 1 to 3650") }
        let counts = [("care_contacts", careContacts), ("nurturing_touches", nurturingTouches), ("conversion_attempts", conversionAttempts),
                      ("renewal_services", renewalServices), ("value_added_touches", valueAddedTouches),
                      ("yearly_conversion_attempts", yearlyConversionAttempts), ("referrals_target", referralsTarget),
                      ("monthly_referrals_target", monthlyReferralsTarget), ("queue_days", queueDays)]
        if let (key, _) = counts.first(where: { !(0...1_000).contains($0.1) }) { return (key, "must be a whole number from 0 to 1000") }
        return nil
    }
}
