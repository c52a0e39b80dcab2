import ArgumentParser
import Foundation
import Gateway
import Hummingbird
import Logging

/// `gatehouse serve`: the authentication gateway.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the authentication gateway.",
        discussion: """
            With --config, the YAML file (see docs/gateway.md). Without it, gatehouse.yaml in the current folder if \
            there is one, else the embedded default: a demo page on 127.0.0.1:8080 protected by Digest and Basic, \
            with one user, admin, whose password is printed the first time. SIGHUP, or saving the config file, \
            reloads it. With --check, reads and validates everything serve would (config, TLS certificate, store, \
            user, group and key files, JWKS URLs), prints what it would serve and what to fix, and exits 0 when the \
            gateway would start, 1 when not, like nginx -t.
            """)

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String?

    @Option(help: "Listen on this port instead (0 picks a free one; the port is printed).")
    var port: Int?

    @Flag(help: "Check the configuration and everything it names, print what would be served, and exit (0: it would start).")
    var check = false

    func run() async throws {
        if check { return try await runCheck() }
        var logger = Logger(label: "gatehouse")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        var settings: GatewayConfig
        let file = config ?? (FileManager.default.fileExists(atPath: "gatehouse.yaml") ? "gatehouse.yaml" : nil)
        do {
            if let file {
                settings = try ConfigLoader.load(path: URL(fileURLWithPath: file).standardizedFileURL.path)
            } else {
                let (embedded, password) = try EmbeddedDefault.prepare(in: FileManager.default.currentDirectoryPath)
                settings = embedded
                announceDefault(password: password)
            }
        } catch {
            Terminal.error("gatehouse serve: \(error)")
            throw ExitCode(2)
        }
        if let port { settings.listen(on: port) }
        for warning in StartupWarnings.check(settings) { Terminal.error("warning: \(warning)") }
        let host = settings.host
        let scheme = settings.tls == nil ? "http" : "https"
        let app: any ApplicationProtocol
        do {
            app = try await GatewayApplication.build(config: settings, logger: logger) { port in
                FileHandle.standardOutput.write(Data("gatehouse: listening on \(scheme)://\(host):\(port)/\n".utf8))
            }
        } catch {
            Terminal.error("gatehouse serve: \(error)")
            throw ExitCode(2)
        }
        try await app.runService()
    }

    private func runCheck() async throws {
        guard let file = config ?? (FileManager.default.fileExists(atPath: "gatehouse.yaml") ? "gatehouse.yaml" : nil) else {
            print("gatehouse: no config file given and no gatehouse.yaml here: serve would use the embedded default, which is always valid")
            return
        }
        let report = await GatewayCheck.run(file: URL(fileURLWithPath: file).standardizedFileURL.path)
        print(CheckReportText(report).text, terminator: "")
        if !report.passed { throw ExitCode(1) }
    }

    private func announceDefault(password: String?) {
        var text = "gatehouse: no config given; serving the embedded default (users.htpasswd, users.htdigest, gatehouse.sqlite here).\n"
        text += "gatehouse: the demo page / asks for Digest or Basic; the dashboard \(EmbeddedDefault.dashboardPath) has a login form for \(EmbeddedDefault.user).\n"
        if let password {
            text += "gatehouse: created user '\(EmbeddedDefault.user)' with password \(password)\n"
            text += "gatehouse: it is shown only now; change it with: gatehouse htpasswd -B users.htpasswd \(EmbeddedDefault.user)"
            text += " (and gatehouse htdigest users.htdigest \(EmbeddedDefault.realm) \(EmbeddedDefault.user))\n"
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
