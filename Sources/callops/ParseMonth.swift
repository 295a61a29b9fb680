import ArgumentParser
import CallOpsCore

/// Reads a `YYYY-MM` option (`--month`) into a `CivilMonth`, or says what is expected.
func parseMonth(_ text: String, option: String = "--month") throws -> CivilMonth {
    guard let month = CivilMonth(text) else {
        throw CallOpsError.invalidValue(field: option, value: text, expected: "a month, YYYY-MM")
    }
    return month
}

/// An option's decimal number through the one decimal parser (`DecimalText`): `0x10`, `0x1p8`,
/// `1e3`, `nan`, `inf`, `+5` and `1_000` are refused instead of read the way Swift's
/// `Double(String)` reads them. A minus passes so that the option's range check can say what the
/// range is.
func decimalOption(_ text: String) throws -> Double {
    guard let value = DecimalText.parse(text, allowNegative: true) else {
        throw ValidationError("\"\(text)\" is not a plain decimal number (digits with at most one dot, such as 2000 or 2,000.50; no exponent or hexadecimal)")
    }
    return value
}

/// An amount in yuan from an option: a plain decimal (`decimalOption`) with at most 2 decimals
/// (fen, SPEC section 3); `300.123456789` is refused as typed, never rounded to 300.12.
func moneyOption(_ text: String) throws -> Double {
    let value = try decimalOption(text)
    guard DecimalText.fractionDigits(text) <= 2 else {
        throw ValidationError("\"\(text)\" has more than 2 decimals: give yuan with at most 2 decimals (fen), such as 150 or 150.50")
    }
    return value
}

/// A `--seed` option: a whole number from 0 to 2^64 - 1, or a message saying so (`-1` was
/// "Missing value", then ArgumentParser's bare "is invalid").
func seedOption(_ text: String) throws -> UInt64 {
    guard text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let seed = UInt64(text) else {
        throw ValidationError("\"\(text)\" is not a seed: give a whole number from 0 to \(UInt64.max)")
    }
    return seed
}
