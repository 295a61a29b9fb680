import CallOpsCore
import CallOpsStore
import Foundation

/// Why a row of a lead file was not taken (SPEC section 5): one reason per row.
public enum RejectReason: String, CaseIterable, Codable, Sendable {
    case missingPhone = "missing_phone"
    case invalidPhone = "invalid_phone"
    case duplicateInFile = "duplicate_in_file"
    case duplicateExisting = "duplicate_existing"
    case dnc
    case outOfAgeRange = "out_of_age_range"
    case malformedRow = "malformed_row"
}

/// What an import did (or, in a dry run, would do): the batch and its counts per outcome.
public struct ImportSummary: Encodable, Equatable, Sendable {
    /// nil in a dry run, which writes no batch.
    public var batchID: Int64?
    public var source: String
    public var fileName: String
    public var encoding: String
    public var layout: String
    public var rows = 0
    public var accepted = 0
    public var rejected: [RejectReason: Int] = Dictionary(uniqueKeysWithValues: RejectReason.allCases.map { ($0, 0) })
    public var grades: [LeadGrade: Int] = Dictionary(uniqueKeysWithValues: LeadGrade.allCases.map { ($0, 0) })
    public var dryRun = false
    /// Rows kept without their income, which was not an amount (each one warned about).
    public var unreadableIncome = 0
    /// Rows kept without their age, which was not a whole number of years (`1e3`, `thirty`).
    public var unreadableAge = 0
    /// Rows kept without their number of children, which was not a count from 0 to 19 (`-1`).
    public var unreadableChildren = 0
    /// The first `ImportWarning.kept` warnings, in line order, for stderr.
    public var warnings: [ImportWarning] = []

    public init(source: String, fileName: String, encoding: String, layout: String) {
        self.source = source
        self.fileName = fileName
        self.encoding = encoding
        self.layout = layout
    }

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id"
        case source, rows, accepted, rejected, grades, encoding, layout
        case fileName = "file_name"
        case dryRun = "dry_run"
        case unreadableIncome = "unreadable_income"
        case unreadableAge = "unreadable_age"
        case unreadableChildren = "unreadable_children"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(batchID, forKey: .batchID)
        try container.encode(source, forKey: .source)
        try container.encode(fileName, forKey: .fileName)
        try container.encode(encoding, forKey: .encoding)
        try container.encode(layout, forKey: .layout)
        try container.encode(rows, forKey: .rows)
        try container.encode(accepted, forKey: .accepted)
        try container.encode(Dictionary(uniqueKeysWithValues: rejected.map { ($0.key.rawValue, $0.value) }), forKey: .rejected)
        try container.encode(Dictionary(uniqueKeysWithValues: grades.map { ($0.key.rawValue, $0.value) }), forKey: .grades)
        try container.encode(dryRun, forKey: .dryRun)
        try container.encode(unreadableIncome, forKey: .unreadableIncome)
        try container.encode(unreadableAge, forKey: .unreadableAge)
        try container.encode(unreadableChildren, forKey: .unreadableChildren)
    }

    /// Counts `found` and keeps the first `ImportWarning.kept` of them.
    mutating func warn(_ found: [ImportWarning]) {
        for warning in found {
            switch warning.kind {
            case .income: unreadableIncome += 1
            case .age: unreadableAge += 1
            case .children: unreadableChildren += 1
            }
        }
        warnings += found.prefix(max(0, ImportWarning.kept - warnings.count))
    }

    /// Rows kept with a value dropped, of every kind.
    public var unreadableTotal: Int { unreadableIncome + unreadableAge + unreadableChildren }

    /// All rejected rows.
    public var rejectedTotal: Int { rejected.values.reduce(0, +) }
}

/// A row kept with a value dropped: the line, the field and the value (cut to 80 characters).
public struct ImportWarning: Equatable, Sendable {
    /// Warnings kept for stderr; the rest are counted (a million bad incomes are not a million lines).
    public static let kept = 1_000

    /// Which profile value was dropped (each kind has its count in the summary).
    public enum Kind: Sendable { case income, age, children }

    public var line: Int
    public var field: String
    public var value: String
    public var problem: String
    public var kind: Kind = .income

    /// The warning as one line: `leads.csv:17: income "abc" is not an amount ...`.
    public func text(file: String) -> String {
        "\(file):\(line): \(Quoted.value(field)) \"\(Quoted.value(value))\" \(problem)"
    }
}
