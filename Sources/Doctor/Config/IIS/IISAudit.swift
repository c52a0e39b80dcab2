import Foundation

/// `gatehouse doctor web.config`: a site's IIS configuration (a `web.config`, a folder of them, an
/// `applicationHost.config`) read as IIS merges it, with each finding naming its file and line.
enum IISAudit {
    static func findings(path: String) throws -> (files: [String], findings: [Finding]) {
        let configuration = try IISConfiguration(path: path)
        let findings = IISAuthenticationAudit(configuration: configuration).findings() + IISAuthorizationAudit(configuration: configuration).findings()
        return (configuration.files, findings)
    }

    /// Whether a file is IIS's: by its name, or an XML file opening with `<configuration>`.
    static func isIISFile(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent.lowercased()
        if name == "web.config" || name == "applicationhost.config" || name.hasSuffix(".config") && name.contains("web") { return true }
        guard name.hasSuffix(".config") || name.hasSuffix(".xml"), let handle = FileHandle(forReadingAtPath: path),
            let head = try? handle.read(upToCount: 4096)
        else { return false }
        try? handle.close()
        let text = String(decoding: head, as: UTF8.self)
        return text.contains("<configuration") && (text.contains("<system.webServer") || text.contains("<system.web>") || text.contains("<system.applicationHost"))
    }
}
