#!/usr/bin/env python3
"""Generate the `kaudit detect` cases of its design faults in testdata/edge/detect/: edits of real 1.36 lines.

Rerun with:  python3 testdata/edge/make_detect_attempts.py
Standard library only. Deterministic (no clock, no randomness): rerunning rewrites every file byte for byte.

Input: testdata/modern/d1/*.log.gz, real kube-apiserver v1.36.2 output (RequestResponse, all stages; see
testdata/README.md). Each case copies the events of one real request (found by auditID), parses each line as JSON,
makes the edits its builder states, and writes it back compact, keys in the API server's order (Python's json
keeps them). Lines not edited are written back the same way; `<`, `>` and `&` are escaped as \\u003c, \\u003e,
\\u0026 as Go writes them. Every request gets a new auditID (its last 4 hex digits: a code unique to the case),
the same for all its stages, so none is taken for the real request it was copied from.

The cases, each with what the rule must do (tests/detect_cases.tsv, tests/detect.rs):
  attempt-exec-denied.log       oscar's exec (B: eeaeca01) as eve, refused by RBAC: KA001 fires, outcome denied
  attempt-exec-failed.log       the same exec authorized, then 500 before the stream opened: KA001, outcome failed
  attempt-binding-invalid.log   the frank-cluster-admin binding (db0a16eb) answered 422 Invalid: KA016, failed
  addon-sa-lists-secrets.log    frank's cluster-wide list of secrets (4a7ffda7) by kube-system's coredns: KA032
  controller-lists-secrets.log  the same by kube-system's namespace-controller (the control plane): no KA032
  xff-spoofed-private.log       infra:pipeline's list of pods (aa9d48cc) connecting from 203.0.113.9 with a
                                client-set X-Forwarded-For of 10.0.0.5: KA050 fires on the connecting address
  xff-claimed-public.log        the reverse: a public address claimed, 10.1.2.3 connected: no KA050
  exec-credential-command.log   oscar's exec running `mysql -u root -phunter2 -e "select 1"`: KA001 shows the
                                command with the password hidden
"""
import gzip
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
D1 = os.path.join(TOP, "modern", "d1")
OUT = os.path.join(HERE, "detect")


def events_of(prefix):
    """The events (parsed, in file order) of the one real request whose auditID starts with prefix."""
    found = []
    for name in sorted(os.listdir(D1)):
        if not name.startswith("audit-") or not name.endswith(".log.gz"):
            continue
        with gzip.open(os.path.join(D1, name), "rt", encoding="utf-8") as f:
            for line in f:
                if ('"auditID":"%s' % prefix) in line:
                    found.append(json.loads(line))
    ids = {e["auditID"] for e in found}
    assert len(ids) == 1, (prefix, ids)
    return found


def dump(ev):
    text = json.dumps(ev, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def write(name, code, events):
    for ev in events:
        ev["auditID"] = ev["auditID"][:-4] + "%04x" % code
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        for ev in events:
            f.write(dump(ev) + "\n")
    stages = ",".join(e["stage"] for e in events)
    print("%-30s %d events (%s)" % (name, len(events), stages))


def as_user(ev, username, groups):
    ev["user"] = {"username": username, "groups": groups}


def forbidden(ev, message):
    """A final stage's answer as RBAC's refusal: 403, decision forbid, the Status body (RequestResponse)."""
    status = {"metadata": {}, "status": "Failure", "message": message, "reason": "Forbidden", "code": 403}
    ev["responseStatus"] = status
    ev["responseObject"] = dict({"kind": "Status", "apiVersion": "v1"}, **status)
    ev["annotations"]["authorization.k8s.io/decision"] = "forbid"
    ev["annotations"]["authorization.k8s.io/reason"] = ""


def exec_denied():
    evs = [e for e in events_of("eeaeca01") if e["stage"] != "ResponseStarted"]
    for e in evs:
        as_user(e, "eve", ["interns", "system:authenticated"])
    forbidden(evs[-1], 'pods "cashier-0" is forbidden: User "eve" cannot get resource "pods/exec" in API group ""'
                       ' in the namespace "billing"')
    return evs


def exec_failed():
    evs = [e for e in events_of("eeaeca01") if e["stage"] != "ResponseStarted"]
    msg = "error dialing backend: dial tcp 127.0.0.1:10250: connect: connection refused"
    status = {"metadata": {}, "status": "Failure", "message": msg, "reason": "InternalError", "code": 500}
    evs[-1]["responseStatus"] = status
    evs[-1]["responseObject"] = dict({"kind": "Status", "apiVersion": "v1"}, **status)
    return evs


def binding_invalid():
    evs = events_of("db0a16eb")
    msg = ('ClusterRoleBinding.rbac.authorization.k8s.io "frank-cluster-admin" is invalid: subjects[0].kind: '
           'Unsupported value: "Usr": supported values: "Group", "ServiceAccount", "User"')
    status = {"metadata": {}, "status": "Failure", "message": msg, "reason": "Invalid", "code": 422}
    for e in evs:
        if "requestObject" in e:
            e["requestObject"]["subjects"][0]["kind"] = "Usr"
    evs[-1]["responseStatus"] = status
    evs[-1]["responseObject"] = dict({"kind": "Status", "apiVersion": "v1"}, **status)
    return evs


def exec_credential():
    evs = events_of("eeaeca01")
    words = ["mysql", "-u", "root", "-phunter2", "-e", "select 1"]
    query = "&".join("command=" + w.replace(" ", "+") for w in words)
    for e in evs:
        e["requestURI"] = e["requestURI"].replace("command=id", query)
    return evs


def lists_secrets(sa):
    evs = events_of("4a7ffda7")
    for e in evs:
        as_user(e, "system:serviceaccount:kube-system:" + sa,
                ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"])
        e["userAgent"] = "coredns/v1.12.0" if sa == "coredns" else (
            "kube-controller-manager/v1.36.2 (linux/amd64) kubernetes/98b3519/system:serviceaccount:kube-system:" + sa)
    return evs


def pipeline_from(ips):
    evs = events_of("aa9d48cc")
    for e in evs:
        e["sourceIPs"] = ips
    return evs


def main():
    os.makedirs(OUT, exist_ok=True)
    write("attempt-exec-denied.log", 0xA001, exec_denied())
    write("attempt-exec-failed.log", 0xA002, exec_failed())
    write("attempt-binding-invalid.log", 0xA003, binding_invalid())
    write("addon-sa-lists-secrets.log", 0xA004, lists_secrets("coredns"))
    write("controller-lists-secrets.log", 0xA005, lists_secrets("namespace-controller"))
    write("xff-spoofed-private.log", 0xA006, pipeline_from(["10.0.0.5", "203.0.113.9"]))
    write("xff-claimed-public.log", 0xA007, pipeline_from(["203.0.113.9", "10.1.2.3"]))
    write("exec-credential-command.log", 0xA008, exec_credential())


if __name__ == "__main__":
    main()
