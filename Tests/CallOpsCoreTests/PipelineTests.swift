import Foundation
import Testing

@testable import CallOpsCore

@Suite struct PipelineTests {
    struct Stop: Error, Equatable { let at: Int }

    @Test func itemsArriveInOrderWhateverTheCapacity() throws {
        for capacity in [1, 2, 5] {
            var received: [Int] = []
            try Pipeline.run(capacity: capacity, produce: { send in
                for i in 0..<1_000 { guard send(i) else { return } }
            }, consume: { received.append($0) })
            #expect(received == Array(0..<1_000))
        }
    }

    @Test func nothingProducedIsNoItem() throws {
        var received = 0
        try Pipeline.run(produce: { (_: (Int) -> Bool) in }, consume: { _ in received += 1 })
        #expect(received == 0)
    }

    @Test func aProducerErrorArrivesAfterWhatWasSentBeforeIt() {
        var received: [Int] = []
        #expect(throws: Stop(at: 3)) {
            try Pipeline.run(produce: { send in
                for i in 0..<3 { _ = send(i) }
                throw Stop(at: 3)
            }, consume: { received.append($0) })
        }
        #expect(received == [0, 1, 2])
    }

    @Test func aConsumerErrorStopsTheProducer() {
        let sent = Counter()
        #expect(throws: Stop(at: 2)) {
            try Pipeline.run(capacity: 1, produce: { send in
                for i in 0..<1_000_000 {
                    guard send(i) else { return }
                    sent.add()
                }
            }, consume: { item in
                if item == 2 { throw Stop(at: 2) }
            })
        }
        // The producer ended when `run` returned, long before a million.
        #expect(sent.value < 10)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
}
