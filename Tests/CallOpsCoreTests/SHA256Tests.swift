import Foundation
import Testing

@testable import CallOpsCore

@Suite struct SHA256Tests {
    func digest(_ text: String) -> String {
        var hasher = SHA256()
        hasher.update(Array(text.utf8))
        return hasher.hexDigest()
    }

    @Test func matchesFIPSVectors() {
        #expect(digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func streamingEqualsOneShot() {
        let text = String(repeating: "姓名,手机号\n张三,13800138000\n", count: 100)
        var hasher = SHA256()
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let n = min(37, bytes.count - i)
            hasher.update(bytes[i..<i + n])
            i += n
        }
        #expect(hasher.hexDigest() == digest(text))
    }
}

@Suite struct FingerprintTests {
    @Test func oneReadGivesHashAndEncoding() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("callops-fp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let utf = folder.appendingPathComponent("u.csv").path, gb = folder.appendingPathComponent("g.csv").path
        try Data("abc".utf8).write(to: URL(fileURLWithPath: utf))
        try Data([0xD5, 0xC5, 0xC8, 0xFD]).write(to: URL(fileURLWithPath: gb))
        let u = try TextEncoding.fingerprint(path: utf), g = try TextEncoding.fingerprint(path: gb)
        #expect(u.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" && u.encoding == .utf8)
        let direct = try SHA256.hexDigest(ofFile: gb)
        #expect(g.encoding == .gb18030 && g.sha256 == direct)
    }
}

@Suite struct SHA256HardwareTests {
    /// The processor's SHA instructions (where this machine has them) and the portable
    /// compression give the same digest, at every length around the block edges and fed in
    /// uneven pieces.
    @Test func hardwareAndPortableAgree() {
        var random = SeededRandom(seed: 15)
        let bytes = (0..<5_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        for length in Array(0...200) + [1_000, 4_095, 4_096, 4_097, 5_000] {
            var hardware = SHA256(), portable = SHA256(portable: true)
            var i = 0, piece = 1
            while i < length {
                let n = min(piece, length - i)
                hardware.update(bytes[i..<i + n])
                portable.update(bytes[i..<i + n])
                i += n
                piece = piece * 3 % 97 + 1
            }
            #expect(hardware.hexDigest() == portable.hexDigest(), "length \(length)")
        }
    }

    @Test func portableMatchesFIPSVectors() {
        var hasher = SHA256(portable: true)
        hasher.update(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        #expect(hasher.hexDigest() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // A million "a" (FIPS 180-2's third example), in one piece.
        var long = SHA256(portable: true), fast = SHA256()
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        long.update(million)
        fast.update(million)
        #expect(long.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(fast.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
