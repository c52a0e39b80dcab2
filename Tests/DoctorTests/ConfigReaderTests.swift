import Foundation
import HTTPAuth
import Testing

@testable import Doctor

/// The configuration readers on what a stranger's tree may hold: an `include` of a device, a FIFO or a folder is
/// said as an error naming the line, never read until memory runs out or forever.
@Suite struct ConfigReaderTests {
    func folder() throws -> String {
        let path = NSTemporaryDirectory() + "gatehouse-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test(arguments: ["/dev/zero", "/dev/urandom", "/tmp"])
    func nginxIncludeOfWhatIsNotAFileIsAnError(target: String) throws {
        let root = try folder()
        try "events {}\nhttp { include \(target); }\n".write(toFile: root + "/nginx.conf", atomically: true, encoding: .utf8)
        #expect(throws: ConfigReadError.self) { try NginxConfig.read(path: root + "/nginx.conf") }
    }

    @Test(arguments: ["/dev/zero", "/dev/urandom"])
    func apacheIncludeOfADeviceIsAnError(target: String) throws {
        let root = try folder()
        try "ServerRoot \(root)\nInclude \(target)\n".write(toFile: root + "/apache2.conf", atomically: true, encoding: .utf8)
        #expect(throws: ConfigReadError.self) { try ApacheConfig.read(path: root + "/apache2.conf") }
    }

    /// ingress-nginx writes why it denied a location as a comment above `return 503`
    /// (https://github.com/kubernetes/ingress-nginx/pull/2583): the reader keeps it for that directive, and the doctor
    /// names a missing auth secret as the password file that was never written. A comment elsewhere is no reason.
    @Test func aControllersDenialReasonIsReadFromItsComment() throws {
        let root = try folder()
        let denied = """
            events {}
            http { server { listen 80;
              location / {
                set $namespace "default";
                # Location denied. Reason: "the secret basic-auth does not contain a key with value auth"
                return 503;
              }
              # Location denied. Reason: "not above a return"
              location /b/ { return 503; }
            } }
            """
        try denied.write(toFile: root + "/nginx.conf", atomically: true, encoding: .utf8)
        let findings = try ConfigDiagnosis.run(path: root + "/nginx.conf").findings
        #expect(findings.map(\.id) == [.passwordFileError])
        #expect(findings.first?.location == root + "/nginx.conf:6")
        #expect(findings.first?.explanation.contains("does not contain a key with value auth") == true)
    }
}
