"""A small NTLM server standing for IIS with Windows authentication, for the tests: it answers `WWW-Authenticate:
Negotiate` and `NTLM` as IIS does, sends an NTLM CHALLENGE with target information (so clients answer with NTLMv2),
keeps the handshake per connection (NTLM authenticates a connection, not a request), and verifies the client's
NTLMv2 response against the user's password as a domain controller would (MS-NLMP §3.3.2). It is checked against
curl --ntlm, the client users have, before the doctor is judged against it.

MD4 is written out here because OpenSSL 3 no longer offers it to Python's hashlib (RFC 1320)."""
import base64, hmac, os, struct
from http.server import BaseHTTPRequestHandler


def md4(message: bytes) -> bytes:
    def rotate(x, n):
        x &= 0xFFFFFFFF
        return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF

    state = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476]
    data = message + b"\x80" + b"\x00" * ((55 - len(message)) % 64) + struct.pack("<Q", len(message) * 8)
    for block in range(0, len(data), 64):
        x = struct.unpack("<16I", data[block:block + 64])
        a, b, c, d = state
        for i in (0, 4, 8, 12):
            a = rotate(a + ((b & c) | (~b & d)) + x[i], 3)
            d = rotate(d + ((a & b) | (~a & c)) + x[i + 1], 7)
            c = rotate(c + ((d & a) | (~d & b)) + x[i + 2], 11)
            b = rotate(b + ((c & d) | (~c & a)) + x[i + 3], 19)
        for i in (0, 1, 2, 3):
            a = rotate(a + ((b & c) | (b & d) | (c & d)) + x[i] + 0x5A827999, 3)
            d = rotate(d + ((a & b) | (a & c) | (b & c)) + x[i + 4] + 0x5A827999, 5)
            c = rotate(c + ((d & a) | (d & b) | (a & b)) + x[i + 8] + 0x5A827999, 9)
            b = rotate(b + ((c & d) | (c & a) | (d & a)) + x[i + 12] + 0x5A827999, 13)
        for i in (0, 2, 1, 3):
            a = rotate(a + (b ^ c ^ d) + x[i] + 0x6ED9EBA1, 3)
            d = rotate(d + (a ^ b ^ c) + x[i + 8] + 0x6ED9EBA1, 9)
            c = rotate(c + (d ^ a ^ b) + x[i + 4] + 0x6ED9EBA1, 11)
            b = rotate(b + (c ^ d ^ a) + x[i + 12] + 0x6ED9EBA1, 15)
        state = [(s + v) & 0xFFFFFFFF for s, v in zip(state, (a, b, c, d))]
    return struct.pack("<4I", *state)


assert md4(b"abc").hex() == "a448017aaf21d8525fc10ae87aa6729d"  # RFC 1320 §A.5


def field(message: bytes, offset: int) -> bytes:
    length, _, start = struct.unpack_from("<HHI", message, offset)
    return message[start:start + length]


def challenge_message(server_challenge: bytes) -> bytes:
    """A CHALLENGE (type 2) for domain CONTOSO on server IIS01, with target information."""
    def pair(kind, text):
        value = text.encode("utf-16-le")
        return struct.pack("<HH", kind, len(value)) + value
    target = "CONTOSO".encode("utf-16-le")
    info = pair(2, "CONTOSO") + pair(1, "IIS01") + pair(4, "contoso.test") + pair(3, "iis01.contoso.test") + struct.pack("<HH", 0, 0)
    flags = 0x00000001 | 0x00000004 | 0x00000200 | 0x00008000 | 0x00010000 | 0x00080000 | 0x00800000
    header_length = 48
    return (b"NTLMSSP\x00" + struct.pack("<I", 2) + struct.pack("<HHI", len(target), len(target), header_length)
            + struct.pack("<I", flags) + server_challenge + b"\x00" * 8
            + struct.pack("<HHI", len(info), len(info), header_length + len(target)) + target + info)


def verify(authenticate: bytes, server_challenge: bytes, passwords: dict) -> str:
    """The DOMAIN\\user an AUTHENTICATE (type 3) proves, or '' when it proves nothing."""
    flags = struct.unpack_from("<I", authenticate, 60)[0]
    decode = (lambda b: b.decode("utf-16-le")) if flags & 1 else (lambda b: b.decode("latin-1"))
    nt, domain, user = field(authenticate, 20), decode(field(authenticate, 28)), decode(field(authenticate, 36))
    password = passwords.get(user.lower())
    if password is None or len(nt) <= 24:
        return ""
    key = hmac.new(md4(password.encode("utf-16-le")), (user.upper() + domain).encode("utf-16-le"), "md5").digest()
    proof = hmac.new(key, server_challenge + nt[16:], "md5").digest()
    return f"{domain}\\{user}" if hmac.compare_digest(proof, nt[:16]) else ""


def handler(passwords, mode="keep-alive", seen=None):
    """An IIS-like handler: `mode` is `keep-alive` (healthy), `close-after-challenge` (HTTP keep-alive off, as
    IIS with keep-alive disabled or a proxy without affinity), `negotiate-only` (the NTLM provider removed),
    `no-method` (401.2 with no challenge: no authentication method enabled), `page:401.3` (and 401.502, 401.503: an
    IIS detailed error page for that sub-status). `seen` collects the Authorization
    values received."""
    class IIS(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_challenge = None

        def refuse(self, challenges, body=b"", close=False, substatus=1):
            page = body or (b"<html><head><title>401 - Unauthorized: Access is denied due to invalid credentials.</title></head>"
                            b"<body><h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2></body></html>")
            self.send_response(401)
            self.send_header("Server", "Microsoft-IIS/10.0")
            for challenge in challenges:
                self.send_header("WWW-Authenticate", challenge)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(page)

        def do_GET(self):
            value = self.headers.get("Authorization", "")
            if seen is not None and value:
                seen.append(value)
            if mode.startswith("page:"):
                # An IIS 10 detailed error page for one sub-status (texts from KB 981280 and Microsoft's 401.3 article,
                # https://techcommunity.microsoft.com/t5/iis-support-blog/troubleshooting-http-401-3-errors-with-process-monitor/ba-p/347370).
                code = mode[5:]
                texts = {"401.3": "You do not have permission to view this directory or page because of the access control list (ACL) configuration or encryption settings for this resource on the Web server.",
                         "401.502": "Too many requests from the same client IP; Dynamic IP Restriction Maximum request rate limit reached.",
                         "401.503": "The IP address is included in the Deny list of IP Restriction."}
                return self.refuse(["Negotiate", "NTLM"], body=(f"<html><head><title>IIS 10.0 Detailed Error - {code} - Unauthorized</title></head><body>"
                                   f"<h3>HTTP Error {code} - Unauthorized</h3><h4>{texts[code]}</h4><table><tr><th>Module</th><td>&nbsp;&nbsp;&nbsp;IIS Web Core</td></tr>"
                                   f"<tr><th>Error Code</th><td>&nbsp;&nbsp;&nbsp;0x80070005</td></tr></table></body></html>").encode())
            if mode == "no-method":
                return self.refuse([], body=b"<html><head><title>IIS 10.0 Detailed Error - 401.2 - Unauthorized</title></head><body>"
                                            b"<h3>HTTP Error 401.2 - Unauthorized</h3><h4>You are not authorized to view this page due to invalid authentication headers.</h4>"
                                            b"<table><tr><th>Module</th><td>&nbsp;&nbsp;&nbsp;IIS Web Core</td></tr>"
                                            b"<tr><th>Logon Method</th><td>&nbsp;&nbsp;&nbsp;Not yet determined</td></tr></table></body></html>")
            offered = ["Negotiate"] if mode == "negotiate-only" else ["Negotiate", "NTLM"]
            scheme, _, token = value.partition(" ")
            if scheme.lower() not in ("ntlm", "negotiate") or not token or (mode == "negotiate-only" and scheme.lower() == "ntlm"):
                return self.refuse(offered)
            message = base64.b64decode(token)
            kind = struct.unpack_from("<I", message, 8)[0] if message.startswith(b"NTLMSSP\x00") else 0
            if kind == 1:
                self.server_challenge = os.urandom(8)
                return self.refuse([f"{scheme} " + base64.b64encode(challenge_message(self.server_challenge)).decode()],
                                   close=mode == "close-after-challenge")
            if kind == 3 and self.server_challenge and verify(message, self.server_challenge, passwords):
                body = b"<html><body>Welcome</body></html>"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            # A type 3 on a connection with no CHALLENGE, or a wrong password: IIS answers 401.1 and starts over.
            self.server_challenge = None
            return self.refuse(offered)

        def log_message(self, *args):
            pass

    return IIS
