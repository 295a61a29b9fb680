import CSHA256
import Foundation

/// SHA-256 (FIPS 180-4), streamed over a file: it tells a batch file seen before from a new one
/// (SPEC section 5: the same file is imported once) without holding the file in memory.
public struct SHA256: Sendable {
    private var state: [UInt32] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    /// Whether the blocks go to the processor's SHA instructions instead of the portable
    /// compression (both in `CSHA256`). Both give the same digest (tested on random lengths).
    static let hardware = callops_sha256_hardware() != 0
    private let usesHardware: Bool

    public init() { usesHardware = Self.hardware }

    /// The portable compression whatever the processor (the tests' reference).
    init(portable: Bool) { usesHardware = !portable && Self.hardware }

    /// Adds bytes to the digest.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        length &+= UInt64(bytes.count)
        let done: Void? = bytes.withContiguousStorageIfAvailable { absorb(UnsafeRawBufferPointer($0)) }
        if done == nil { Array(bytes).withUnsafeBytes { absorb($0) } }
    }

    /// Whole blocks straight from `bytes`; a block begun earlier is completed first, and what is
    /// left of the last one waits in `buffer`.
    private mutating func absorb(_ bytes: UnsafeRawBufferPointer) {
        var rest = bytes[...]
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, rest.count)
            buffer.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            guard buffer.count == 64 else { return }
            let block = buffer
            block.withUnsafeBytes { compress($0.baseAddress!, blocks: 1) }
            buffer.removeAll(keepingCapacity: true)
        }
        let blocks = rest.count / 64
        if blocks > 0, let base = UnsafeRawBufferPointer(rebasing: rest).baseAddress {
            compress(base, blocks: blocks)
        }
        buffer.append(contentsOf: rest.dropFirst(blocks * 64))
    }

    /// The digest as 64 lowercase hex digits.
    public mutating func hexDigest() -> String {
        let bitLength = length &* 8
        var padding: [UInt8] = [0x80]
        while (buffer.count + padding.count) % 64 != 56 { padding.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { padding.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        let last = buffer + padding
        last.withUnsafeBytes { compress($0.baseAddress!, blocks: $0.count / 64) }
        buffer = []
        return state.map { String(format: "%08x", $0) }.joined()
    }

    /// The digest of a whole file, read in 1 MiB chunks.
    public static func hexDigest(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CallOpsError.badFile(file: path, message: "cannot be opened for reading")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(chunk)
        }
        return hasher.hexDigest()
    }

    /// SHA-256's compression over `blocks` 64-byte blocks at `base` (C, `CSHA256`).
    private mutating func compress(_ base: UnsafeRawPointer, blocks: Int) {
        let data = base.assumingMemoryBound(to: UInt8.self)
        let hardware = usesHardware
        state.withUnsafeMutableBufferPointer { state in
            if hardware {
                callops_sha256_blocks(state.baseAddress!, data, blocks)
            } else {
                callops_sha256_blocks_portable(state.baseAddress!, data, blocks)
            }
        }
    }
}
