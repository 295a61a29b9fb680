import CallOpsCore
import LeadData

/// A dialer `daily` can write the day's queue for (`--dialer`).
public enum Dialer: String, CaseIterable, Sendable {
    case vicidial
}

/// The day's queue as a VICIdial lead list (SPEC section 6, Dialers): its loader's 25 fields,
/// tab-delimited, no header. `vendor_lead_code` is the callops lead id (so calls coming back
/// name their lead), `owner` the agent's dialer login (for owner-only dialing), `rank` the
/// queue's order; phone numbers whole.
public enum VicidialList {
    /// One agent's queue as list rows, in queue order.
    /// - Parameters:
    ///   - owner: the agent's dialer login.
    public static func rows(_ entries: [QueueEntry], owner: String, rules: Settings.VicidialRules) -> [[String]] {
        entries.enumerated().map { i, entry in
            var fields = [String](repeating: "", count: VicidialLeadFields.names.count)
            func set(_ name: String, _ value: String) { fields[VicidialLeadFields.names.firstIndex(of: name)!] = clean(value) }
            set("vendor_lead_code", String(entry.leadID))
            set("source_id", rules.sourceID)
            set("list_id", String(rules.listID))
            set("phone_code", rules.phoneCode)
            set("phone_number", entry.phone)
            set("first_name", entry.name ?? "")
            set("country_code", rules.countryCode)
            set("comments", "\(entry.why), due \(entry.dueAt): \(entry.purpose)")
            set("rank", String(i + 1))
            set("owner", owner)
            return fields
        }
    }

    /// The list file's text: one line per row.
    public static func text(_ rows: [[String]]) -> String {
        rows.map { $0.joined(separator: "\t") + "\n" }.joined()
    }

    /// A field as VICIdial's loader reads it: no tab, newline or quote (it splits on the first
    /// two and strips the third), and a spreadsheet formula neutralised as in every file callops writes.
    static func clean(_ value: String) -> String {
        let flat = String(value.map { $0 == "\t" || $0.isNewline ? " " : $0 }.filter { $0 != "\"" })
        return CSVWriter.escape(flat, delimiter: UInt8(ascii: "\t"))
    }
}
