"""The same three operations through Python's Werkzeug (Flask's HTTP library), for a side-by-side ratio."""
import hashlib, time
from werkzeug.datastructures import WWWAuthenticate, Authorization

CHALLENGE = 'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"'

def measure(name, iterations, body):
    body()
    start = time.perf_counter()
    for _ in range(iterations):
        body()
    print(f"{name}\t{iterations / (time.perf_counter() - start):.0f} ops/s")

measure("parse-challenges", 100_000, lambda: WWWAuthenticate.from_header(CHALLENGE))
measure("basic-decode", 200_000, lambda: Authorization.from_header("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="))
def digest():
    h = lambda s: hashlib.sha256(s.encode()).hexdigest()
    ha1 = h("Mufasa:r:Circle of Life"); ha2 = h("GET:/dir/index.html")
    return h(f"{ha1}:nonce:00000001:c:auth:{ha2}")
measure("digest-hash-sha256", 100_000, digest)
