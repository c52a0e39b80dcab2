import Foundation

/// What `gatehouse doctor` was given as a file, told by its name and first bytes: a browser's HAR export, a server
/// configuration (nginx, Apache or IIS, a file or a folder), or logs. Deciding it belongs to the doctor, not to the
/// command line that calls it.
public enum DoctorInput: Sendable, Equatable {
    case har(String)
    case configuration(String)
    /// Log files, read together.
    case logs([String])

    /// The kind of `paths` (existing files or folders): several paths are logs read together; one path is a HAR, a
    /// configuration, or else a log.
    public static func classify(_ paths: [String]) -> DoctorInput {
        guard paths.count == 1, let path = paths.first else { return .logs(paths) }
        if looksLikeHAR(path) { return .har(path) }
        if ConfigDiagnosis.looksLikeConfig(path) { return .configuration(path) }
        return .logs([path])
    }

    /// A `.har` file, or JSON that opens with a `log` object.
    static func looksLikeHAR(_ path: String) -> Bool {
        if path.lowercased().hasSuffix(".har") { return true }
        guard let handle = FileHandle(forReadingAtPath: path), let head = try? handle.read(upToCount: 512) else { return false }
        try? handle.close()
        let text = String(decoding: head, as: UTF8.self).filter { !$0.isWhitespace }
        return text.hasPrefix("{\"log\":")
    }

    /// A name without a scheme that ends like one of the doctor's files (`access.log`, `session.har`), which curl
    /// would take for a host name: to be said as a missing file rather than looked up in DNS.
    public static func namesAFile(_ text: String) -> Bool {
        guard !text.contains(":"), !text.contains("/") else { return false }
        let name = text.lowercased()
        return [".log", ".gz", ".har", ".conf", ".json", ".txt", ".htaccess", ".htpasswd", ".htdigest", ".yaml", ".yml", ".config"].contains { name.hasSuffix($0) }
    }
}

extension HARDiagnosis {
    /// A cause, or entries that could not be read: exit status 1.
    public var foundProblem: Bool { findings.contains { $0.severity == .cause } || !problems.isEmpty }
}

extension ConfigDiagnosis {
    /// A cause in the configuration: exit status 1.
    public var foundProblem: Bool { findings.contains { $0.severity == .cause } }
}
