import Foundation

/// The files behind the paths given to `gatehouse logs`: a file stays as it is; a folder (`/var/log/nginx/`)
/// stands for the logs in it, the current ones and the rotated ones (`access.log`, `access.log.1`,
/// `access.log.2.gz`, `*.jsonl`), by name; other files in it are left alone. A folder without logs stays as it is,
/// so that the report says it could not be read.
public enum LogPaths {
    public static func expand(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
                let names = try? FileManager.default.contentsOfDirectory(atPath: path)
            else { return [path] }
            let logs = names.filter(isLogName).sorted().map { (path as NSString).appendingPathComponent($0) }
            return logs.isEmpty ? [path] : logs
        }
    }

    /// `x.log`, `x.log.3`, `x.log.3.gz`, `x.log.gz`, `x.log-20261124` (logrotate's `dateext`), `x.jsonl`; not
    /// hidden files.
    static func isLogName(_ name: String) -> Bool {
        guard !name.hasPrefix(".") else { return false }
        var parts = name.lowercased().split(separator: ".").dropFirst()
        if parts.last == "gz" { parts = parts.dropLast() }
        if let last = parts.last, last.allSatisfy(\.isNumber) { parts = parts.dropLast() }
        guard let last = parts.last else { return false }
        return last == "log" || last == "jsonl" || (last.hasPrefix("log-") && last.dropFirst(4).allSatisfy(\.isNumber))
    }
}
