import Foundation

/// The one way callops writes an output file (`--out`, reports, workbooks): into a temporary
/// file beside the destination, renamed into place once whole, so a failed run leaves no half
/// file behind.
public enum OutputFile {
    /// The UTF-8 byte order mark that CSV files written for people start with (SPEC section 3):
    /// Excel and WPS on Chinese Windows read the file as UTF-8 only when it is there.
    public static let utf8BOM = "\u{FEFF}"

    /// Lets `produce` write the file at a temporary path, then renames it to `path`.
    public static func write(to path: String, _ produce: (String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        do {
            try produce(temporary)
            // rename(2) replaces an earlier file in one step.
            guard rename(temporary, path) == 0 else {
                throw CallOpsError.badFile(file: path, message: "cannot be written (\(String(cString: strerror(errno))))")
            }
        } catch let error as CallOpsError {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CallOpsError.badFile(file: path, message: "cannot be written (\(error.localizedDescription))")
        }
    }

    /// Writes `text`; a CSV for people gets the BOM first.
    public static func write(_ text: String, to path: String, bom: Bool = false) throws {
        try write(to: path) { temporary in
            try Data(((bom ? utf8BOM : "") + text).utf8).write(to: URL(fileURLWithPath: temporary))
        }
    }
}
