import Foundation
import Testing
@testable import HTTPAuth

/// The NTLM and SPNEGO messages in Fixtures/ntlm_vectors.json: MS-NLMP §4.2 sample messages (4.2.2.3 NTLMv1,
/// 4.2.3.3 extended session security, 4.2.4.3 NTLMv2), messages curl sends and receives in its own tests, and
/// SPNEGO tokens from Windows clients and servers; each failure names the vector and its source.
@Suite struct NegotiateTokenTests {
    nonisolated(unsafe) static let vectors = (try! Fixtures.json("ntlm_vectors"))["messages"] as! [[String: Any]]

    static func expectMatches(_ message: NTLMMessage, _ expect: [String: Any], _ name: String) {
        #expect(message.kind.rawValue == expect["type"] as? Int, "\(name): type")
        #expect(String(format: "0x%08x", message.flags) == expect["flags"] as? String, "\(name): flags")
        #expect(message.unicode == (expect["unicode"] as? Bool ?? message.unicode), "\(name): unicode")
        for (key, value) in [("domain", message.domain), ("user", message.user), ("workstation", message.workstation), ("target_name", message.targetName), ("server_challenge_hex", message.serverChallenge), ("version", message.version)] {
            guard let expected = expect[key] as? String else { continue }
            #expect((value ?? "") == expected, "\(name): \(key)")
        }
        if let length = expect["nt_response_length"] as? Int { #expect(message.ntResponseLength == length, "\(name): nt_response_length") }
        if let length = expect["lm_response_length"] as? Int { #expect(message.lmResponseLength == length, "\(name): lm_response_length") }
        if let version = expect["ntlm_version"] as? String { #expect(message.responseVersion?.rawValue == version, "\(name): ntlm_version") }
        if expect["anonymous"] as? Bool == true { #expect(message.responseVersion == .anonymous, "\(name): anonymous") }
    }

    @Test func everyVectorDecodesAsItsSourceSays() throws {
        #expect(Self.vectors.count >= 10)
        for vector in Self.vectors {
            let name = "\(vector["name"] as! String) (\(vector["source"] as! String))"
            let expect = vector["expect"] as! [String: Any]
            let token = try NegotiateToken(base64: vector["base64"] as! String)
            if expect["type"] != nil {
                guard case .ntlm(let message) = token else {
                    Issue.record("\(name): not read as NTLM")
                    continue
                }
                Self.expectMatches(message, expect, name)
            } else if let kind = expect["spnego"] as? String {
                guard case .spnego(let spnego) = token else {
                    Issue.record("\(name): not read as SPNEGO")
                    continue
                }
                #expect(spnego.kind.rawValue == kind, "\(name): kind")
                if let mechs = expect["mechs"] as? [String] { #expect(spnego.mechanisms.map(\.description) == mechs, "\(name): mechs") }
                if let state = expect["negState"] as? String { #expect(spnego.state?.rawValue == state, "\(name): negState") }
                if let mech = expect["supported_mech"] as? String { #expect(spnego.supportedMechanism?.description == mech, "\(name): supported mech") }
                if let mic = expect["mech_list_mic"] as? Bool, kind == "negTokenResp" { #expect(spnego.hasMechListMIC == mic, "\(name): mechListMIC") }
                switch (expect["inner"] as? String, spnego.inner) {
                case (let inner?, .kerberos(let message)?): #expect(message.rawValue == inner, "\(name): inner")
                case (let inner?, .ntlm(let message)?):
                    #expect(inner == "ntlm-type-\(message.kind.rawValue)", "\(name): inner")
                    if let ntlm = expect["ntlm"] as? [String: Any] { Self.expectMatches(message, ntlm, name) }
                case (nil, nil): break
                case (let inner, let found): Issue.record("\(name): inner \(inner ?? "none") but read \(String(describing: found))")
                }
            } else if expect["gss"] as? String == "kerberos" {
                #expect(token == .kerberos(KerberosMessage(rawValue: expect["inner"] as! String)!), "\(name)")
            } else {
                Issue.record("\(name): a vector without an expectation")
            }
        }
    }

    /// The server's domain and computer names come from the CHALLENGE's target information (MS-NLMP §2.2.2.1).
    @Test func challengeNamesTheServerAndDomain_MSNLMP_4_2_4_3() throws {
        let vector = try #require(Self.vectors.first { ($0["name"] as! String).contains("4.2.4.3 NTLMv2 CHALLENGE") })
        let message = try #require(try NegotiateToken(base64: vector["base64"] as! String).ntlm)
        #expect(message.targetInfo["netbios_domain"] == "Domain")
        #expect(message.targetInfo["netbios_computer"] == "Server")
        #expect(message.flagNames.contains("TARGET_INFO") && message.flagNames.contains("UNICODE"))
    }

    /// Truncations and corruptions of every vector are refused with an error, never a crash or an out-of-range read.
    @Test func damagedTokensAreErrorsNotCrashes() throws {
        for vector in Self.vectors {
            let bytes = Array(Data(base64Encoded: vector["base64"] as! String)!)
            for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)) {
                _ = try? NegotiateToken(bytes: Array(bytes.prefix(cut)))
            }
            for index in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)) {
                var damaged = bytes
                damaged[index] ^= 0xFF
                _ = try? NegotiateToken(bytes: damaged)
            }
        }
        #expect(throws: NegotiateTokenError.notBase64) { try NegotiateToken(base64: "not base64!") }
        #expect(throws: NegotiateTokenError.self) { try NegotiateToken(base64: "TlRMTVNTUAAD") }
        #expect(throws: NegotiateTokenError.self) { try NegotiateToken(base64: "YIIBAA==") }
    }
}

/// The NTLM client against MS-NLMP's own numbers: MD4 (RFC 1320 §A.5), NTOWFv2 and the NTLMv2 response of §4.2.4.
@Suite struct NTLMClientTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func md4TestSuite_RFC1320_A5() {
        let vectors = [
            ("", "31d6cfe0d16ae931b73c59d7e0c089c0"), ("a", "bde52cb31de33e46245e05fbdbd6fb24"), ("abc", "a448017aaf21d8525fc10ae87aa6729d"),
            ("message digest", "d9130a8164549fe818874806e1c7014b"), ("abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"),
            ("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "e33b4ddc9c38f2199c3e7b164fcc0536"),
        ]
        for (message, digest) in vectors { #expect(Self.hex(MD4.hash(Array(message.utf8))) == digest, "MD4(\"\(message)\")") }
    }

    /// MS-NLMP §4.2.4.1.1: NTOWFv2("Password", "User", "Domain") = 0c868a403bfd7a93a3001ef22ef02e3f; §4.2.4.2.2:
    /// the NTLMv2 response to the §4.2.4.3 CHALLENGE with client challenge aa…aa and time 0 begins with
    /// 68cd0ab851e51c96aabc927bebef6a1c, as the §4.2.4.3 AUTHENTICATE message carries it.
    @Test func ntlmv2Response_MSNLMP_4_2_4() throws {
        let client = NTLMClient(login: "Domain\\User", password: "Password", workstation: "COMPUTER")
        #expect(Self.hex(client.ntowfv2()) == "0c868a403bfd7a93a3001ef22ef02e3f")
        let vectors = NegotiateTokenTests.vectors
        let challengeText = try #require(vectors.first { ($0["name"] as! String).contains("4.2.4.3 NTLMv2 CHALLENGE") }?["base64"] as? String)
        let expected = try #require(vectors.first { ($0["name"] as! String).contains("4.2.4.3 NTLMv2 AUTHENTICATE") }?["base64"] as? String)
        let challengeBytes = Array(Data(base64Encoded: challengeText)!)
        let challenge = try NTLMMessage(bytes: challengeBytes)
        let answer = client.authenticate(challenge: challenge, challengeBytes: challengeBytes, clientChallenge: [UInt8](repeating: 0xAA, count: 8), time: 0)
        let ours = try NTLMMessage(bytes: Array(Data(base64Encoded: answer)!))
        #expect(ours.user == "User" && ours.domain == "Domain" && ours.workstation == "COMPUTER" && ours.responseVersion == .v2)
        // The NT response (NTProofStr + blob) is the specification's, byte for byte.
        func ntResponse(_ text: String) -> [UInt8] {
            let bytes = Array(Data(base64Encoded: text)!)
            let length = Int(bytes[20]) | Int(bytes[21]) << 8
            let offset = Int(bytes[24]) | Int(bytes[25]) << 8
            return Array(bytes[offset..<(offset + length)])
        }
        #expect(Self.hex(Array(ntResponse(answer).prefix(16))) == "68cd0ab851e51c96aabc927bebef6a1c")
        #expect(ntResponse(answer) == ntResponse(expected))
        #expect(try NegotiateToken(base64: NTLMClient.negotiate).ntlm?.kind == .negotiate)
    }
}
