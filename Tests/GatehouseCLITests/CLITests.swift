import Foundation
import Testing

/// Runs the built `gatehouse` binary, as a user would.
@Suite struct CLITests {
    static let binary: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("gatehouse").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("gatehouse")
    }()

    static func run(_ executable: URL, _ arguments: [String], stdin: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    static func gatehouse(_ arguments: String..., stdin: String? = nil) throws -> (status: Int32, out: String, err: String) {
        try run(binary, arguments, stdin: stdin)
    }

    static func apache(_ arguments: String...) throws -> (status: Int32, out: String, err: String) {
        try run(URL(fileURLWithPath: "/usr/bin/htpasswd"), arguments)
    }

    @Test func headerJSONIsExact() throws {
        let result = try Self.gatehouse("header", "--json", #"WWW-Authenticate: Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple""#)
        #expect(result.status == 0)
        #expect(result.out == #"{"challenges":[{"scheme":"Newauth","token68":null,"params":[["realm","apps"],["type","1"],["title","Login to \"apps\""]]},{"scheme":"Basic","token68":null,"params":[["realm","simple"]]}]}"# + "\n")
        let two = try Self.gatehouse("header", "--json", "Basic realm=\"a\"", "Bearer")
        #expect(two.out.contains(#"{"scheme":"Bearer","token68":null,"params":[]}"#), "several arguments are one list")
    }

    @Test func headerNeverPrintsTheBasicPassword() throws {
        for arguments in [["header", "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="], ["header", "--json", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="]] {
            let result = try Self.run(Self.binary, arguments)
            #expect(result.status == 0 && result.out.contains("Aladdin"))
            #expect(!result.out.contains("open sesame") && !result.out.contains("QWxhZGRpbjpvcGVuIHNlc2FtZQ=="))
        }
    }

    @Test func latin1BasicCredentialsShowTheirUser() throws {
        let result = try Self.gatehouse("header", "--json", "Basic dGVzdDoxMjOj")
        #expect(result.out.contains(#""user":"test","charset":"ISO-8859-1""#), "\(result.out)")
    }

    @Test func invalidHeaderExitsTwoWithOffset() throws {
        let result = try Self.gatehouse("header", "--json", "Basic realm=\"a\" b")
        #expect(result.status == 2)
        #expect(result.out.hasPrefix(#"{"error":{"offset":16,"message":"#))
        let named = try Self.gatehouse("header", "WWW-Authenticate: Basic realm=\"a\", realm=\"b\"")
        #expect(named.status == 2 && named.err.contains("at byte 35"), "offsets count the header name: \(named.err)")
    }

    @Test func bearerJWTClaimsAreShown() throws {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTMwMDgxOTM4MH0.c2ln"
        let result = try Self.gatehouse("header", "--json", "Authorization: Bearer \(jwt)")
        #expect(result.out.contains(#""claims":{"exp":1300819380,"sub":"alice"}"#))
    }

    @Test func tokenCommandVerdicts() throws {
        let jwt = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let expired = try Self.gatehouse("token", "--json", jwt)
        #expect(expired.status == 1 && expired.out.contains(#""failure":"token-expired""#))
        #expect(try Self.gatehouse("token", "not-a-jwt").status == 2)
    }

    @Test func htpasswdInteropBothWays() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ours = directory.appendingPathComponent("ours").path
        let theirs = directory.appendingPathComponent("theirs").path
        for flag in ["-B", "-m", "-s", "-d", "-2", "-5"] {
            #expect(try Self.gatehouse("htpasswd", "-cb\(flag.dropFirst())", ours, "alice", "pw").status == 0, "\(flag)")
            #expect(try Self.apache("-vb", ours, "alice", "pw").status == 0, "Apache verifies our \(flag)")
            #expect(try Self.apache("-vb", ours, "alice", "nope").status == 3, "Apache refuses a wrong password, our \(flag)")
            #expect(try Self.apache("-cb\(flag.dropFirst())", theirs, "bob", "pw").status == 0)
            #expect(try Self.gatehouse("htpasswd", "-vb", theirs, "bob", "pw").status == 0, "we verify Apache's \(flag)")
            #expect(try Self.gatehouse("htpasswd", "-vb", theirs, "bob", "nope").status == 3, "we refuse a wrong password, Apache's \(flag)")
        }
    }

    @Test func htpasswdExitStatusesMatchApache() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("f").path
        let cases: [[String]] = [
            ["-b", directory.appendingPathComponent("missing").path, "a", "b"], ["-cn", file, "a"], ["-nb", "a:b", "p"],
            ["-nbB", "-C", "3", "u", "p"], ["-vb", file, "nobody", "x"], ["-b", file],
        ]
        _ = try Self.apache("-cb", file, "alice", "pw")
        for arguments in cases {
            let apache = try Self.run(URL(fileURLWithPath: "/usr/bin/htpasswd"), arguments)
            let ours = try Self.run(Self.binary, ["htpasswd"] + arguments)
            #expect(ours.status == apache.status, "\(arguments): Apache \(apache.status), ours \(ours.status)")
        }
        let piped = try Self.gatehouse("htpasswd", "-i", file, "carol", stdin: "from stdin\n")
        #expect(piped.status == 0 && piped.err.contains("Adding password for user carol"))
        #expect(try Self.apache("-vb", file, "carol", "from stdin").status == 0)
        #expect(try Self.gatehouse("htpasswd", "-D", file, "carol").err.contains("Deleting password for user carol"))
        try "not a valid line\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try Self.gatehouse("htpasswd", "-b", file, "x", "y").status == 7)
    }

    /// Mutated and random header values: always exit 0 or 2 with a message, never a crash or a hang.
    @Test func fuzzedHeadersExitCleanly() throws {
        let seeds = [#"Digest realm="a", qop="auth", nonce="n", algorithm=SHA-256"#, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", #"Bearer realm="x", error="invalid_token""#]
        var values: [String] = []
        for round in 0..<200 {
            var bytes = Array(seeds[round % seeds.count].utf8)
            for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count)] = UInt8.random(in: 1...255) }
            values.append(String(decoding: bytes, as: UTF8.self))
        }
        for value in values.prefix(60) {
            let result = try Self.gatehouse("header", "--json", value)
            #expect(result.status == 0 || result.status == 2, "\(value.debugDescription) exited \(result.status)")
            #expect(!result.out.isEmpty, "\(value.debugDescription) printed nothing")
        }
    }
}
