import Foundation
import Testing
@testable import HTTPAuth

/// The server side of Digest: nonces, verification, stale, replay, userhash, auth-int and rspauth.
@Suite struct DigestServerTests {
    let secrets = DigestPasswordTable(["Mufasa": "Circle of Life", "J\u{E4}s\u{F8}n Doe": "Secret, or not?"])

    private func respond(
        _ verifier: DigestVerifier, algorithm: DigestAlgorithm = .sha256, user: String = "Mufasa", password: String = "Circle of Life",
        nc: UInt32 = 1, now: Date = Date(), qop: DigestQOP? = nil, body: [UInt8] = []
    ) throws -> DigestResponse {
        let challenge = try verifier.challenges(now: now).map(DigestChallenge.init).first { $0.algorithm == algorithm }!
        return try DigestClient.respond(to: challenge, username: user, password: password, method: "POST", uri: "/dir/index.html", body: body, cnonce: "0a4f113b", nonceCount: nc, qop: qop)
    }

    @Test(arguments: DigestAlgorithm.strongestFirst)
    func rightPasswordPassesWrongFails(algorithm: DigestAlgorithm) async throws {
        let verifier = DigestVerifier(realm: "http-auth@example.org", algorithms: [algorithm])
        let good = try respond(verifier, algorithm: algorithm)
        guard case .authenticated(let user, let info) = await verifier.verify(good, method: "POST", requestTarget: "/dir/index.html", secrets: secrets) else {
            Issue.record("\(algorithm): right password refused"); return
        }
        #expect(user == "Mufasa")
        #expect(info[parameter: "rspauth"]?.count == algorithm.hashFunction.hexLength, "\(algorithm): rspauth")
        let bad = try respond(verifier, algorithm: algorithm, password: "wrong")
        #expect(await verifier.verify(bad, method: "POST", requestTarget: "/dir/index.html", secrets: secrets) == .rejected(.passwordMismatch))
        let unknown = try respond(verifier, algorithm: algorithm, user: "Scar")
        #expect(await verifier.verify(unknown, method: "POST", requestTarget: "/dir/index.html", secrets: secrets) == .rejected(.unknownUser))
    }

    @Test func expiredGenuineNonceIsStaleOnlyWithRightPassword() async throws {
        let verifier = DigestVerifier(realm: "r", nonces: DigestNonces(lifetime: 60))
        let issued = Date(timeIntervalSince1970: 1_700_000_000)
        let late = issued.addingTimeInterval(120)
        let good = try respond(verifier, now: issued)
        #expect(await verifier.verify(good, method: "POST", requestTarget: "/dir/index.html", secrets: secrets, now: late) == .rejected(.staleNonce))
        let bad = try respond(verifier, password: "nope", now: issued)
        #expect(await verifier.verify(bad, method: "POST", requestTarget: "/dir/index.html", secrets: secrets, now: late) == .rejected(.passwordMismatch))
        #expect(verifier.challenges(stale: true).allSatisfy { $0[parameter: "stale"] == "true" })
    }

    @Test func forgedNonceAndReplayAreRefused() async throws {
        let verifier = DigestVerifier(realm: "r", opaque: "shared")
        let other = DigestVerifier(realm: "r", opaque: "shared")
        let forged = try respond(other)
        #expect(await verifier.verify(forged, method: "POST", requestTarget: "/dir/index.html", secrets: secrets) == .rejected(.invalidNonce))
        let first = try respond(verifier, nc: 1)
        #expect(await verifier.verify(first, method: "POST", requestTarget: "/dir/index.html", secrets: secrets) != .rejected(.nonceCountReplay))
        #expect(await verifier.verify(first, method: "POST", requestTarget: "/dir/index.html", secrets: secrets) == .rejected(.nonceCountReplay))
        var second = try DigestClient.respond(
            to: DigestChallenge(realm: "r", nonce: first.nonce, opaque: "shared", algorithm: .sha256), username: "Mufasa",
            password: "Circle of Life", method: "POST", uri: "/dir/index.html", cnonce: "0a4f113b", nonceCount: 2)
        if case .rejected(let failure) = await verifier.verify(second, method: "POST", requestTarget: "/dir/index.html", secrets: secrets) {
            Issue.record("nc 2 refused: \(failure)")
        }
    }

    @Test func uriMustBeTheRequestTarget() async throws {
        let verifier = DigestVerifier(realm: "r")
        let response = try respond(verifier)
        #expect(await verifier.verify(response, method: "POST", requestTarget: "/other", secrets: secrets) == .rejected(.uriMismatch))
        #expect(DigestVerifier.uri("http://www.example.org/dir/index.html", matches: "/dir/index.html"))
    }

    @Test func authIntCoversTheBody() async throws {
        let verifier = DigestVerifier(realm: "r")
        let body = Array("name=value".utf8)
        let response = try respond(verifier, qop: .authInt, body: body)
        #expect(await verifier.verify(response, method: "POST", requestTarget: "/dir/index.html", body: Array("tampered".utf8), secrets: secrets) == .rejected(.passwordMismatch))
        guard case .authenticated = await verifier.verify(response, method: "POST", requestTarget: "/dir/index.html", body: body, secrets: secrets) else {
            Issue.record("auth-int with the right body refused"); return
        }
    }

    @Test func userhashIsResolved() async throws {
        let verifier = DigestVerifier(realm: "api@example.org", algorithms: [.sha512_256], userhash: true)
        let response = try respond(verifier, algorithm: .sha512_256, user: "J\u{E4}s\u{F8}n Doe", password: "Secret, or not?")
        #expect(response.userhash && response.username.count == 64)
        guard case .authenticated(let user, _) = await verifier.verify(response, method: "POST", requestTarget: "/dir/index.html", secrets: secrets) else {
            Issue.record("userhash response refused"); return
        }
        #expect(user == "J\u{E4}s\u{F8}n Doe")
    }

    @Test func challengesOfferStrongestFirst() throws {
        let verifier = DigestVerifier(realm: "r", algorithms: [.sha512_256, .sha256, .md5])
        let offered = try verifier.challenges().map { try DigestChallenge($0).algorithm }
        #expect(offered == [.sha512_256, .sha256, .md5])
        #expect(DigestChallenge.preferred(among: verifier.challenges().reversed())?.algorithm == .sha512_256)
    }
}
