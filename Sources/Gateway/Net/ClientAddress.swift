import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The client's address: the peer, or, when the peer is a trusted proxy, the nearest address in
/// `X-Forwarded-For` that is not itself a trusted proxy (counting from the right, since only the part appended by
/// trusted proxies can be believed).
enum ClientAddress {
    static func resolve(peer: SocketAddress?, headers: HTTPFields, trusted: [CIDR]) -> (text: String, address: IPAddress?) {
        let peerText = peer?.ipAddress ?? "unknown"
        guard let peerAddress = IPAddress(peerText) else { return (peerText, nil) }
        guard !trusted.isEmpty, trusted.contains(peerAddress) else { return (peerAddress.description, peerAddress) }
        let chain = headers[values: HTTPField.Name("X-Forwarded-For")!]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in chain.reversed() {
            guard let address = IPAddress(hop) else { break }
            if !trusted.contains(address) { return (address.description, address) }
        }
        return (peerAddress.description, peerAddress)
    }
}
