/// MD4 (RFC 1320), which NTLM's password hash is made of (`NTOWF = MD4(UTF-16LE(password))`, MS-NLMP §3.3.1) and
/// which swift-crypto does not offer. Used for nothing else: MD4 is broken as a hash.
enum MD4 {
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
        var padded = message + [0x80]
        while padded.count % 64 != 56 { padded.append(0) }
        let bits = UInt64(message.count) &* 8
        for shift in stride(from: 0, to: 64, by: 8) { padded.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        for block in stride(from: 0, to: padded.count, by: 64) {
            var x = [UInt32](repeating: 0, count: 16)
            for index in 0..<16 {
                let at = block + index * 4
                x[index] = UInt32(padded[at]) | UInt32(padded[at + 1]) << 8 | UInt32(padded[at + 2]) << 16 | UInt32(padded[at + 3]) << 24
            }
            var (a, b, c, d) = state
            func rotate(_ value: UInt32, _ bits: UInt32) -> UInt32 { value << bits | value >> (32 - bits) }
            for index in [0, 4, 8, 12] {
                a = rotate(a &+ ((b & c) | (~b & d)) &+ x[index], 3)
                d = rotate(d &+ ((a & b) | (~a & c)) &+ x[index + 1], 7)
                c = rotate(c &+ ((d & a) | (~d & b)) &+ x[index + 2], 11)
                b = rotate(b &+ ((c & d) | (~c & a)) &+ x[index + 3], 19)
            }
            for index in [0, 1, 2, 3] {
                a = rotate(a &+ ((b & c) | (b & d) | (c & d)) &+ x[index] &+ 0x5A82_7999, 3)
                d = rotate(d &+ ((a & b) | (a & c) | (b & c)) &+ x[index + 4] &+ 0x5A82_7999, 5)
                c = rotate(c &+ ((d & a) | (d & b) | (a & b)) &+ x[index + 8] &+ 0x5A82_7999, 9)
                b = rotate(b &+ ((c & d) | (c & a) | (d & a)) &+ x[index + 12] &+ 0x5A82_7999, 13)
            }
            for index in [0, 2, 1, 3] {
                a = rotate(a &+ (b ^ c ^ d) &+ x[index] &+ 0x6ED9_EBA1, 3)
                d = rotate(d &+ (a ^ b ^ c) &+ x[index + 8] &+ 0x6ED9_EBA1, 9)
                c = rotate(c &+ (d ^ a ^ b) &+ x[index + 4] &+ 0x6ED9_EBA1, 11)
                b = rotate(b &+ (c ^ d ^ a) &+ x[index + 12] &+ 0x6ED9_EBA1, 15)
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
        }
        return [state.0, state.1, state.2, state.3].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> ($0 * 8)) } }
    }
}
