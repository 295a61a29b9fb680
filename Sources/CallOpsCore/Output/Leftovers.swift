import Foundation

/// What an earlier run killed outright (`kill -9`, a power cut) left beside an output: its
/// temporary files (`.NAME.callops-PID-N.tmp`), the earlier file it kept aside while placing
/// (`.NAME.callops-PID-N.tmp.old`), a backup's unfinished copy (`.NAME.callops-PID.tmp` and its
/// -journal, -wal, -shm), or `daily`'s staging folder (`.daily-staging-PID`). Such a
/// run cannot clean up after itself, so the next run that writes the same name (or into the same
/// folder) does, before it writes (SPEC section 12: a failed run leaves no file behind but the
/// database; the temporary files may hold whole phone numbers).
///
/// Only names of exactly these patterns are touched, only when their PID is no live process
/// (`kill(pid, 0)` fails with ESRCH: a PID reused by a live process keeps its files, to be
/// swept later), only when owned by the current user, and never through a symbolic link.
public enum Leftovers {
    /// Sweeps the leftovers of dead runs that wrote `path`: their temporary files go; a kept
    /// earlier file (`.old`) goes too when `path` is there (the killed run's file, or a later
    /// one, stands in its place), and is put back under `path` when nothing is there.
    public static func sweep(besides path: String) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = "." + url.lastPathComponent + ".callops-"
        for entry in entries(of: folder) where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count)
            // `PID-N` for an output file and its kept file, `PID` alone for a backup's copy and
            // its side files (`AppDatabase.backup`).
            guard let (suffix, numbers) = patterns.first(where: { rest.hasSuffix($0.suffix) }) else { continue }
            let isKept = suffix == ".tmp.old"
            let parts = rest.dropLast(suffix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard numbers.contains(parts.count), parts.allSatisfy(isNumber), let pid = pid_t(parts[0]), isDead(pid) else { continue }
            let leftover = folder + "/" + entry
            guard isOwnRegularFile(leftover) else { continue }
            if isKept { putBack(leftover, at: path) }
            unlink(leftover)
        }
    }

    /// The endings of the temporary names, longest first, with how many numbers come before.
    private static let patterns: [(suffix: String, numbers: ClosedRange<Int>)] = [
        (".tmp.old", 2...2), (".tmp-journal", 1...1), (".tmp-wal", 1...1), (".tmp-shm", 1...1), (".tmp", 1...2),
    ]

    /// Sweeps the staging folders of dead `daily` runs in `folder`: an earlier file a killed run
    /// had moved aside (`old/`) returns where nothing stands in its place; the rest goes.
    public static func sweepStaging(in folder: String) {
        let prefix = ".daily-staging-"
        for entry in entries(of: folder) where entry.hasPrefix(prefix) {
            let digits = entry.dropFirst(prefix.count)
            guard isNumber(digits), let pid = pid_t(digits), isDead(pid) else { continue }
            let staging = folder + "/" + entry
            var info = stat()
            guard lstat(staging, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == geteuid() else { continue }
            restoreKept(from: staging + "/old", to: folder)
            // Removes links inside as links, never what they point at.
            try? FileManager.default.removeItem(atPath: staging)
        }
    }

    /// The names in `folder`, hidden ones included; none when it cannot be read.
    private static func entries(of folder: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    }

    private static func isNumber(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 10 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Whether no process has this PID (EPERM: one of another user's, alive), or only a zombie
    /// does: a run killed under a parent that has yet to reap it (a `( ... & )` in a script).
    private static func isDead(_ pid: pid_t) -> Bool {
        guard pid > 0, pid != getpid() else { return false }
        if kill(pid, 0) == -1 { return errno == ESRCH }
        // Linux's /proc/PID/stat: "PID (COMMAND) STATE ...", the command may hold ") ".
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first == "Z"
    }

    private static func isOwnRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_uid == geteuid()
    }

    /// Links `kept` in at `path` when nothing is there; a link never replaces a file that
    /// appears meanwhile (a live run placing its own), where a rename would.
    private static func putBack(_ kept: String, at path: String) {
        var info = stat()
        if lstat(path, &info) != 0 && errno == ENOENT {
            link(kept, path)
        }
    }

    /// Puts back each kept file under `old` (the same path relative to `folder`) whose place is
    /// empty and whose folder is still there; folders are entered only when they are folders
    /// themselves, not links to one.
    private static func restoreKept(from old: String, to folder: String) {
        for entry in entries(of: old) {
            let kept = old + "/" + entry, target = folder + "/" + entry
            var info = stat(), place = stat()
            guard lstat(kept, &info) == 0, info.st_uid == geteuid() else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if lstat(target, &place) == 0, (place.st_mode & S_IFMT) == S_IFDIR { restoreKept(from: kept, to: target) }
            case S_IFREG:
                putBack(kept, at: target)
            default:
                continue
            }
        }
    }
}
