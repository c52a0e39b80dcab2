import Testing
@testable import HTTPAuth

/// The RFC 9110 §11 grammar: byte sweeps, case, empty elements, duplicates, offsets, caps and round trips.
@Suite struct GrammarTests {
    @Test(arguments: ["Basic", "BASIC", "basic", "bAsIc"])
    func schemeNamesIgnoreCaseAndKeepSpelling(spelling: String) throws {
        let challenge = try Challenge.parseList("\(spelling) realm=\"x\"")[0]
        #expect(challenge.scheme == .basic)
        #expect(challenge.scheme.rawName == spelling)
        let credentials = try Credentials(parsing: "\(spelling) QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        #expect(try BasicCredentials(credentials, charset: .utf8).userID == "Aladdin", "\(spelling) is Basic")
    }

    @Test(arguments: ["realm", "REALM", "Realm"])
    func parameterNamesIgnoreCase(spelling: String) throws {
        let challenge = try Challenge.parseList("Basic \(spelling)=\"x\"")[0]
        #expect(challenge.realm == "x")
        #expect(challenge.parameters[0].name == spelling)
    }

    /// Every byte as a one-byte scheme name: tchars parse, everything else is refused (RFC 9110 §5.6.2).
    @Test func byteSweepSchemeName() {
        for byte in UInt8(0)...UInt8(255) {
            let text = String(decoding: [UInt8(ascii: "A"), byte, UInt8(ascii: "Z")], as: UTF8.self)
            guard text.utf8.count == 3 else { continue }
            let result = Result { try Credentials(parsing: text + " realm=x") }
            if byte.isTokenCharacter {
                #expect((try? result.get())?.scheme.rawName == text, "byte 0x\(String(byte, radix: 16)) is a tchar")
            } else if byte != asciiSpace && byte != asciiTab {
                #expect(throws: HTTPAuthError.self, "byte 0x\(String(byte, radix: 16)) tolerated in a scheme") { try result.get() }
            }
        }
    }

    /// Every byte inside a quoted-string: qdtext is kept, control bytes (but HTAB) are refused, and escaped bytes
    /// are unescaped (RFC 9110 §5.6.4).
    @Test func byteSweepQuotedString() throws {
        for byte in UInt8(0)...UInt8(0x7F) where byte != asciiDquote && byte != asciiBackslash {
            let value = "Basic realm=\"a" + String(UnicodeScalar(byte)) + "b\""
            if byte.isQuotedTextCharacter {
                #expect(try Challenge.parseList(value)[0].realm == "a" + String(UnicodeScalar(byte)) + "b", "byte 0x\(String(byte, radix: 16))")
                #expect(try Challenge.parseList("Basic realm=\"a\\" + String(UnicodeScalar(byte)) + "b\"")[0].realm == "a" + String(UnicodeScalar(byte)) + "b")
            } else {
                #expect(throws: HTTPAuthError.self, "control byte 0x\(String(byte, radix: 16)) tolerated") { try Challenge.parseList(value) }
            }
        }
        #expect(try Challenge.parseList("Basic realm=\"caf\u{E9}\"")[0].realm == "caf\u{E9}", "obs-text as UTF-8")
    }

    /// Every byte as a token68 character: token68 bytes form a token68, others fail or become something else.
    @Test func byteSweepToken68() throws {
        for byte in UInt8(0x21)...UInt8(0x7E) {
            let text = "Negotiate ab" + String(UnicodeScalar(byte)) + "cd"
            let parsed = try? Credentials(parsing: text)
            if byte.isToken68Character {
                #expect(parsed?.token68 == "ab" + String(UnicodeScalar(byte)) + "cd", "byte \(UnicodeScalar(byte)) is token68")
            } else {
                #expect(parsed?.token68 == nil, "byte \(UnicodeScalar(byte)) accepted inside token68")
            }
        }
    }

    @Test func errorsCarryByteOffsets() {
        let cases: [(String, Int)] = [
            ("Basic realm=\"x\" junk", 16), ("Basic realm=\"x\", realm=\"y\"", 17), ("Basic realm=\"unterminated", 25),
            ("Basic a=b=c", 9), ("Ba(sic", 2), ("Basic realm=\"a\u{01}\"", 14),
        ]
        for (value, offset) in cases {
            do {
                _ = try Challenge.parseList(value)
                Issue.record("\(value.debugDescription) parsed")
            } catch let error as HTTPAuthError {
                #expect(error.offset == offset, "\(value.debugDescription): \(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func repeatedFieldsAreOneList() throws {
        let challenges = try Challenge.parseList("Digest realm=\"a\", nonce=\"n\"", "Basic realm=\"a\"")
        #expect(challenges.map(\.scheme) == [.digest, .basic])
    }

    @Test func lengthIsCapped() {
        let long = "Basic realm=\"" + String(repeating: "a", count: 20_000) + "\""
        #expect(throws: HTTPAuthError.tooLong(length: long.utf8.count, limit: Challenge.defaultMaximumLength)) { try Challenge.parseList(long) }
        #expect((try? Challenge.parseList(long, maximumLength: 30_000))?.first?.realm?.count == 20_000)
    }

    @Test func serializerEscapesAndRefuses() throws {
        let challenge = BasicChallenge.make(realm: "a \"quoted\" \\ realm")
        let text = try challenge.serialized()
        #expect(text == #"Basic realm="a \"quoted\" \\ realm", charset="UTF-8""#)
        #expect(try Challenge.parseList(text) == [challenge])
        #expect(throws: HTTPAuthError.self) { try BasicChallenge.make(realm: "line\nbreak").serialized() }
        #expect(throws: HTTPAuthError.self) { try Challenge(scheme: .basic, parameters: [AuthParameter("a b", "x")]).serialized() }
        #expect(throws: HTTPAuthError.self) { try Challenge(scheme: .basic, parameters: [AuthParameter("a", "x"), AuthParameter("A", "y")]).serialized() }
        #expect(throws: HTTPAuthError.self) { try Challenge(scheme: .negotiate, token68: "a=b").serialized() }
    }

    @Test func authenticationInfoRoundTrip() throws {
        let info = try AuthenticationInfo(parsing: "rspauth=\"abc\", qop=auth, nc=00000001, cnonce=\"x y\"")
        #expect(info[parameter: "qop"] == "auth" && info[parameter: "cnonce"] == "x y")
        #expect(try AuthenticationInfo(parsing: info.serialized()) == info)
    }

    /// Random and mutated values never crash or hang; they parse and round-trip, or throw HTTPAuthError.
    @Test func mutatedValuesNeverCrash() throws {
        let seeds = [
            "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, nonce=\"7ypf/xlj9XXw\", opaque=\"FQhe\"",
            "Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\"", "Negotiate abc==, Bearer",
        ]
        let alphabet = Array(" ,=\"\\\t;:abcAZ09+/-._~!\u{0}\u{7F}\u{E9}".utf8)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<5_000 {
            var bytes = Array(seeds[round % seeds.count].utf8)
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let position = Int.random(in: 0...bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                case 1 where position < bytes.count: bytes.remove(at: position)
                default: if position < bytes.count { bytes[position] = UInt8.random(in: 0...255, using: &generator) }
                }
            }
            let value = String(decoding: bytes, as: UTF8.self)
            do {
                let parsed = try Challenge.parseList(value)
                if let text = try? parsed.serialized() { #expect(try Challenge.parseList(text) == parsed, "\(value.debugDescription)") }
            } catch let error as HTTPAuthError {
                if let offset = error.offset { #expect(offset <= value.utf8.count, "\(value.debugDescription)") }
            }
            _ = try? Credentials(parsing: value)
        }
    }
}
