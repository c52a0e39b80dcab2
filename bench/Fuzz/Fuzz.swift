import Foundation
import HTTPAuth
@testable import Tokens

@testable import Doctor
@testable import Gateway
@testable import LogAnalysis

/// One input for every reader of input from strangers (`bench/fuzz.sh` builds this with `-sanitize=fuzzer,address`
/// and runs each target through libFuzzer's driver, `main.swift`). The target is chosen by `GATEHOUSE_FUZZ_TARGET`;
/// each consumes the bytes as the gateway, `header`, `token`, `doctor` or `logs` would, and must neither trap nor hang.
func fuzz(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
    let text = String(decoding: bytes, as: UTF8.self)
    switch FuzzTarget.current {
    case .authHeader:
        _ = try? AuthField.parse(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        _ = try? Challenge.parseList(text)
    case .credentials:
        if let credentials = try? Credentials(parsing: text) {
            _ = try? BasicCredentials(credentials, charset: .utf8)
            _ = try? BasicCredentials(credentials, charset: .latin1)
            _ = try? DigestResponse(credentials)
            _ = try? BearerChallenge(Challenge(scheme: credentials.scheme, token68: credentials.token68, parameters: credentials.parameters))
        }
        _ = try? BasicCredentials(token68: text, charset: BasicCredentials.detectCharset(ofToken68: text) ?? .utf8)
    case .jwt:
        if let token = try? DecodedJWT(text) {
            _ = ClaimChecks(token: token, policy: TokenPolicy(audience: "api", issuer: "https://idp.example", leeway: 30), now: Date()).all
            if let critical = token.header["crit"] { _ = TokenVerifier.criticalCheck(critical) }
        }
        _ = APIKeyToken(text)
    case .har:
        _ = HARFile.read(bytes)
    case .logLines:
        var clock = MinuteClock()
        bytes.withUnsafeBytes { line in
            if let parsed = CombinedLine.parse(line, clock: &clock) {
                _ = parsed.path(in: line).map { line.text($0) }
                _ = parsed.userAgent(in: line).map { line.text($0) }
            }
            _ = JSONLogLine.parse(line)
            _ = FuzzTarget.customFormat.parse(line, clock: &clock)
        }
        _ = ErrorLogLine.apache(text)
        _ = ErrorLogLine.nginx(text)
        _ = LogFormat.detect(text.split(separator: "\n").map(String.init))
        _ = CustomLogFormat(text)
    case .nginxConfig:
        FuzzTarget.withFile(bytes) { _ = try? NginxConfig.read(path: $0) }
    case .apacheConfig:
        FuzzTarget.withFile(bytes) { _ = try? ApacheConfig.read(path: $0) }
    case .requestTarget:
        if let target = try? CanonicalTarget(requestTarget: text) {
            // What the gateway sends on must read back as itself.
            let again = try? CanonicalTarget(requestTarget: target.target)
            precondition(again?.path == target.path, "not idempotent: \(text.debugDescription)")
        }
        _ = HostField.isValid(text)
        _ = SessionEndpoints.safeNext(text)
    }
    return 0
}

/// The readers `fuzz` can drive.
enum FuzzTarget: String, CaseIterable {
    case authHeader = "auth-header"
    case credentials
    case jwt
    case har
    case logLines = "log-lines"
    case nginxConfig = "nginx-config"
    case apacheConfig = "apache-config"
    case requestTarget = "request-target"

    static let current: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["GATEHOUSE_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            fatalError("GATEHOUSE_FUZZ_TARGET must be one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return target
    }()

    /// A layout like the combined one, so the custom-format reader gets lines it can nearly read.
    static let customFormat = CustomLogFormat(#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i""#)!

    private static let folder: String = {
        let path = "/dev/shm/gatehouse-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Writes the input as a configuration file (includes relative to it stay inside the folder) and reads it.
    static func withFile(_ bytes: [UInt8], _ body: (String) -> Void) {
        let path = folder + "/server.conf"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        body(path)
    }
}
