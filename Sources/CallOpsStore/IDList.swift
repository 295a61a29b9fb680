/// Row ids as one JSON array, bound as a single argument of `IN (SELECT value FROM json_each(?))`:
/// a list of any length (no limit of SQLite's 32,766 variables), one statement for every length.
public func jsonIDList(_ ids: some Sequence<Int64>) -> String {
    "[" + ids.map(String.init).joined(separator: ",") + "]"
}
