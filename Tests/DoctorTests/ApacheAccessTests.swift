import Foundation
import HTTPAuth
import Testing

@testable import Doctor

/// Apache configurations that ask for a password and let requests in without one, or protect nothing, as httpd
/// reads them (mod_authz_core's implicit RequireAny, mod_access_compat's Satisfy, AllowOverride, path merging of
/// <Directory> sections). Each is a `config-error`; the corrected forms are not.
@Suite struct ApacheAccessTests {
    func diagnose(_ main: String, files: [String: String] = [:]) throws -> [Finding] {
        let root = NSTemporaryDirectory() + "gatehouse-access-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/www/private", withIntermediateDirectories: true)
        try "alice:{SHA}g2YDYHBhl9R/ddqtGep+ipAO4aU=\n".write(toFile: root + "/users", atomically: true, encoding: .utf8)   // htpasswd -s, password alice-pw
        for (name, text) in files { try text.replacingOccurrences(of: "ROOT", with: root).write(toFile: root + "/" + name, atomically: true, encoding: .utf8) }
        try ("ServerRoot \(root)\n" + main.replacingOccurrences(of: "ROOT", with: root)).write(toFile: root + "/apache2.conf", atomically: true, encoding: .utf8)
        return try ConfigDiagnosis.run(path: root + "/apache2.conf").findings
    }

    static let protected = "AuthType Basic\nAuthName \"x\"\nAuthUserFile ROOT/users\n"

    @Test(arguments: [
        ("Require valid-user\nRequire all granted\n", true),
        ("Require valid-user\nRequire ip 192.168.42.0/24\n", true),
        ("<RequireAll>\nRequire valid-user\nRequire ip 192.168.42.0/24\n</RequireAll>\n", false),
        ("Require valid-user\n", false),
    ])
    func requireLinesAreAlternatives(requires: String, open: Bool) throws {
        let findings = try diagnose("<Directory ROOT/www/private>\n\(Self.protected)\(requires)</Directory>\n")
        #expect(findings.contains { $0.id == .configError } == open, "\(requires): \(findings.map(\.title))")
    }

    @Test func satisfyAnyInAParentFolderReachesTheProtectedOne() throws {
        let findings = try diagnose("<Directory />\nSatisfy Any\nRequire all denied\n</Directory>\n<Directory ROOT/www/private>\n\(Self.protected)Require valid-user\n</Directory>\n")
        #expect(findings.contains { $0.id == .configError && $0.title.contains("Satisfy Any") })
    }

    @Test func aNestedRequireAllGrantedUndoesThePassword() throws {
        let findings = try diagnose(
            "<Directory ROOT/www>\n\(Self.protected)Require valid-user\nAllowOverride All\n</Directory>\n",
            files: ["www/private/.htaccess": "<Limit GET POST>\nRequire all granted\n</Limit>\n"])
        #expect(findings.contains { $0.id == .configError && $0.title.contains("replaces the password") })
    }

    @Test func anAccessFileUnderAllowOverrideNoneIsSaidToBeIgnored() throws {
        let htaccess = Self.protected.replacingOccurrences(of: "ROOT", with: "ROOT") + "Require valid-user\n"
        let ignored = try diagnose("<Directory ROOT/www>\nAllowOverride None\nRequire all granted\n</Directory>\n", files: ["www/private/.htaccess": htaccess])
        #expect(ignored.contains { $0.id == .configError && $0.title.contains("never read") })
        let read = try diagnose("<Directory ROOT/www>\nAllowOverride AuthConfig\nRequire all granted\n</Directory>\n", files: ["www/private/.htaccess": htaccess])
        #expect(!read.contains { $0.title.contains("never read") })
    }

    /// httpd merges `<Location>` sections in the order they are written: a later, longer path keeps what an earlier
    /// prefix set (AuthType, AuthName, AuthUserFile), so its own `Require user` needs nothing more
    /// (test_doctor_apache.py shows Apache answering that location with its Basic challenge).
    @Test func aLongerLocationInheritsTheAuthenticationOfAnEarlierPrefix() throws {
        let findings = try diagnose("<Location /basic/>\n\(Self.protected)Require valid-user\n</Location>\n<Location /basic/admin/>\nRequire user alice\n</Location>\n")
        #expect(!findings.contains { $0.severity == .cause }, "\(findings.map(\.title))")
        let alone = try diagnose("<Location /admin/>\nRequire user alice\n</Location>\n<Location /basic/>\n\(Self.protected)Require valid-user\n</Location>\n")
        #expect(alone.contains { $0.id == .configError && $0.title.contains("without AuthType") }, "an unrelated path inherits nothing")
    }
}
