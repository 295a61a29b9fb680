import Foundation

/// Two-stage work on two cores: a producer on a thread of its own hands items to the caller's
/// thread through a small bounded queue. The lead import reads, validates and grades a file on
/// the producer while SQLite inserts the previous chunk on the caller's thread (which owns the
/// database connection).
public enum Pipeline {
    /// Runs `produce` on a new thread and `consume` on this one for each item it sends, in order.
    /// At most `capacity` items wait between the two, so memory stays bounded when one side is
    /// faster. A producer error reaches the caller after the items sent before it; a consumer
    /// error stops the producer (its next `send` returns false). Either way the producer's thread
    /// has ended when this returns.
    public static func run<Item: Sendable>(
        capacity: Int = 2,
        produce: @escaping @Sendable (_ send: (Item) -> Bool) throws -> Void,
        consume: (Item) throws -> Void
    ) throws {
        let handoff = Handoff<Item>(capacity: capacity)
        let ended = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                try produce { handoff.put($0) }
                handoff.finish(nil)
            } catch {
                handoff.finish(error)
            }
            ended.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        defer { ended.wait() }
        do {
            while let item = try handoff.take() { try consume(item) }
        } catch {
            handoff.cancel()
            throw error
        }
    }
}

/// The bounded queue between a producer thread and its consumer.
private final class Handoff<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var items: [Item] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Waits for room; false once the consumer has stopped.
    func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The producer is done, with the error that ended it if any.
    func finish(_ error: (any Error)?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next item; nil when the producer finished cleanly; its error when it failed.
    func take() throws -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        if !items.isEmpty {
            let item = items.removeFirst()
            condition.broadcast()
            return item
        }
        if let failure { throw failure }
        return nil
    }

    /// The consumer stopped: drop what waits and release the producer.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

/// Work started on a thread of its own now, whose result is waited for later: the lead import
/// hashes its file beside the import instead of before it.
public final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<Value, any Error>?

    public init(_ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let outcome = Result { try work() }
            lock.withLock { result = outcome }
            done.signal()
        }
        thread.start()
    }

    /// Waits for the work to end; its value, or the error it threw. Can be asked again.
    public func value() throws -> Value {
        if let known = lock.withLock({ result }) { return try known.get() }
        done.wait()
        return try lock.withLock { result! }.get()
    }
}
