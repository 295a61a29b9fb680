import CallOpsCore
import Foundation
import GRDB

/// SQLite's quick check of a database file, run beside the command that writes it: on a thread
/// and a read-only connection of its own (WAL lets it read the committed file while the
/// writer works, and a WAL reader never blocks the writer). Its outcome is a gate the command
/// passes before anything irreversible: `AppDatabase.transaction` before COMMIT, an output file
/// before it is placed. On a 1,000,000-lead center the check costs about 3 s of CPU, which the
/// writer no longer waits for on a machine with a core to spare (README, "What it holds to").
final class DamageCheck: @unchecked Sendable {
    /// What the check found.
    enum Outcome {
        /// SQLite found nothing wrong.
        case sound
        /// The file is damaged: the refusal to throw, in the words of `refuseIfDamaged`.
        case damaged(CallOpsError)
        /// The check could not run for a reason that is no damage (a busy lock, no access).
        case failed(CallOpsError)
    }

    /// The check thread's nice value (the writer's is 0). On the 2-core machine a 1,000,000-row
    /// lead import runs three busy threads (reading, writing, this check): 3.17, 3.17 and 3.24 s
    /// against 3.27, 3.40 and 3.34 s at nice 0, alternating (2026-11-30, load 1.3); allocation
    /// and the calls import, with one busy thread of their own, are the same either way.
    static let niceness: Int32 = 10

    private let condition = NSCondition()
    private var started = false
    private var outcome: Outcome?
    /// The check's connection while it reads, for `cancel` to interrupt.
    private var connection: DatabaseQueue?
    private var cancelled = false

    /// Starts the check of the file at `path` on a thread of its own (once; a second call does nothing).
    /// - Parameters:
    ///   - refusal: the refusal for the problems found (the first few, rows behind CHECK failures named).
    ///   - explain: a failure of the check's connection in the store's words.
    func start(path: String, refusal: @escaping @Sendable ([String]) -> CallOpsError,
               explain: @escaping @Sendable (DatabaseError) -> (damage: Bool, refusal: CallOpsError)) {
        condition.lock()
        defer { condition.unlock() }
        guard !started else { return }
        started = true
        Thread { [self] in
            // The writer's work goes first: on a machine with no core to spare the check takes
            // what the writer and its reading thread leave (Linux keeps a nice value per thread).
            // It still gates the commit, which waits for it.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
            let result = run(path: path, refusal: refusal, explain: explain)
            condition.lock()
            outcome = result
            condition.broadcast()
            condition.unlock()
        }.start()
    }

    private func run(path: String, refusal: @Sendable ([String]) -> CallOpsError,
                     explain: @Sendable (DatabaseError) -> (damage: Bool, refusal: CallOpsError)) -> Outcome {
        var config = Configuration()
        // A WAL reader waits only for another connection's recovery of the WAL, a moment.
        config.busyMode = .timeout(30)
        // Writes forbidden by `query_only`, not a read-only open: on a read-only connection
        // SQLite's quick check skips the CHECK constraints (a stored value written outside
        // callops went unseen, and the writer committed beside it). `cell_size_check` as on
        // the writer's connection, so the check finds and words damage as it did there.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA query_only = 1")
            try db.execute(sql: "PRAGMA cell_size_check = ON")
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            // Closed here, before `outcome` is set: the database's `close` checkpoints after it.
            defer { try? queue.close() }
            condition.lock()
            connection = queue
            let stop = cancelled
            condition.unlock()
            defer {
                condition.lock()
                connection = nil
                condition.unlock()
            }
            if stop { return .sound }
            let problems = try queue.read { db in
                AppDatabase.namingCheckRows(AppDatabase.checkFindings(try String.fetchAll(db, sql: "PRAGMA quick_check")), in: db, limit: 3)
            }
            return problems.isEmpty ? .sound : .damaged(refusal(problems))
        } catch let error as DatabaseError {
            let said = explain(error)
            return said.damage ? .damaged(said.refusal) : .failed(said.refusal)
        } catch let error as CallOpsError {
            return .failed(error)
        } catch {
            return .failed(.refused("\(Quoted.path(path)) cannot be checked (\(Quoted.describe(error))); nothing was changed"))
        }
    }

    /// Whether `start` was called.
    var isStarted: Bool {
        condition.lock()
        defer { condition.unlock() }
        return started
    }

    /// Waits for the check's outcome; nil when it was never started.
    func wait() -> Outcome? {
        condition.lock()
        defer { condition.unlock() }
        guard started else { return nil }
        while outcome == nil { condition.wait() }
        return outcome
    }

    /// Stops a check still running (its connection interrupted) and waits until its thread has
    /// closed that connection: nothing of it outlives the database's `close`.
    func cancel() {
        condition.lock()
        cancelled = true
        connection?.interrupt()
        condition.unlock()
        _ = wait()
    }
}
