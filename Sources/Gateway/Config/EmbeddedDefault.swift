import Foundation
import HTTPAuth
import Passwords
import Store

/// `gatehouse serve` without a config: a gateway that works the first time, in the current folder.
///
/// It keeps its state beside the user: `gatehouse.sqlite`, and `users.htpasswd` (bcrypt) plus `users.htdigest`
/// (MD5 and SHA-256 lines) holding one user, `admin`, whose generated password is returned once, when the files are
/// made, for printing. The demo page at `/` is protected by Digest and Basic on 127.0.0.1:8080; the dashboard at
/// `/gatehouse/` is for `admin`, who logs in there with the session form; `/metrics` is served to loopback.
public enum EmbeddedDefault {
    public static let realm = "Gatehouse"
    public static let user = "admin"
    public static let dashboardPath = "/gatehouse/"

    /// The configuration, and the new password when the user files were just created.
    public static func prepare(in folder: String, port: Int = 8080) throws -> (config: GatewayConfig, newPassword: String?) {
        let htpasswd = folder + "/users.htpasswd"
        let htdigest = folder + "/users.htdigest"
        var newPassword: String?
        if !FileManager.default.fileExists(atPath: htpasswd) || !FileManager.default.fileExists(atPath: htdigest) {
            let password = generatePassword()
            var users = HtpasswdFile()
            try users.set(user, hash: try PasswordHash.make(password, format: .bcrypt, cost: 10))
            try users.write(to: htpasswd)
            var digest = HtdigestFile()
            try digest.set(user, realm: realm, password: password, hashFunctions: [.md5, .sha256])
            try digest.write(to: htdigest)
            newPassword = password
        }
        var config = GatewayConfig()
        config.port = port
        config.realm = realm
        config.store = .sqlite(path: folder + "/gatehouse.sqlite")
        config.metrics = GatewayConfig.Metrics()
        var route = GatewayConfig.Route(path: "/")
        route.schemes = [.digest, .basic]
        route.users = htpasswd
        route.digestUsers = htdigest
        var dashboard = GatewayConfig.Route(path: dashboardPath)
        dashboard.schemes = [.session]
        dashboard.users = htpasswd
        config.routes = [dashboard, route]
        config.admin = GatewayConfig.Admin(path: dashboardPath, users: [user])
        return (config, newPassword)
    }

    /// 20 characters from an alphabet without look-alikes (about 113 bits).
    static func generatePassword() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
