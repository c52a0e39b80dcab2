import Foundation
import Gateway
import HTTPAuth
import Passwords

/// A temporary folder with a user file, an htdigest file and a config, for in-process gateway tests.
struct GatewayFixture {
    let folder: String

    init(routes: String) throws {
        folder = NSTemporaryDirectory() + "gatehouse-gateway-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var users = HtpasswdFile()
        try users.set("alice", hash: PasswordHash.make("alice-pw", format: .sha1))
        try users.write(to: folder + "/users.htpasswd")
        var digest = HtdigestFile()
        try digest.set("alice", realm: "Example", password: "alice-pw")
        try digest.write(to: folder + "/users.htdigest")
        try """
            store: sqlite:gatehouse.sqlite
            realm: Example
            lockout: { failures: 0 }
            routes:
            \(routes)
            """.write(toFile: folder + "/gatehouse.yaml", atomically: true, encoding: .utf8)
    }

    var config: GatewayConfig {
        get throws { try ConfigLoader.load(path: folder + "/gatehouse.yaml") }
    }
}
