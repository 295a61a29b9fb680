import Foundation

/// Progress of long work on stderr, shown only when stderr is a terminal (SPEC section 3):
/// pipes, files and cron get nothing.
public final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private var lastShown = -1
    private let lock = NSLock()

    public init(_ label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
        self.enabled = isatty(STDERR_FILENO) == 1
    }

    /// Reports `done` of `total`; redraws at most once per percent.
    public func update(_ done: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let percent = min(100, done * 100 / total)
        guard percent != lastShown else { return }
        lastShown = percent
        let filled = percent / 4
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 25 - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)%".utf8))
    }

    /// Clears the line.
    public func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
