import json, os, sys
from conftest import doctor
from test_doctor_apache import apache

def test_debug(apache):
    for args in json.loads(os.environ["ARGS"]):
        args = [a.replace("URL", apache["url"]).replace("PROXY", apache["proxy"]) for a in args]
        r = doctor(*args)
        print(json.dumps({k: r[k] for k in ("outcome", "findings")}, indent=1)[:3000])
        for e in r["exchanges"]:
            print(e["purpose"], e["method"], e["url"], e["status"], e.get("error"), [h for h in e.get("request_headers", [])][:5], e.get("response_headers", [])[:8])
