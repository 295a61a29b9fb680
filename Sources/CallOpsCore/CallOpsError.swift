/// An error a person can act on: it says what is wrong, where, and what to do.
public enum CallOpsError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A value given on the command line or in the config is not acceptable.
    case invalidValue(field: String, value: String, expected: String)
    /// A line of an input file is wrong; nothing was written.
    case badInput(file: String, line: Int, field: String, message: String)
    /// A whole input file cannot be used; nothing was written.
    case badFile(file: String, message: String)
    /// The configuration file is wrong.
    case badConfig(file: String, line: Int?, key: String, message: String)
    /// Something the command refers to does not exist.
    case notFound(kind: String, key: String, hint: String)
    /// The command cannot run in the current state; the message says why and what to do.
    case refused(String)

    public var description: String {
        switch self {
        case let .invalidValue(field, value, expected):
            return "\(field): \"\(Quoted.value(value))\" is not valid; expected \(expected)"
        case let .badInput(file, line, field, message):
            return "\(Quoted.path(file)):\(line): \(field): \(message); nothing was changed"
        case let .badFile(file, message):
            return "\(Quoted.path(file)): \(message); nothing was changed"
        case let .badConfig(file, line, key, message):
            let place = line.map { "\(Quoted.path(file)):\($0)" } ?? Quoted.path(file)
            return "\(place): `\(key)`: \(message)"
        case let .notFound(kind, key, hint):
            return "no \(kind) \"\(Quoted.value(key))\"; \(hint)"
        case let .refused(message):
            return message
        }
    }
}
