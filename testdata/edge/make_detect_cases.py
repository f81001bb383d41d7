#!/usr/bin/env python3
"""Generate the `kaudit detect` rule cases in testdata/edge/detect/: hand edits of real audit lines.

Rerun with:  python3 testdata/edge/make_detect_cases.py
Standard library only. Deterministic: the output depends only on the input files below (no clock, no
randomness), so rerunning rewrites every file byte for byte.

Inputs (all already in testdata/):
  audit-2026-11-21T*.log.gz      s5 rotated backups: real kube-apiserver v1.20.2 output (RequestResponse,
                                 all stages); see testdata/README.md

Each file holds one case for one rule of src/detect/rules.yaml: a positive (the rule should fire) or a
near miss (the same request with exactly the condition that matters not met: the positive's edit with one
difference, or the real line itself where the edit is what makes the positive). tests/detect_cases.tsv names
the expectation of each file; each builder below (CASES maps file names to them) says which real lines it
starts from and every edit made to them, and the script prints that for every file.

How edits are made (as in make_edge.py): every event is a real line copied as bytes, and each edit is a
literal byte substitution that must match exactly as often as stated (so key order and JSON escapes such as
\\u0026 stay as the API server wrote them), the removal of a whole top-level member, or the replacement of
its value. One edit applies to every line: the last 4 hex digits of each request's auditID are replaced by a
code unique to the file and request (file number * 256 + request number), so no two requests in
testdata/edge/detect/ share one and none is taken for the real request it was copied from; all stages of a
request get the same new ID. Lines no builder edits are byte-for-byte copies apart from their auditID.
The script checks that every written line is JSON, that the stages of each request agree (verb, URI, user,
impersonatedUser where both have it, addresses, user agent, received timestamp), and prints one line per
file with its events and requests.
"""
import datetime
import gzip
import json
import os
import re
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
OUT = os.path.join(HERE, "detect")

B1441 = "audit-2026-11-21T14-58-41.297.log.gz"
B1415 = "audit-2026-11-21T14-58-15.898.log.gz"
B1459 = "audit-2026-11-21T14-59-15.012.log.gz"
B1500 = "audit-2026-11-21T15-00-17.493.log.gz"
B1549 = "audit-2026-11-21T15-00-49.947.log.gz"
B1553 = "audit-2026-11-21T15-00-53.320.log.gz"

_CACHE = {}


def lines_of(name):
    if name not in _CACHE:
        path = os.path.join(TOP, name)
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rb") as f:
            data = f.read()
        assert data.endswith(b"\n"), name
        _CACHE[name] = data[:-1].split(b"\n")
    return _CACHE[name]


def take(name, n, aid_prefix, stage):
    """Line n (1-based) of a source file, checked against the auditID prefix and stage expected there."""
    raw = lines_of(name)[n - 1]
    ev = json.loads(raw)
    assert ev["auditID"].startswith(aid_prefix) and ev["stage"] == stage, (name, n, ev["auditID"], ev["stage"])
    return raw


def origin(name, n):
    return "%s line %d" % (name.replace(".gz", ""), n)


def sub(raw, old, new, count=1):
    """Replace old by new (bytes); old must occur exactly `count` times."""
    got = raw.count(old)
    assert got == count, (old, got, count)
    return raw.replace(old, new)


def member_span(raw, key):
    """(start, end) of `,"key":VALUE` for a top-level member of the event line."""
    text = raw.decode("utf-8")
    needle = ',"%s":' % key
    assert text.count(needle) == 1, (key, text.count(needle))
    i = text.index(needle)
    _, end = json.JSONDecoder().raw_decode(text, i + len(needle))
    # byte offsets: the line is ASCII up to here in every source used (JSON escapes non-ASCII)
    assert len(text[:end].encode("utf-8")) == end
    return i, end


def drop(raw, key):
    """Remove a top-level member (such as requestObject) from an event line."""
    i, end = member_span(raw, key)
    return raw[:i] + raw[end:]


def replace_member(raw, key, value):
    """Replace the value of a top-level member by `value` (bytes of compact JSON)."""
    i, end = member_span(raw, key)
    return raw[:i] + (',"%s":' % key).encode() + value + raw[end:]


TS = re.compile(rb'"(requestReceivedTimestamp|stageTimestamp)":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})Z"')


def shift(raw, minutes):
    """Move requestReceivedTimestamp and stageTimestamp by whole minutes (nothing else)."""
    def one(m):
        t = datetime.datetime.strptime(m.group(2).decode(), "%Y-%m-%dT%H:%M:%S.%f")
        t += datetime.timedelta(minutes=minutes)
        return b'"%s":"%sZ"' % (m.group(1), t.strftime("%Y-%m-%dT%H:%M:%S.%f").encode())
    out, n = TS.subn(one, raw)
    assert n == 2, n
    return out


# ---------------------------------------------------------------------------------------------
# Identities, copied from real lines (each checked against the line it comes from below).
# ---------------------------------------------------------------------------------------------

OPS = b'"user":{"username":"ops-admin","groups":["system:masters","system:authenticated"]}'
EVE = b'"user":{"username":"eve","groups":["system:authenticated"]}'
CIBOT = (b'"user":{"username":"system:serviceaccount:build:ci-bot","uid":"7dbcdf9f-7e58-4fac-87d7-1f36aaa7cfbf",'
         b'"groups":["system:serviceaccounts","system:serviceaccounts:build","system:authenticated"]}')
NODE = b'"user":{"username":"system:node:worker-7","groups":["system:nodes","system:authenticated"]}'
GC = (b'"user":{"username":"system:serviceaccount:kube-system:generic-garbage-collector",'
      b'"uid":"cda0c885-e33f-4ddc-bab8-0008b4a17dbc",'
      b'"groups":["system:serviceaccounts","system:serviceaccounts:kube-system","system:authenticated"]}')
GC_UA = b'"userAgent":"kube-controller-manager/v1.20.2 (linux/amd64) kubernetes/faecb19/system:serviceaccount:kube-system:generic-garbage-collector"'
NSC = (b'"user":{"username":"system:serviceaccount:kube-system:namespace-controller",'
       b'"uid":"546c6256-f8ed-412f-b39b-8b4b5f93e799",'
       b'"groups":["system:serviceaccounts","system:serviceaccounts:kube-system","system:authenticated"]}')
NSC_UA = b'"userAgent":"kube-controller-manager/v1.20.2 (linux/amd64) kubernetes/faecb19/system:serviceaccount:kube-system:namespace-controller"'
KUBECTL_UA = b'"userAgent":"kubectl/v1.20.2 (linux/amd64) kubernetes/faecb19"'
LOCAL = b'"sourceIPs":["127.0.0.1"]'
ALLOW_EMPTY = b'"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""'


def check_identities():
    assert OPS in take(B1441, 541, "c21dcac7", "RequestReceived")
    assert EVE in take(B1459, 704, "835f1c2e", "RequestReceived")
    assert CIBOT in take(B1459, 226, "abe760d5", "RequestReceived")
    assert NODE in take(B1459, 747, "3893d421", "RequestReceived")
    gc = take(B1415, 173, "9febdfb4", "RequestReceived")
    assert GC in gc and GC_UA in gc
    nsc = take(B1500, 344, "c25b5f25", "RequestReceived")
    assert NSC in nsc and NSC_UA in nsc


# ---------------------------------------------------------------------------------------------
# Builders. Each returns (requests, notes): requests = [[(origin, bytes), ...] per request, stages in
# order]; notes = what was changed, for the summary printed at the end.
# ---------------------------------------------------------------------------------------------

def req(*events):
    return list(events)


# KA003: carol's kubectl exec into staging/debug-box (B1459 lines 636-638: RequestReceived,
# ResponseStarted 400, ResponseComplete 400 "pod debug-box does not have a host assigned"), turned into a
# port-forward to the same pod.
EXEC_URI = b'/pods/debug-box/exec?command=env\\u0026container=box\\u0026stderr=true\\u0026stdout=true"'
EXEC_FAIL = (b'"responseStatus":{"metadata":{},"status":"Failure","reason":"BadRequest","code":400},'
             b'"responseObject":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",'
             b'"message":"pod debug-box does not have a host assigned","reason":"BadRequest","code":400}')


def portforward(accepted):
    out = []
    for n, stage in [(636, "RequestReceived"), (637, "ResponseStarted"), (638, "ResponseComplete")]:
        raw = take(B1459, n, "67a88657", stage)
        raw = sub(raw, EXEC_URI, b'/pods/debug-box/portforward"')
        raw = sub(raw, b'"subresource":"exec"', b'"subresource":"portforward"')
        if accepted and stage != "RequestReceived":
            # the upgraded stream's answer, as in falco's exec_pod.json: code 101, no body
            raw = sub(raw, EXEC_FAIL, b'"responseStatus":{"metadata":{},"code":101}')
        out.append((origin(B1459, n), raw))
    return [out]


def ka003_portforward():
    return portforward(True), [
        "carol's exec of B1459 lines 636-638: requestURI .../pods/debug-box/exec?command=env&... -> "
        ".../pods/debug-box/portforward, objectRef.subresource exec -> portforward; ResponseStarted and "
        "ResponseComplete: the 400 status and its Status body -> responseStatus {metadata:{},code:101} "
        "(an upgraded stream, as in falco exec_pod.json)"]


def ka003_portforward_refused():
    return portforward(False), [
        "the same three lines with only the URI and subresource edits: the real answer stays, 400 "
        "BadRequest 'pod debug-box does not have a host assigned' (not accepted: code is not below 400)"]


# KA004: carol creates staging/debug-box (B1459 lines 630/633), turned into `kubectl debug`: a patch of the
# pod's ephemeralcontainers subresource that adds a busybox debugger targeting container box.
DEBUG_PATCH = (b'{"spec":{"ephemeralContainers":[{"name":"debugger-x7k2q","image":"busybox:1.36","resources":{},'
               b'"terminationMessagePolicy":"File","stdin":true,"tty":true,"targetContainerName":"box"}]}}')
DEBUG_CONTAINER = (b'"ephemeralContainers":[{"name":"debugger-x7k2q","image":"busybox:1.36","resources":{},'
                   b'"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",'
                   b'"imagePullPolicy":"IfNotPresent","stdin":true,"tty":true,"targetContainerName":"box"}],')


def ephemeral(allowed):
    rr = take(B1459, 630, "ecc832e8", "RequestReceived")
    rc = take(B1459, 633, "ecc832e8", "ResponseComplete")
    out = []
    for n, raw in [(630, rr), (633, rc)]:
        raw = sub(raw, b'"requestURI":"/api/v1/namespaces/staging/pods?fieldManager=kubectl-create"',
                  b'"requestURI":"/api/v1/namespaces/staging/pods/debug-box/ephemeralcontainers"')
        raw = sub(raw, b'"verb":"create"', b'"verb":"patch"')
        if n == 630:
            raw = sub(raw, b'"objectRef":{"resource":"pods","namespace":"staging","apiVersion":"v1"}',
                      b'"objectRef":{"resource":"pods","namespace":"staging","name":"debug-box","apiVersion":"v1",'
                      b'"subresource":"ephemeralcontainers"}')
        else:
            raw = sub(raw, b'"name":"debug-box","apiVersion":"v1"}',
                      b'"name":"debug-box","apiVersion":"v1","subresource":"ephemeralcontainers"}')
            if allowed:
                raw = sub(raw, b'"responseStatus":{"metadata":{},"code":201}', b'"responseStatus":{"metadata":{},"code":200}')
                raw = replace_member(raw, "requestObject", DEBUG_PATCH)
                # the pod as returned: the real creation response with the debugger in spec
                raw = sub(raw, b'"imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,'
                               b'"dnsPolicy":"ClusterFirst","serviceAccountName"',
                          b'"imagePullPolicy":"IfNotPresent"}],' + DEBUG_CONTAINER +
                          b'"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName"')
            else:
                raw = sub(raw, b'"responseStatus":{"metadata":{},"code":201}',
                          b'"responseStatus":{"metadata":{},"status":"Failure","reason":"Forbidden","code":403}')
                raw = drop(raw, "requestObject")  # a refused request is logged without its body
                raw = replace_member(raw, "responseObject", (
                    b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"debug-box\\" '
                    b'is forbidden: User \\"carol\\" cannot patch resource \\"pods/ephemeralcontainers\\" in API group '
                    b'\\"\\" in the namespace \\"staging\\"","reason":"Forbidden","details":{"name":"debug-box",'
                    b'"kind":"pods"},"code":403}'))
                raw = sub(raw, b'"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by '
                               b'RoleBinding \\"dev-team-edit/staging\\" of ClusterRole \\"edit\\" to Group \\"dev\\""',
                          b'"authorization.k8s.io/decision":"forbid","authorization.k8s.io/reason":""')
        out.append((origin(B1459, n), raw))
    return [out]


def ka004_ephemeral():
    return ephemeral(True), [
        "carol's pod creation of B1459 lines 630/633: verb create -> patch, requestURI -> "
        "/api/v1/namespaces/staging/pods/debug-box/ephemeralcontainers, objectRef name debug-box and subresource "
        "ephemeralcontainers; ResponseComplete: code 201 -> 200, requestObject -> kubectl debug's patch "
        "(ephemeral container debugger-x7k2q, busybox:1.36, target box), responseObject = the real pod with that "
        "container added to spec (metadata and managedFields as logged)"]


def ka004_ephemeral_denied():
    return ephemeral(False), [
        "the same patch refused: ResponseComplete code 403 Forbidden, no requestObject, a Status body "
        "'cannot patch resource pods/ephemeralcontainers' (shape of s5's real 403 lines), decision forbid"]


# KA005: eve's kubectl logs payments/ledger-worker-0 during her break-glass (B1459 lines 720-722: a
# kubelet-proxied stream that failed with 500, kubelet unreachable), turned into a request through the API
# server's node proxy to the kubelet of worker-7.
def nodeproxy(path):
    out = []
    for n, stage in [(720, "RequestReceived"), (721, "ResponseStarted"), (722, "ResponseComplete")]:
        raw = take(B1459, n, "d9f66f91", stage)
        raw = sub(raw, b'"requestURI":"/api/v1/namespaces/payments/pods/ledger-worker-0/log"',
                  b'"requestURI":"/api/v1/nodes/worker-7/proxy/' + path + b'"')
        raw = sub(raw, b'"objectRef":{"resource":"pods","namespace":"payments","name":"ledger-worker-0","apiVersion":"v1",'
                       b'"subresource":"log"}',
                  b'"objectRef":{"resource":"nodes","name":"worker-7","apiVersion":"v1","subresource":"proxy"}')
        if stage != "RequestReceived":
            raw = sub(raw, b'"responseStatus":{"metadata":{},"status":"Failure","code":500}',
                      b'"responseStatus":{"metadata":{},"code":200}')
            raw = drop(raw, "responseObject")  # a proxied answer is not an API object: no body is logged
        out.append((origin(B1459, n), raw))
    return [out]


def ka005_nodeproxy_pods():
    return nodeproxy(b"pods"), [
        "eve's pods/log of B1459 lines 720-722: requestURI -> /api/v1/nodes/worker-7/proxy/pods (the kubelet's "
        "pod list), objectRef -> nodes/worker-7 subresource proxy; ResponseStarted and ResponseComplete: 500 -> "
        "200 and the Status body removed (proxied answers carry no API object)"]


def ka005_nodeproxy_metrics():
    return nodeproxy(b"metrics"), [
        "the same request to /api/v1/nodes/worker-7/proxy/metrics: the metrics scrape the rule leaves out"]


# KA012: carol creates deployment staging/checkout-ui (B1459 lines 493/494); the deployment controller
# creates its ReplicaSet (B1459 lines 495/496).
NGINX_END = b'"imagePullPolicy":"IfNotPresent"}],"restartPolicy"'
NGINX_MF = b'"f:resources":{},"f:terminationMessagePath":{}'


def privileged_template(n_rr, n_rc, aid, value):
    rr = take(B1459, n_rr, aid, "RequestReceived")
    rc = take(B1459, n_rc, aid, "ResponseComplete")
    # the nginx container of spec.template, in requestObject and responseObject
    rc = sub(rc, NGINX_END, b'"imagePullPolicy":"IfNotPresent","securityContext":{"privileged":%s}}],"restartPolicy"' % value,
             count=2)
    rc = sub(rc, NGINX_MF, b'"f:resources":{},"f:securityContext":{".":{},"f:privileged":{}},"f:terminationMessagePath":{}')
    return [[(origin(B1459, n_rr), rr), (origin(B1459, n_rc), rc)]]


def ka012_privileged_deployment():
    return privileged_template(493, 494, "96f23edd", b"true"), [
        "carol's deployment creation of B1459 lines 493/494: securityContext {privileged: true} added to container "
        "nginx of spec.template in requestObject and responseObject, and f:securityContext/f:privileged to its "
        "managedFields entry"]


def ka012_unprivileged_deployment():
    return privileged_template(493, 494, "96f23edd", b"false"), [
        "the same edit with privileged: false"]


def ka012_privileged_replicaset_by_controller():
    return privileged_template(495, 496, "531dcfb4", b"true"), [
        "the deployment controller's ReplicaSet creation that follows (B1459 lines 495/496), with the same "
        "privileged: true edit of its template: the controller copying a template is the control plane"]


# KA013: ops-admin creates pod payments/ledger-worker-0 (B1441 lines 637/638), moved to kube-system.
def pod_in_kube_system(user):
    rr = take(B1441, 637, "29ee1dd4", "RequestReceived")
    rc = take(B1441, 638, "29ee1dd4", "ResponseComplete")
    rr = sub(rr, b"payments", b"kube-system", count=2)  # requestURI, objectRef.namespace
    rc = sub(rc, b"payments", b"kube-system", count=4)  # and the namespace of request and response objects
    if user:
        rr, rc = sub(rr, OPS, user), sub(rc, OPS, user)
    return [[(origin(B1441, 637), rr), (origin(B1441, 638), rc)]]


def ka013_pod_kube_system():
    return pod_in_kube_system(None), [
        "ops-admin's pod creation of B1441 lines 637/638: namespace payments -> kube-system (requestURI, "
        "objectRef, metadata.namespace of request and response objects)"]


def ka013_pod_kube_system_by_node():
    return pod_in_kube_system(NODE), [
        "the same kube-system pod created by system:node:worker-7 (user block of B1459 line 747), as a kubelet "
        "does for the mirror pod of a static pod: a node identity is control plane"]


# KA019: ops-admin creates role payments/configmap-writer (B1441 lines 541/542); a second rule is added.
CM_RULE_END = b'"resources":["configmaps"]}]'


def role_with(verbs):
    rr = take(B1441, 541, "c21dcac7", "RequestReceived")
    rc = take(B1441, 542, "c21dcac7", "ResponseComplete")
    rc = sub(rc, CM_RULE_END, b'"resources":["configmaps"]},{"verbs":%s,"apiGroups":[""],"resources":["serviceaccounts"]}]'
             % verbs, count=2)
    return [[(origin(B1441, 541), rr), (origin(B1441, 542), rc)]]


def ka019_role_impersonate():
    return role_with(b'["impersonate"]'), [
        "ops-admin's role creation of B1441 lines 541/542: rule {verbs [impersonate], apiGroups [\"\"], resources "
        "[serviceaccounts]} appended to rules in requestObject and responseObject (a harmless-looking role name)"]


def ka019_role_get_serviceaccounts():
    return role_with(b'["get","list","watch"]'), [
        "the same appended rule with verbs [get, list, watch]"]


# KA023: ops-admin binds ci-bot to cluster-admin in tools (B1459 lines 662/665) and eve reads
# payments/ledger-db-creds under break-glass (B1459 lines 704/705); here ci-bot makes the binding, in payments.
BREAK_GLASS_REASON = (b'"authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \\"break-glass-eve\\" of '
                      b'ClusterRole \\"cluster-admin\\" to User \\"eve\\""')
CIBOT_REASON = (b'"authorization.k8s.io/reason":"RBAC: allowed by RoleBinding \\"ci-bot-cluster-admin/payments\\" of '
                b'ClusterRole \\"cluster-admin\\" to ServiceAccount \\"ci-bot/build\\""')


def self_grant(reader, minutes):
    rr = take(B1459, 662, "06b22a48", "RequestReceived")
    rc = take(B1459, 665, "06b22a48", "ResponseComplete")
    rr = sub(sub(rr, OPS, CIBOT), b"tools", b"payments", count=2)  # requestURI, objectRef.namespace
    rc = sub(sub(rc, OPS, CIBOT), b"tools", b"payments", count=4)  # and metadata.namespace of both objects
    grant = [(origin(B1459, 662), rr), (origin(B1459, 665), rc)]
    read = []
    for n, stage in [(704, "RequestReceived"), (705, "ResponseComplete")]:
        raw = take(B1459, n, "835f1c2e", stage)
        if reader == "ci-bot":
            raw = sub(raw, EVE, CIBOT)
            if stage == "ResponseComplete":
                raw = sub(raw, BREAK_GLASS_REASON, CIBOT_REASON)
        if minutes:
            raw = shift(raw, minutes)
        read.append((origin(B1459, n), raw))
    return [grant, read]


def ka023_self_grant_then_read():
    return self_grant("ci-bot", 0), [
        "ops-admin's rolebinding creation of B1459 lines 662/665 (ci-bot-cluster-admin: ServiceAccount build/ci-bot "
        "-> ClusterRole cluster-admin) made by system:serviceaccount:build:ci-bot (user block of B1459 line 226) "
        "in namespace payments instead of tools (requestURI, objectRef, both objects' metadata.namespace; "
        "authorization reason left as logged, empty); then eve's get of payments/ledger-db-creds (B1459 lines "
        "704/705, 3.4 s later) made by ci-bot, its authorization reason naming the new binding"]


def ka023_self_grant_other_reader():
    return self_grant("eve", 0), [
        "the same binding by ci-bot; the secret read stays eve's (as logged): the account that bound itself "
        "does not use the rights"]


def ka023_self_grant_read_after_window():
    return self_grant("ci-bot", 11), [
        "the same binding and ci-bot read, the read's requestReceivedTimestamp and stageTimestamp moved 11 minutes "
        "later (15:10:10.999608): outside the rule's 10 minutes"]


# KA029: eve's curl probes of payments secrets at 14:58:40 (B1441 lines 647-656, five denied gets), the
# resource of requests 2-5 changed so that one identity is refused on several resource types.
def denied_types(resources):
    out = []
    names = [(647, "a905f9cc"), (649, "b88cfd19"), (651, "67931289"), (653, "482db8f1"), (655, "165c4802")]
    for (n, aid), res in zip(names, resources):
        rr = take(B1441, n, aid, "RequestReceived")
        rc = take(B1441, n + 1, aid, "ResponseComplete")
        if res != b"secrets":
            # requestURI and objectRef.resource; in the 403: the message (twice) and details.kind
            rr = sub(rr, b"secrets", res, count=2)
            rc = sub(rc, b"secrets", res, count=5)
        out.append([(origin(B1441, n), rr), (origin(B1441, n + 1), rc)])
    return out


def ka029_denied_five_types():
    return denied_types([b"secrets", b"configmaps", b"pods", b"serviceaccounts", b"services"]), [
        "eve's five denied gets of B1441 lines 647-656 (payments/stripe-api-key, ledger-db-creds, smtp-relay, "
        "old-deploy-key, registry-push-token; 14:58:40.437-40.535): the resource of requests 2-5 -> configmaps, pods, "
        "serviceaccounts, services (requestURI, objectRef.resource, the 403 message and details.kind)"]


def ka029_denied_four_types():
    return denied_types([b"secrets", b"configmaps", b"pods", b"serviceaccounts", b"secrets"]), [
        "the same five denials with request 5 left on secrets: four resource types"]


# KA037: ops-admin creates Opaque secret payments/stripe-api-key (B1441 lines 555/556); the token
# controller creates token secret build/default-token-fxzqr (B1441 lines 489/490).
def ka037_token_secret_by_user():
    rr = take(B1441, 555, "fd40699e", "RequestReceived")
    rc = take(B1441, 556, "fd40699e", "ResponseComplete")
    rc = sub(rc, b'"type":"Opaque"', b'"type":"kubernetes.io/service-account-token"', count=2)
    rc = sub(rc, b'"metadata":{"name":"stripe-api-key","creationTimestamp":null}',
             b'"metadata":{"name":"stripe-api-key","creationTimestamp":null,'
             b'"annotations":{"kubernetes.io/service-account.name":"default"}}')
    rc = sub(rc, b'"creationTimestamp":"2026-11-21T14:58:36Z","managedFields"',
             b'"creationTimestamp":"2026-11-21T14:58:36Z","annotations":{"kubernetes.io/service-account.name":"default"},'
             b'"managedFields"')
    return [[(origin(B1441, 555), rr), (origin(B1441, 556), rc)]], [
        "ops-admin's secret creation of B1441 lines 555/556: type Opaque -> kubernetes.io/service-account-token in "
        "requestObject and responseObject, and the annotation kubernetes.io/service-account.name: default added to "
        "both objects' metadata"]


def ka037_opaque_secret_by_user():
    rr = take(B1441, 555, "fd40699e", "RequestReceived")
    rc = take(B1441, 556, "fd40699e", "ResponseComplete")
    return [[(origin(B1441, 555), rr), (origin(B1441, 556), rc)]], [
        "the same lines unedited (apart from the auditID): type Opaque"]


def ka037_token_secret_by_controller():
    rr = take(B1441, 489, "dd64eb14", "RequestReceived")
    rc = take(B1441, 490, "dd64eb14", "ResponseComplete")
    return [[(origin(B1441, 489), rr), (origin(B1441, 490), rc)]], [
        "the token controller's real creation of token secret build/default-token-fxzqr (B1441 lines 489/490, "
        "unedited apart from the auditID): system:kube-controller-manager is control plane"]


# KA039/KA040: the CSR requests are written at level Metadata (no request or response object): the s5
# cluster made no CSR, and neither rule reads a body.
def ka039_csr(user):
    rr = take(B1441, 617, "962dbf10", "RequestReceived")
    rc = take(B1441, 621, "962dbf10", "ResponseComplete")
    out = []
    for n, raw in [(617, rr), (621, rc)]:
        raw = sub(raw, b'"level":"RequestResponse"', b'"level":"Metadata"')
        raw = sub(raw, b'"requestURI":"/api/v1/nodes?fieldManager=kubectl-create"',
                  b'"requestURI":"/apis/certificates.k8s.io/v1/certificatesigningrequests?fieldManager=kubectl-create"')
        if n == 617:
            raw = sub(raw, b'"objectRef":{"resource":"nodes","apiVersion":"v1"}',
                      b'"objectRef":{"resource":"certificatesigningrequests","apiGroup":"certificates.k8s.io","apiVersion":"v1"}')
        else:
            raw = sub(raw, b'"objectRef":{"resource":"nodes","name":"worker-7","apiVersion":"v1"}',
                      b'"objectRef":{"resource":"certificatesigningrequests","name":"ops-admin-client",'
                      b'"apiGroup":"certificates.k8s.io","apiVersion":"v1"}')
            raw = drop(drop(raw, "requestObject"), "responseObject")
        if user:
            raw = sub(raw, OPS, user)
        out.append((origin(B1441, n), raw))
    return [out]


def ka039_csr_by_user():
    return ka039_csr(None), [
        "ops-admin's node creation of B1441 lines 617/621 as a CSR creation: level RequestResponse -> Metadata, "
        "requestURI -> /apis/certificates.k8s.io/v1/certificatesigningrequests?fieldManager=kubectl-create, objectRef "
        "-> certificatesigningrequests (certificates.k8s.io) named ops-admin-client, requestObject and "
        "responseObject removed"]


def ka039_csr_by_node():
    return ka039_csr(NODE), [
        "the same CSR created by system:node:worker-7 (user block of B1459 line 747), as a kubelet rotating its "
        "client certificate does"]


CERTCTL = (b'"user":{"username":"system:serviceaccount:kube-system:certificate-controller",'
           b'"groups":["system:serviceaccounts","system:serviceaccounts:kube-system","system:authenticated"]}')
CERTCTL_UA = b'"userAgent":"kube-controller-manager/v1.20.2 (linux/amd64) kubernetes/faecb19/system:serviceaccount:kube-system:certificate-controller"'


def ka040_approval(controller):
    out = []
    for n, stage in [(604, "RequestReceived"), (605, "ResponseComplete")]:
        raw = take(B1459, n, "173f1f85", stage)
        raw = sub(raw, b'"level":"RequestResponse"', b'"level":"Metadata"')
        raw = sub(raw, b'"requestURI":"/api/v1/namespaces/staging/configmaps/feature-toggles?fieldManager=kubectl-label"',
                  b'"requestURI":"/apis/certificates.k8s.io/v1/certificatesigningrequests/ops-admin-client/approval"')
        raw = sub(raw, b'"verb":"patch"', b'"verb":"update"')
        raw = sub(raw, b'"objectRef":{"resource":"configmaps","namespace":"staging","name":"feature-toggles","apiVersion":"v1"}',
                  b'"objectRef":{"resource":"certificatesigningrequests","name":"ops-admin-client",'
                  b'"apiGroup":"certificates.k8s.io","apiVersion":"v1","subresource":"approval"}')
        if stage == "ResponseComplete":
            raw = drop(drop(raw, "requestObject"), "responseObject")
        if controller:
            raw = sub(sub(raw, OPS, CERTCTL), KUBECTL_UA, CERTCTL_UA)
        out.append((origin(B1459, n), raw))
    return [out]


def ka040_csr_approved_by_user():
    return ka040_approval(False), [
        "ops-admin's configmap patch of B1459 lines 604/605 as `kubectl certificate approve ops-admin-client`: level "
        "RequestResponse -> Metadata, verb patch -> update, requestURI -> /apis/certificates.k8s.io/v1/"
        "certificatesigningrequests/ops-admin-client/approval, objectRef -> that CSR with subresource approval, "
        "requestObject and responseObject removed"]


def ka040_csr_approved_by_controller():
    return ka040_approval(True), [
        "the same approval by system:serviceaccount:kube-system:certificate-controller (groups and user agent in the "
        "form of s5's other kube-system controllers, no uid: s5 has no line of this account), the built-in approver"]


# KA041: ops-admin deletes clusterrolebinding break-glass-eve (B1459 lines 727/728), turned into the
# deletion of a validating webhook configuration.
def ka041_delete(user):
    out = []
    for n, stage, k in [(727, "RequestReceived", 2), (728, "ResponseComplete", 3)]:
        raw = take(B1459, n, "b95fd157", stage)
        # requestURI, objectRef.apiGroup (and DeleteOptions' apiVersion and the Status details' group)
        raw = sub(raw, b"rbac.authorization.k8s.io", b"admissionregistration.k8s.io", count=k + (1 if k == 3 else 0))
        raw = sub(raw, b"clusterrolebindings", b"validatingwebhookconfigurations", count=k)
        raw = sub(raw, b"break-glass-eve", b"gatekeeper-validating-webhook-configuration", count=k)
        if user:
            raw = sub(sub(raw, OPS, GC), KUBECTL_UA, GC_UA)
        out.append((origin(B1459, n), raw))
    return [out]


def ka041_webhook_deleted():
    return ka041_delete(False), [
        "ops-admin's delete of clusterrolebinding break-glass-eve (B1459 lines 727/728) as the delete of "
        "validatingwebhookconfiguration gatekeeper-validating-webhook-configuration: rbac.authorization.k8s.io -> "
        "admissionregistration.k8s.io, clusterrolebindings -> validatingwebhookconfigurations, break-glass-eve -> "
        "the new name, wherever they occur (requestURI, objectRef, DeleteOptions apiVersion, Status details)"]


def ka041_webhook_deleted_by_gc():
    return ka041_delete(True), [
        "the same delete by system:serviceaccount:kube-system:generic-garbage-collector (user block and user agent "
        "of B1415 line 173), as when the webhook's owner is deleted"]


# KA042: ops-admin's cleanup tool deletes configmap build/artifact-cache-024 (B1553 lines 108/109), turned
# into the deletion of a core Event.
EVENT_NAME = b"ci-runner-0.187a2b3c4d5e6f70"


def ka042_delete(user, group=False):
    out = []
    for n, stage, k in [(108, "RequestReceived", 2), (109, "ResponseComplete", 3)]:
        raw = take(B1553, n, "e87a6509", stage)
        raw = sub(raw, b"configmaps", b"events", count=k)  # requestURI, objectRef.resource, details.kind
        raw = sub(raw, b"artifact-cache-024", EVENT_NAME, count=k)  # requestURI, objectRef.name, details.name
        if group:
            raw = sub(raw, b'"requestURI":"/api/v1/namespaces/build/events/',
                      b'"requestURI":"/apis/events.k8s.io/v1/namespaces/build/events/')
            raw = sub(raw, b'"name":"%s","apiVersion":"v1"}' % EVENT_NAME,
                      b'"name":"%s","apiGroup":"events.k8s.io","apiVersion":"v1"}' % EVENT_NAME)
            if stage == "ResponseComplete":
                raw = sub(raw, b'"details":{"name":"%s","kind":"events"' % EVENT_NAME,
                          b'"details":{"name":"%s","group":"events.k8s.io","kind":"events"' % EVENT_NAME)
        if user:
            raw = sub(sub(raw, OPS, NSC), b'"userAgent":"release-orchestrator/4.1 (burst)"', NSC_UA)
        out.append((origin(B1553, n), raw))
    return [out]


def ka042_event_deleted():
    return ka042_delete(False), [
        "ops-admin's (user agent release-orchestrator/4.1) delete of configmap build/artifact-cache-024 of B1553 "
        "lines 108/109 as the delete of core event build/%s (requestURI, objectRef, Status details)"
        % EVENT_NAME.decode()]


def ka042_events_k8s_io_event_deleted():
    return ka042_delete(False, group=True), [
        "the same delete through the events.k8s.io API: requestURI /apis/events.k8s.io/v1/namespaces/build/events/..., "
        "objectRef.apiGroup and the Status details' group events.k8s.io"]


def ka042_event_deleted_by_namespace_controller():
    return ka042_delete(True), [
        "the same delete by system:serviceaccount:kube-system:namespace-controller (user block and user agent of "
        "B1500 line 344, where it deletes the events of namespace tools)"]


# KA044/KA045: ops-admin labels configmap staging/feature-toggles (B1459 lines 604/605), moved and renamed.
def configmap_patch(namespace, name):
    out = []
    for n, stage, k in [(604, "RequestReceived", 2), (605, "ResponseComplete", 3)]:
        raw = take(B1459, n, "173f1f85", stage)
        # requestURI, objectRef (and the response object's metadata); data is left as logged
        if namespace != b"staging":
            raw = sub(raw, b"staging", namespace, count=k)
        raw = sub(raw, b"feature-toggles", name, count=k)
        out.append((origin(B1459, n), raw))
    return [out]


def ka044_aws_auth_patched():
    return configmap_patch(b"kube-system", b"aws-auth"), [
        "ops-admin's `kubectl label` patch of B1459 lines 604/605 (configmap staging/feature-toggles) on "
        "kube-system/aws-auth: namespace and name in requestURI, objectRef and responseObject metadata (data as logged)"]


def ka044_aws_auth_other_namespace():
    return configmap_patch(b"staging", b"aws-auth"), [
        "the same patch of a configmap named aws-auth in staging: only kube-system's maps IAM identities"]


def ka045_coredns_patched():
    return configmap_patch(b"kube-system", b"coredns"), [
        "the same patch on kube-system/coredns"]


def ka045_coredns_autoscaler_patched():
    return configmap_patch(b"kube-system", b"coredns-autoscaler"), [
        "the same patch on kube-system/coredns-autoscaler (the DNS autoscaler's settings, not the Corefile)"]


# KA046: ops-admin impersonates ci-bot (B1459 lines 745/746) and carol (B1459 lines 737/738); the API server
# logs impersonatedUser on the ResponseComplete stage only.
CIBOT_IMP = (b'"impersonatedUser":{"username":"system:serviceaccount:build:ci-bot","groups":["system:serviceaccounts",'
             b'"system:serviceaccounts:build","system:authenticated"]}')


def impersonating(edit):
    rr = take(B1459, 745, "47ed3f25", "RequestReceived")
    rc = take(B1459, 746, "47ed3f25", "ResponseComplete")
    if edit:
        rc = sub(rc, CIBOT_IMP, (b'"impersonatedUser":{"username":"system:serviceaccount:kube-system:'
                                 b'clusterrole-aggregation-controller","groups":["system:serviceaccounts",'
                                 b'"system:serviceaccounts:kube-system","system:authenticated"]}'))
    return [[(origin(B1459, 745), rr), (origin(B1459, 746), rc)]]


def ka046_impersonate_kube_system_sa():
    return impersonating(True), [
        "ops-admin's list of build configmaps as ci-bot (B1459 lines 745/746): impersonatedUser "
        "system:serviceaccount:build:ci-bot -> system:serviceaccount:kube-system:clusterrole-aggregation-controller "
        "(and group system:serviceaccounts:build -> system:serviceaccounts:kube-system)"]


def ka046_impersonate_build_sa():
    return impersonating(False), [
        "the same lines unedited (apart from the auditID): ci-bot is a workload account, not a kube-system one"]


def ka046_impersonate_masters_group():
    rr = take(B1459, 737, "b3419eed", "RequestReceived")
    rc = take(B1459, 738, "b3419eed", "ResponseComplete")
    rc = sub(rc, b'"impersonatedUser":{"username":"carol","groups":["dev","system:authenticated"]}',
             b'"impersonatedUser":{"username":"carol","groups":["dev","system:masters","system:authenticated"]}')
    return [[(origin(B1459, 737), rr), (origin(B1459, 738), rc)]], [
        "ops-admin's list of staging deployments as carol (B1459 lines 737/738): group system:masters added to "
        "impersonatedUser.groups (kubectl --as=carol --as-group=dev --as-group=system:masters)"]


# KA049/KA050: one request each from a new source address.
def from_address(name, n_rr, n_rc, aid, ip):
    rr = take(name, n_rr, aid, "RequestReceived")
    rc = take(name, n_rc, aid, "ResponseComplete")
    new = b'"sourceIPs":["%s"]' % ip
    return [[(origin(name, n_rr), sub(rr, LOCAL, new)), (origin(name, n_rc), sub(rc, LOCAL, new))]]


def ka049_controller_manager_public_ip():
    return from_address(B1441, 619, 620, "30183c87", b"198.51.100.23"), [
        "system:kube-controller-manager's get of serviceaccount kube-system/ttl-controller (B1441 lines 619/620): "
        "sourceIPs 127.0.0.1 -> 198.51.100.23 (TEST-NET-2, not a private range)"]


def ka049_controller_manager_private_ip():
    return from_address(B1441, 619, 620, "30183c87", b"10.0.0.12"), [
        "the same request from 10.0.0.12 (RFC 1918)"]


def ka050_serviceaccount_public_ip():
    return from_address(B1459, 226, 227, "abe760d5", b"203.0.113.45"), [
        "ci-bot's get of configmap build/pipeline-cache-key (B1459 lines 226/227): sourceIPs 127.0.0.1 -> "
        "203.0.113.45 (TEST-NET-3, not a private range)"]


def ka050_serviceaccount_private_ip():
    return from_address(B1459, 226, 227, "abe760d5", b"10.244.1.17"), [
        "the same request from 10.244.1.17 (a pod address, RFC 1918)"]


# Baselines: complete requests of one identity, taken in file order.
def complete_requests(name, user, max_len=None, ua=None):
    """(RequestReceived line, ResponseComplete line) of every request of `user` with both stages in the file."""
    first = OrderedDict()
    last = {}
    for i, raw in enumerate(lines_of(name), 1):
        ev = json.loads(raw)
        if ev["user"].get("username") != user or (ua and ev.get("userAgent") != ua):
            continue
        if ev["stage"] == "RequestReceived":
            first[ev["auditID"]] = i
        elif ev["stage"] == "ResponseComplete":
            last[ev["auditID"]] = i
    out = []
    for aid, i in first.items():
        j = last.get(aid)
        if j and (max_len is None or len(lines_of(name)[j - 1]) <= max_len):
            out.append((i, j))
    return out


def pair(name, i, j):
    a, b = lines_of(name)[i - 1], lines_of(name)[j - 1]
    return [(origin(name, i), a), (origin(name, j), b)]


KCM = "system:kube-controller-manager"


def kcm_baseline(minutes):
    # the first 62 requests of the controller manager in B1415 whose ResponseComplete line is at most 2,000
    # bytes (14:58:11-14:58:12): 60 as they are, then 2 (both gets) moved `minutes` later from 10.0.3.44
    reqs = complete_requests(B1415, KCM, max_len=2000)[:62]
    assert len(reqs) == 62 and reqs[0] == (1, 3), reqs[:2]
    out = [pair(B1415, i, j) for i, j in reqs[:60]]
    for i, j in reqs[60:]:
        evs = []
        for origin_, raw in pair(B1415, i, j):
            assert json.loads(raw)["verb"] == "get", origin_
            evs.append((origin_, shift(sub(raw, LOCAL, b'"sourceIPs":["10.0.3.44"]'), minutes)))
        out.append(evs)
    notes = ["system:kube-controller-manager's first 62 complete requests in B1415 with a ResponseComplete line of "
             "at most 2,000 bytes (line pairs %s), all from 127.0.0.1; the last 2 (gets, lines %s) moved %d minutes "
             "later (requestReceivedTimestamp and stageTimestamp) and their sourceIPs -> 10.0.3.44"
             % (", ".join("%d/%d" % p for p in reqs[:60]), " and ".join("%d/%d" % p for p in reqs[60:]), minutes)]
    return out, notes


def ka051_controller_manager_new_address():
    return kcm_baseline(40)


def ka051_controller_manager_new_address_early():
    return kcm_baseline(20)


CIBOT_USER = "system:serviceaccount:build:ci-bot"


def cibot_baseline(minutes):
    # ci-bot's kubectl requests (14:58:42-14:59:16, B1459 and B1500), then two of its real buildkite-agent
    # requests (15:00:49, B1549), moved `minutes` later
    kubectl = "kubectl/v1.20.2 (linux/amd64) kubernetes/faecb19"
    a = complete_requests(B1459, CIBOT_USER, ua=kubectl)
    b = complete_requests(B1500, CIBOT_USER, ua=kubectl)
    c = complete_requests(B1549, CIBOT_USER, ua="buildkite-agent/3.27 (burst)")[:2]
    assert (len(a), len(b), len(c)) == (49, 2, 2), (len(a), len(b), len(c))
    out = [pair(B1459, i, j) for i, j in a] + [pair(B1500, i, j) for i, j in b]
    for i, j in c:
        out.append([(o, shift(raw, minutes) if minutes else raw) for o, raw in pair(B1549, i, j)])
    notes = ["ci-bot's 51 complete kubectl requests (B1459 line pairs %s; B1500 line pairs %s), then its first 2 "
             "complete buildkite-agent/3.27 requests of B1549 (line pairs %s)%s"
             % (", ".join("%d/%d" % p for p in a), ", ".join("%d/%d" % p for p in b), ", ".join("%d/%d" % p for p in c),
                ", moved %d minutes later (requestReceivedTimestamp and stageTimestamp)" % minutes if minutes
                else ", at their real time (2 minutes after the kubectl ones)")]
    return out, notes


def ka052_serviceaccount_new_client():
    return cibot_baseline(40)


def ka052_serviceaccount_new_client_early():
    return cibot_baseline(0)


# file name -> builder. The order fixes each file's number in the auditID code: append new cases at the end.
CASES = OrderedDict([
    ("KA003-portforward.log", ka003_portforward),
    ("KA003-portforward-refused.log", ka003_portforward_refused),
    ("KA004-ephemeral-container.log", ka004_ephemeral),
    ("KA004-ephemeral-container-denied.log", ka004_ephemeral_denied),
    ("KA005-nodes-proxy-pods.log", ka005_nodeproxy_pods),
    ("KA005-nodes-proxy-metrics.log", ka005_nodeproxy_metrics),
    ("KA012-privileged-deployment.log", ka012_privileged_deployment),
    ("KA012-unprivileged-deployment.log", ka012_unprivileged_deployment),
    ("KA012-privileged-replicaset-by-controller.log", ka012_privileged_replicaset_by_controller),
    ("KA013-pod-in-kube-system.log", ka013_pod_kube_system),
    ("KA013-pod-in-kube-system-by-node.log", ka013_pod_kube_system_by_node),
    ("KA019-role-impersonate.log", ka019_role_impersonate),
    ("KA019-role-read-serviceaccounts.log", ka019_role_get_serviceaccounts),
    ("KA023-self-grant-then-read.log", ka023_self_grant_then_read),
    ("KA023-self-grant-other-reader.log", ka023_self_grant_other_reader),
    ("KA023-self-grant-read-after-window.log", ka023_self_grant_read_after_window),
    ("KA029-denied-five-types.log", ka029_denied_five_types),
    ("KA029-denied-four-types.log", ka029_denied_four_types),
    ("KA037-token-secret-by-user.log", ka037_token_secret_by_user),
    ("KA037-opaque-secret-by-user.log", ka037_opaque_secret_by_user),
    ("KA037-token-secret-by-controller.log", ka037_token_secret_by_controller),
    ("KA039-csr-by-user.log", ka039_csr_by_user),
    ("KA039-csr-by-node.log", ka039_csr_by_node),
    ("KA040-csr-approved-by-user.log", ka040_csr_approved_by_user),
    ("KA040-csr-approved-by-controller.log", ka040_csr_approved_by_controller),
    ("KA041-webhook-deleted.log", ka041_webhook_deleted),
    ("KA041-webhook-deleted-by-gc.log", ka041_webhook_deleted_by_gc),
    ("KA042-event-deleted.log", ka042_event_deleted),
    ("KA042-events-k8s-io-event-deleted.log", ka042_events_k8s_io_event_deleted),
    ("KA042-event-deleted-by-namespace-controller.log", ka042_event_deleted_by_namespace_controller),
    ("KA044-aws-auth-patched.log", ka044_aws_auth_patched),
    ("KA044-aws-auth-other-namespace.log", ka044_aws_auth_other_namespace),
    ("KA045-coredns-patched.log", ka045_coredns_patched),
    ("KA045-coredns-autoscaler-patched.log", ka045_coredns_autoscaler_patched),
    ("KA046-impersonate-kube-system-sa.log", ka046_impersonate_kube_system_sa),
    ("KA046-impersonate-masters-group.log", ka046_impersonate_masters_group),
    ("KA046-impersonate-build-sa.log", ka046_impersonate_build_sa),
    ("KA049-controller-manager-public-ip.log", ka049_controller_manager_public_ip),
    ("KA049-controller-manager-private-ip.log", ka049_controller_manager_private_ip),
    ("KA050-serviceaccount-public-ip.log", ka050_serviceaccount_public_ip),
    ("KA050-serviceaccount-private-ip.log", ka050_serviceaccount_private_ip),
    ("KA051-controller-manager-new-address.log", ka051_controller_manager_new_address),
    ("KA051-controller-manager-new-address-early.log", ka051_controller_manager_new_address_early),
    ("KA052-serviceaccount-new-client.log", ka052_serviceaccount_new_client),
    ("KA052-serviceaccount-new-client-early.log", ka052_serviceaccount_new_client_early),
])

AID = re.compile(rb'"auditID":"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"')
SAME = ("verb", "requestURI", "user", "sourceIPs", "userAgent", "requestReceivedTimestamp", "level")


def renumber(requests, file_no):
    out = []
    for r, events in enumerate(requests, 1):
        code = file_no * 256 + r
        assert code <= 0xFFFF
        olds = {AID.search(raw).group(1) for _, raw in events}
        assert len(olds) == 1, olds
        old = olds.pop()
        new = old[:-4] + b"%04x" % code
        assert new != old
        out.append([(o, sub(raw, b'"auditID":"%s"' % old, b'"auditID":"%s"' % new)) for o, raw in events])
    return out


def check(name, requests):
    ids = set()
    for events in requests:
        evs = [json.loads(raw) for _, raw in events]
        for k in SAME:
            assert len({json.dumps(e.get(k), sort_keys=True) for e in evs}) == 1, (name, k)
        imp = [e["impersonatedUser"] for e in evs if "impersonatedUser" in e]
        assert len({json.dumps(i, sort_keys=True) for i in imp}) <= 1, name
        assert len({e["auditID"] for e in evs}) == 1
        assert evs[0]["auditID"] not in ids, name
        ids.add(evs[0]["auditID"])
    return ids


def main():
    check_identities()
    os.makedirs(OUT, exist_ok=True)
    seen = set()
    for file_no, (name, build) in enumerate(CASES.items(), 1):
        requests, notes = build()
        requests = renumber(requests, file_no)
        ids = check(name, requests)
        assert not ids & seen, name
        seen |= ids
        data = b"".join(raw + b"\n" for events in requests for _, raw in events)
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        srcs = sorted({o.rsplit(" line ", 1)[0] for events in requests for o, _ in events})
        print("%s: %d events, %d requests, %d bytes; from %s" % (
            name, sum(len(e) for e in requests), len(requests), len(data), ", ".join(srcs)))
        for n in notes:
            print("    " + n.replace("B1415", B1415[:-3]).replace("B1441", B1441[:-3]).replace("B1459", B1459[:-3])
                  .replace("B1500", B1500[:-3]).replace("B1549", B1549[:-3]).replace("B1553", B1553[:-3]))
    stale = sorted(set(os.listdir(OUT)) - set(CASES))
    assert not stale, "files in %s that no case writes: %s" % (OUT, stale)


if __name__ == "__main__":
    main()
