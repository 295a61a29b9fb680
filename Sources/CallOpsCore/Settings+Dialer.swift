extension Settings {
    /// The dialers callops exchanges files with (SPEC section 6, Dialers).
    public struct DialerRules: Codable, Equatable, Sendable {
        public var vicidial = VicidialRules()

        public init() {}
    }

    /// VICIdial: its Export Calls Report in, its 25-field lead list out.
    public struct VicidialRules: Codable, Equatable, Sendable {
        /// Users that are the dialer itself, not an agent (VDAD places auto-dialled calls no agent
        /// took, VDCL inbound ones): such a call belongs to the row's `owner` instead.
        public var systemUsers = ["VDAD", "VDCL"]
        /// The `list_id` written in `daily --dialer vicidial`'s list (the loader may override it).
        public var listID = 1001
        /// The `phone_code` (country calling code) written in the list.
        public var phoneCode = "86"
        /// The `country_code` written in the list.
        public var countryCode = "CN"
        /// The `source_id` written in the list, so a call coming back names a callops lead by its
        /// `vendor_lead_code`.
        public var sourceID = "callops"
        /// VICIdial status → callops disposition.
        public var statuses = VicidialStatuses()

        enum CodingKeys: String, CodingKey {
            case systemUsers = "system_users"
            case listID = "list_id"
            case phoneCode = "phone_code"
            case countryCode = "country_code"
            case sourceID = "source_id"
            case statuses
        }

        public init() {}
    }

    /// For each callops disposition, the VICIdial statuses that mean it. A status not listed is
    /// refused on import, naming it.
    public struct VicidialStatuses: Codable, Equatable, Sendable {
        public var noAnswer = ["NA", "N", "A", "AA", "DROP", "PDROP"]
        public var busy = ["B", "AB"]
        public var invalidNumber = ["DC", "ADC"]
        public var connected = ["NP", "XFER"]
        public var interested: [String] = []
        /// A callback's time is not in the export: it is due at the cadence's next interval.
        public var callback = ["CALLBK", "CBHOLD"]
        public var proposal: [String] = []
        public var sale = ["SALE"]
        public var refused = ["NI", "DEC"]
        public var dnc = ["DNC", "DNCL"]

        enum CodingKeys: String, CodingKey {
            case noAnswer = "no_answer"
            case busy
            case invalidNumber = "invalid_number"
            case connected, interested, callback, proposal, sale, refused, dnc
        }

        public init() {}

        /// (disposition name, statuses) in the dispositions' order.
        public var table: [(disposition: String, statuses: [String])] {
            [("no_answer", noAnswer), ("busy", busy), ("invalid_number", invalidNumber), ("connected", connected),
             ("interested", interested), ("callback", callback), ("proposal", proposal), ("sale", sale),
             ("refused", refused), ("dnc", dnc)]
        }

        /// A status listed under two dispositions, if any: (status, first, second).
        func ambiguity() -> (String, String, String)? {
            var seen: [String: String] = [:]
            for (disposition, statuses) in table {
                for status in statuses {
                    if let first = seen[status.uppercased()], first != disposition { return (status, first, disposition) }
                    seen[status.uppercased()] = disposition
                }
            }
            return nil
        }
    }
}
