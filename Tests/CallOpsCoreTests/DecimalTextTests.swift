import Testing

@testable import CallOpsCore

/// The audit's defect 11: Swift's `Double(String)` read `0x10` as 16 and `0x1p8` as 256 yuan.
@Suite struct DecimalTextTests {
    @Test func plainDecimalsAreRead() {
        #expect(DecimalText.parse("2000") == 2000)
        #expect(DecimalText.parse("2,000.50") == 2000.5)
        #expect(DecimalText.parse("¥1999.9") == 1999.9)
        #expect(DecimalText.parse(" 12 ") == 12)
        #expect(DecimalText.parse(".5") == 0.5)
        #expect(DecimalText.parse("-3", allowNegative: true) == -3)
        #expect(DecimalText.parse("1,234,567") == 1_234_567)
    }

    @Test(arguments: ["0x10", "0x1p8", "1e3", "1E3", "nan", "NaN", "inf", "-inf", "infinity", "1_000", "+5", "1 000", "",
                      ".", "-", "1.2.3", "1,00", ",100", "100,", "12,345.6,7", "-3", "٣", "1e300"])
    func everythingElseIsRefused(text: String) {
        #expect(DecimalText.parse(text) == nil, "\(text)")
    }

    @Test func moneyUsesTheSameParser() {
        #expect(Money(parsingYuan: "0x10") == nil)
        #expect(Money(parsingYuan: "0x1p8") == nil)
        #expect(Money(parsingYuan: "1e2") == nil)
        #expect(Money(parsingYuan: "2,000.50") == Money(fen: 200_050))
        #expect(Money(parsingYuan: "100000000.01") == nil)
    }
}
