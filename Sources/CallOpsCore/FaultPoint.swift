import Foundation

/// Named points where a test can make the process die, as SQLite's own test harness does: with
/// `CALLOPS_FAULT=NAME` in the environment, reaching the point NAME sends the process SIGKILL,
/// so a test of "a run killed midway leaves nothing" kills at a known point, never after the
/// work is done. Without the variable a point costs one comparison.
public enum FaultPoint {
    /// The point named in `CALLOPS_FAULT`, read once.
    static let armed: String? = ProcessInfo.processInfo.environment["CALLOPS_FAULT"]

    /// Dies here when `CALLOPS_FAULT` names `name`.
    public static func reach(_ name: StaticString) {
        guard let armed, armed == name.description else { return }
        kill(getpid(), SIGKILL)
    }

    /// The failure a test asks for at `name` with `CALLOPS_FAULT=NAME:KIND` (`full` for a full
    /// disk, `io` for an I/O error), or nil: the code at the point throws the error SQLite or the
    /// system would, so a test sees the failure path of a run that fails rather than dies.
    public static func failure(at name: StaticString) -> String? {
        guard let armed, armed.hasPrefix(name.description + ":") else { return nil }
        return String(armed.dropFirst(name.description.count + 1))
    }
}
