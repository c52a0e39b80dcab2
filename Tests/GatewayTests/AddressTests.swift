import NIOCore
import Testing

@testable import Gateway

/// Addresses and blocks for allow/deny lists and trusted proxies.
@Suite struct AddressTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.255.1.2", true), ("10.0.0.0/8", "11.0.0.1", false), ("192.0.2.7", "192.0.2.7", true),
        ("192.0.2.7", "192.0.2.8", false), ("2001:db8::/32", "2001:db8:1::5", true), ("2001:db8::/32", "2001:db9::1", false),
        ("0.0.0.0/0", "203.0.113.9", true), ("127.0.0.1/32", "::ffff:127.0.0.1", true), ("::/0", "10.0.0.1", true),
    ])
    func cidrContains(block: String, address: String, expected: Bool) throws {
        let cidr = try #require(CIDR(block))
        let ip = try #require(IPAddress(address))
        #expect(cidr.contains(ip) == expected, "\(block) ∋ \(address)")
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1::2::3", "12345::", "::g", "1.2.3.4/33"])
    func rejectsMalformed(text: String) {
        #expect(CIDR(text) == nil, "\(text)")
    }

    @Test(arguments: ["1..2.3", "1.2.3.", ".1.2.3", "1.2.3.4a", "1.2.3.-4", "0001.2.3.4", "1.2.3.256", "１.2.3.4"])
    func rejectsMalformedIPv4(text: String) {
        #expect(IPAddress(text) == nil, "\(text)")
    }

    @Test func ipv4RoundTrips() throws {
        #expect(try #require(IPAddress("192.0.2.7")).description == "192.0.2.7")
        #expect(try #require(IPAddress("0.0.0.0")).description == "0.0.0.0")
        #expect(try #require(IPAddress("255.255.255.255")).bytes.suffix(4) == [255, 255, 255, 255])
    }

    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() throws {
        let trusted = [try #require(CIDR("127.0.0.1/32")), try #require(CIDR("10.0.0.0/8"))]
        var headers = HTTPFieldsFixture.forwarded("198.51.100.1, 203.0.113.5, 10.0.0.2")
        let viaProxy = ClientAddress.resolve(peer: try .init(ipAddress: "127.0.0.1", port: 1), headers: headers, trusted: trusted)
        #expect(viaProxy.text == "203.0.113.5", "the rightmost address that is not a trusted proxy")
        let direct = ClientAddress.resolve(peer: try .init(ipAddress: "198.51.100.9", port: 1), headers: headers, trusted: trusted)
        #expect(direct.text == "198.51.100.9", "an untrusted peer's X-Forwarded-For is ignored")
        headers = HTTPFieldsFixture.forwarded("not-an-address")
        #expect(ClientAddress.resolve(peer: try .init(ipAddress: "127.0.0.1", port: 1), headers: headers, trusted: trusted).text == "127.0.0.1")
    }
}
