/// VICIdial's standard lead-list format (its lead loader's 25 fields, no header), which
/// `leads import --layout vicidial` reads and `daily --dialer vicidial` writes.
public enum VicidialLeadFields {
    /// The 25 fields, in order.
    public static let names = [
        "vendor_lead_code", "source_id", "list_id", "phone_code", "phone_number", "title", "first_name",
        "middle_initial", "last_name", "address1", "address2", "address3", "city", "state", "province",
        "postal_code", "country_code", "gender", "date_of_birth", "alt_phone", "email", "security_phrase",
        "comments", "rank", "owner",
    ]
}
