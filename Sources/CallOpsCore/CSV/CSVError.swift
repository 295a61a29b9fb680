/// A CSV file that cannot be read at all.
public struct CSVError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let message: String

    public var description: String { "\(file): \(message)" }
}
