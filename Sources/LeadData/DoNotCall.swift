import CallOpsCore
import CallOpsStore
import Foundation

/// The do-not-call list: a number on it is never allocated and never queued.
public enum DoNotCall {
    /// What adding numbers did.
    public struct AddResult: Encodable, Equatable, Sendable {
        public var added = 0
        public var alreadyListed = 0
        /// Leads closed because their number is now on the list.
        public var leadsClosed = 0

        enum CodingKeys: String, CodingKey {
            case added
            case alreadyListed = "already_listed"
            case leadsClosed = "leads_closed"
        }
    }

    /// One entry of the list.
    /// A row of `dnc` (its columns are text, which `Decodable` reads without a trap).
    public struct Entry: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
        public static let databaseTableName = "dnc"
        public var phone: String
        public var addedAt: String
        public var source: String

        enum CodingKeys: String, CodingKey {
            case phone, source
            case addedAt = "added_at"
        }

        public enum Columns {
            public static let phone = Column(CodingKeys.phone)
            public static let addedAt = Column(CodingKeys.addedAt)
            public static let source = Column(CodingKeys.source)
        }

        public init(phone: String, addedAt: String, source: String) {
            self.phone = phone
            self.addedAt = addedAt
            self.source = source
        }
    }

    /// The digits of a number as the list keeps it (`+86 138-0013-8000` → `13800138000`), or
    /// nil with what is wrong.
    public static func normalize(_ raw: String) -> Result<String, CallOpsError> {
        var digits = LeadProfileParsing.halfWidth(raw).filter { !" -.()\t".contains($0) }
        if digits.hasPrefix("+86") { digits.removeFirst(3) } else if digits.hasPrefix("0086") { digits.removeFirst(4) }
        else if digits.hasPrefix("86") && digits.count == 13 { digits.removeFirst(2) }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), (5...15).contains(digits.count) else {
            return .failure(.invalidValue(field: "phone", value: raw, expected: "a phone number of 5 to 15 digits"))
        }
        return .success(digits)
    }

    /// Reads numbers from a file: one a line, or a CSV whose header names a phone column.
    public static func read(path: String, sheet: String? = nil) throws -> [String] {
        let file = (path as NSString).lastPathComponent
        var reader = try TabularReader(path: path, sheet: sheet)
        var numbers: [String] = []
        var column = 0
        var first = true
        // The header's names, to name a field in a message (`note`, not `field 2`).
        var header: [String] = []
        while let record = try reader.next() {
            defer { first = false }
            if first, let phone = CSVHeader(record.fields).column(LeadColumns.aliases[0].1) {
                column = phone
                header = record.fields
                continue
            }
            // The same field limit as every other import: a 30 MB phone field took 25 s to normalise.
            if let (index, characters) = record.overlongField() {
                let named = index < header.count ? header[index].trimmingCharacters(in: .whitespaces) : ""
                let name = index == column ? "phone" : named.isEmpty ? "field \(index + 1)" : Quoted.value(named)
                throw CallOpsError.badInput(file: file, line: record.line, field: name,
                                            message: "has \(characters) characters; at most \(InputRange.maximumFieldCharacters)")
            }
            let raw = column < record.count ? record[column] : ""
            switch normalize(raw) {
            case let .success(digits): numbers.append(digits)
            case .failure:
                throw CallOpsError.badInput(file: file, line: record.line, field: "phone", message: "\"\(raw)\" is not a phone number of 5 to 15 digits")
            }
        }
        return numbers
    }

    /// Adds numbers (already normalised) and closes any lead that has one; in the caller's transaction.
    public static func add(_ db: Database, phones: [String], source: String, clock: Clock) throws -> AddResult {
        var result = AddResult()
        let now = clock.nowTimestamp
        // One prepared statement for a whole list (a DNC file runs to hundreds of thousands of numbers).
        let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO dnc (phone, added_at, source) VALUES (?, ?, ?)")
        let find = try db.makeStatement(sql: "SELECT id, agent_id FROM lead WHERE phone = ? AND status IN ('pool', 'open', 'exhausted')")
        for phone in phones {
            try insert.execute(arguments: [phone, now, source])
            if db.changesCount == 0 {
                result.alreadyListed += 1
                continue
            }
            result.added += 1
            if let row = try Row.fetchOne(find, arguments: [phone]) {
                try LeadLedger.close(db, lead: row["id"], agent: try StoredValue.optionalInt64(row, "agent_id", table: "lead"), status: .dnc, reason: "number added to the do-not-call list (\(source))", clock: clock)
                result.leadsClosed += 1
            }
        }
        return result
    }

    /// The list, newest first.
    public static func entries(_ db: Database) throws -> [Entry] {
        try Entry.order(Entry.Columns.addedAt.desc, Entry.Columns.phone).fetchAll(db)
    }

    /// When a number went on the list, nil when it is not on it.
    public static func listedAt(_ db: Database, phone: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT added_at FROM dnc WHERE phone = ?"), arguments: [phone])
    }

    /// Whether a number is on the list.
    public static func contains(_ db: Database, phone: String) throws -> Bool {
        // A statement prepared once per connection: the calls import asks for every do-not-call
        // request (the query interface's request is built and compiled again for each).
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM dnc WHERE phone = ?)"), arguments: [phone]) ?? false
    }
}

extension DoNotCall.Entry: TabularRow {
    public static var blank: DoNotCall.Entry { DoNotCall.Entry(phone: "", addedAt: "", source: "") }
}
