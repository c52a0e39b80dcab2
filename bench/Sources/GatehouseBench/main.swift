import Foundation
import HTTPAuth

// Operations per second of the hot paths: challenge parsing, Basic decoding, Digest verification.
// Run: swift run -c release GatehouseBench   (bench/compare.sh prints it beside Python's Werkzeug)

/// Writes one result line at once (unbuffered), so a long run shows progress.
func report(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func measure(_ name: String, iterations: Int, _ body: () -> Void) {
    body()
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<iterations { body() }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    report(String(format: "%@\t%.0f ops/s", name, Double(iterations) / seconds))
}

let challengeList = #"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", Basic realm="http-auth@example.org", charset="UTF-8""#
measure("parse-challenges", iterations: 200_000) { _ = try! Challenge.parseList(challengeList) }
measure("basic-decode", iterations: 500_000) {
    _ = try! BasicCredentials(Credentials(parsing: "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), charset: .utf8)
}
// The three hashes of an RFC 7616 response (what compare.py measures in Python).
measure("digest-hash-sha256", iterations: 300_000) {
    let ha1 = DigestComputation.userSecret(username: "Mufasa", realm: "r", password: "Circle of Life", hash: .sha256)
    let ha2 = DigestComputation.ha2(method: "GET", uri: "/dir/index.html", qop: .auth, bodyHash: nil, hash: .sha256)
    _ = DigestComputation.response(ha1: ha1, nonce: "nonce", nonceCount: "00000001", cnonce: "c", qop: .auth, ha2: ha2, hash: .sha256)
}
// A whole server-side verification: nonce signature and age, the three hashes, the nc replay check, rspauth.
let verifier = DigestVerifier(realm: "r", algorithms: [.sha256], counter: InMemoryDigestNonceCounter(capacity: 1_000_000))
let challenge = try! DigestChallenge(verifier.challenges()[0])
let secrets = DigestPasswordTable(["Mufasa": "Circle of Life"])
let responses = (1...100_000).map { count in
    try! DigestClient.respond(to: challenge, username: "Mufasa", password: "Circle of Life", method: "GET", uri: "/dir/index.html", cnonce: "c", nonceCount: UInt32(count))
}
let start = DispatchTime.now().uptimeNanoseconds
let group = DispatchGroup()
group.enter()
// Detached: top-level code runs on the main actor, which group.wait() blocks.
Task.detached {
    for response in responses { _ = await verifier.verify(response, method: "GET", requestTarget: "/dir/index.html", secrets: secrets) }
    group.leave()
}
group.wait()
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
report(String(format: "digest-verify-sha256\t%.0f ops/s", Double(responses.count) / seconds))
