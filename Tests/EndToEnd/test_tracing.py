"""OpenTelemetry traces (issue 15, item 6): with `tracing:` every decision is a server span posted to an OTLP/HTTP
collector, with the route, scheme, outcome and reason as attributes, inside the trace of whoever called (a W3C
`traceparent`, RFC-like spec https://www.w3.org/TR/trace-context/), and the upstream continues that trace from the
gateway's span. The collector here decodes what it receives with OpenTelemetry's own protobuf definitions
(`opentelemetry-proto`); OpenTelemetry's Python SDK traces a client before the gateway and an application behind it.
Users come from Apache's own htpasswd (conftest.files)."""
import base64, gzip, os, re, shutil, socket, subprocess, tempfile, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest, ExportTraceServiceResponse

from conftest import PrivateGateway, config, until
from test_tls import make_certificate

SERVER_KIND = 2  # opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER
ERROR_STATUS = 2  # Status.StatusCode.STATUS_CODE_ERROR


class Collector:
    """An OTLP/HTTP trace receiver (`POST /v1/traces`, protobuf) on a free loopback port; keeps every body."""

    def __init__(self):
        collector = self
        self.bodies, self.paths = [], []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                collector.paths.append((self.path, self.headers.get("Content-Type")))
                collector.bodies.append(body)
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def spans(self):
        """Every span received: its protobuf message, its attributes as a dict, and its resource's attributes."""
        found = []
        for body in list(self.bodies):
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            for resource in request.resource_spans:
                owner = attributes(resource.resource.attributes)
                for scope in resource.scope_spans:
                    for span in scope.spans:
                        found.append((span, attributes(span.attributes), owner))
        return found

    def span_of(self, request_id):
        matches = [(span, attrs) for span, attrs, _ in self.spans() if attrs.get("gatehouse.request_id") == request_id]
        return matches[0] if len(matches) == 1 else None

    def close(self):
        self.server.shutdown()


def attributes(pairs):
    values = {}
    for pair in pairs:
        kind = pair.value.WhichOneof("value")
        values[pair.key] = getattr(pair.value, kind) if kind else None
    return values


@pytest.fixture
def collector():
    receiver = Collector()
    yield receiver
    receiver.close()


def traced(upstream, jwks_url, endpoint, extra=""):
    return config(upstream, jwks_url).replace("routes:\n", f"tracing:\n  endpoint: {endpoint}\n{extra}routes:\n", 1)


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


# What each exchange is, and what its span must say beside the audit record.
EXCHANGES = [
    ("no credential", "/basic/", {}, 401),
    ("wrong password", "/basic/", basic("alice", "not-her-password-7Q"), 401),
    ("unknown user", "/basic/", basic("mallory", "mallory-guess-3Z"), 401),
    ("accepted", "/basic/page", basic("alice", "alice-pw"), 200),
    ("not in the group", "/admin/", basic("bob", "bob-pw"), 403),
    ("encoded slash", "/basic%2Fpage", {}, None),
    ("public", "/", {}, 200),
]


def test_every_decision_is_a_span_with_the_audits_route_scheme_outcome_and_reason(files, upstream, jwks_url, collector):
    with PrivateGateway(files, traced(upstream, jwks_url, collector.url)) as gateway:
        sent = []
        for name, path, headers, status in EXCHANGES:
            response = requests.get(gateway.url + path, headers=headers, timeout=10)
            if status is not None:
                assert response.status_code == status, name
            sent.append((name, path, response, gateway.explain(response.headers["X-Request-Id"])))
    # The gateway has stopped (SIGTERM): what was queued must have been exported on the way out.
    assert collector.paths and all(path == "/v1/traces" and kind == "application/x-protobuf" for path, kind in collector.paths)
    resources = {owner.get("service.name") for _, _, owner in collector.spans()}
    assert resources == {"gatehouse"}
    for name, path, response, audit in sent:
        found = collector.span_of(response.headers["X-Request-Id"])
        assert found, f"{name}: no span (or several) for request {response.headers['X-Request-Id']}"
        span, attrs = found
        assert span.kind == SERVER_KIND, name
        assert attrs["http.request.method"] == "GET" and attrs["network.protocol.version"] == "1.1", name
        assert attrs["http.response.status_code"] == response.status_code, name
        assert attrs["gatehouse.outcome"] == audit["outcome"], name
        assert attrs.get("gatehouse.reason") == audit.get("reason"), name
        assert attrs.get("http.route") == audit.get("route"), name
        assert attrs.get("gatehouse.scheme") == audit.get("scheme"), name
        assert attrs["url.path"] == audit["path"], name
        assert attrs["client.address"] == "127.0.0.1", name
        assert span.name == ("GET " + audit["route"] if audit.get("route") else "GET"), name
        assert span.end_time_unix_nano >= span.start_time_unix_nano > 0, name
        assert span.status.code != ERROR_STATUS, f"{name}: a refusal is the client's error, not the server's"
    accepted = collector.span_of(sent[3][2].headers["X-Request-Id"])[1]
    assert accepted["user.name"] == "alice"
    for name in ("wrong password", "unknown user"):
        attrs = collector.span_of(next(r for n, _, r, _ in sent if n == name).headers["X-Request-Id"])[1]
        assert "user.name" not in attrs, f"{name}: a name that was refused is not a user (it may be a mistyped password)"
    exported = b"".join(collector.bodies)
    for secret in (b"alice-pw", b"bob-pw", b"not-her-password-7Q", b"mallory-guess-3Z", b"Basic ", base64.b64encode(b"alice:alice-pw")):
        assert secret not in exported, "a credential left in the exported spans"


def test_the_callers_trace_goes_on_through_the_gateway_to_the_upstream(files, upstream, jwks_url, collector):
    trace_id, caller_span = os.urandom(16).hex(), os.urandom(8).hex()
    with PrivateGateway(files, traced(upstream, jwks_url, collector.url)) as gateway:
        response = requests.get(gateway.url + "/basic/x", headers={**basic("alice", "alice-pw"), "traceparent": f"00-{trace_id}-{caller_span}-01"}, timeout=10)
        assert response.status_code == 200
        request_id = response.headers["X-Request-Id"]
        # Exported while serving, in the batch processor's schedule (5 s), not only at shutdown.
        assert until(lambda: collector.span_of(request_id) is not None, seconds=20), "the span was not exported while serving"
        span, _ = collector.span_of(request_id)
        assert span.trace_id.hex() == trace_id and span.parent_span_id.hex() == caller_span
        received = response.json()["headers"]["traceparent"]
        assert received == f"00-{trace_id}-{span.span_id.hex()}-01", "the upstream continues from the gateway's span"
        # A request without a traceparent starts a trace of its own.
        alone = requests.get(gateway.url + "/", timeout=10)
        assert until(lambda: collector.span_of(alone.headers["X-Request-Id"]) is not None, seconds=20)
        fresh, _ = collector.span_of(alone.headers["X-Request-Id"])
        assert fresh.parent_span_id == b"" and fresh.trace_id.hex() != trace_id
        upstream_saw = alone.json()["headers"]["traceparent"]
        assert upstream_saw == f"00-{fresh.trace_id.hex()}-{fresh.span_id.hex()}-01"


def test_without_tracing_the_callers_traceparent_reaches_the_upstream_untouched(gateway):
    sent = f"00-{os.urandom(16).hex()}-{os.urandom(8).hex()}-01"
    response = requests.get(gateway.url + "/", headers={"traceparent": sent}, timeout=10)
    assert response.json()["headers"]["traceparent"] == sent


def test_an_opentelemetry_client_the_gateway_and_an_opentelemetry_application_make_one_trace(files, jwks_url, collector):
    """OpenTelemetry's own Python SDK on both sides: a client span, whose context the SDK's propagator sends; the
    gateway's span under it; an application that continues from what reached it. All three reach the collector as
    one trace, each the parent of the next (Debian's Caddy 2.6 is built without its `tracing` directive, and
    Debian packages no other traced proxy)."""
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.propagate import extract, inject
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    def tracer(service):
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=collector.url + "/v1/traces")))
        return provider.get_tracer("gatehouse-e2e")

    app_tracer = tracer("application")

    class TracedApp(BaseHTTPRequestHandler):
        def do_GET(self):
            with app_tracer.start_as_current_span("GET /basic/", context=extract(dict(self.headers)), kind=trace.SpanKind.SERVER):
                self.send_response(204)
                self.end_headers()

        def log_message(self, *args):
            pass

    app = ThreadingHTTPServer(("127.0.0.1", 0), TracedApp)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    try:
        with PrivateGateway(files, traced(f"http://127.0.0.1:{app.server_address[1]}", jwks_url, collector.url)) as gateway:
            with tracer("client").start_as_current_span("fetch report", kind=trace.SpanKind.CLIENT):
                headers = basic("alice", "alice-pw")
                inject(headers)
                response = requests.get(gateway.url + "/basic/report", headers=headers, timeout=10)
            assert response.status_code == 204
        by_service = {}
        for span, _, owner in collector.spans():
            by_service.setdefault(owner["service.name"], []).append(span)
        client, = by_service["client"]
        gateway_span, = by_service["gatehouse"]
        application, = by_service["application"]
        assert client.trace_id == gateway_span.trace_id == application.trace_id
        assert gateway_span.parent_span_id == client.span_id, "the gateway's span is the client's child"
        assert application.parent_span_id == gateway_span.span_id, "the application continues from the gateway's span"
    finally:
        app.shutdown()


def test_http2_requests_are_spans_with_their_protocol(files, upstream, jwks_url, collector):
    folder = tempfile.mkdtemp(prefix="gatehouse-trace-tls-")
    try:
        make_certificate(folder, "127.0.0.1")
        tls = f"tls: {{ certificate: {folder}/cert.pem, key: {folder}/key.pem }}\n"
        with PrivateGateway(files, traced(upstream, jwks_url, collector.url, extra="").replace("routes:\n", tls + "routes:\n", 1)) as gateway:
            result = subprocess.run(
                ["curl", "-sk", "--http2", "-o", "/dev/null", "-D", "-", "-w", "%{http_version}", gateway.url + "/basic/"],
                capture_output=True, text=True, timeout=20)
            assert result.stdout.endswith("2")
            request_id = re.search(r"(?im)^x-request-id: (\S+)", result.stdout).group(1)
        span, attrs = collector.span_of(request_id)
        assert attrs["network.protocol.version"] == "2" and attrs["http.response.status_code"] == 401
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_sample_ratio_zero_exports_nothing_and_answers_the_same(files, upstream, jwks_url, collector):
    with PrivateGateway(files, traced(upstream, jwks_url, collector.url, extra="  sample_ratio: 0\n")) as gateway:
        assert requests.get(gateway.url + "/basic/", timeout=10).status_code == 401
        response = requests.get(gateway.url + "/basic/", headers=basic("alice", "alice-pw"), timeout=10)
        assert response.status_code == 200
        # The upstream still gets a trace to continue, marked as not sampled (flags 00).
        assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-00", response.json()["headers"]["traceparent"])
    assert collector.spans() == []


def test_a_collector_that_is_down_changes_no_answer_and_no_shutdown(files, upstream, jwks_url):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{closed.getsockname()[1]}"   # bound, never listening: connections are refused
        with PrivateGateway(files, traced(upstream, jwks_url, down)) as gateway:
            for _ in range(20):
                assert requests.get(gateway.url + "/basic/", timeout=10).status_code == 401
            assert requests.get(gateway.url + "/basic/", headers=basic("alice", "alice-pw"), timeout=10).status_code == 200
            # The queued spans are tried once more on the way out, for at most the export timeout (10 s,
            # OTEL_EXPORTER_OTLP_TIMEOUT): the stop waits no longer than that.
            started = time.monotonic()
            gateway.process.terminate()
            gateway.process.wait(timeout=30)
            assert time.monotonic() - started < 15
            gateway.start()   # PrivateGateway stops it again on the way out
