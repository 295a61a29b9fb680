import CallOpsCore

/// Reads a `YYYY-MM` option (`--month`) into a `CivilMonth`, or says what is expected.
func parseMonth(_ text: String, option: String = "--month") throws -> CivilMonth {
    guard let month = CivilMonth(text) else {
        throw CallOpsError.invalidValue(field: option, value: text, expected: "a month, YYYY-MM")
    }
    return month
}
