#!/usr/bin/env python3
"""Writes testdata/formats/ from real audit records, and EXPECTED.json with the counts each file
must give (computed here, independently of kaudit).

Sources (read-only, see testdata/README.md):
  SHARED/public/panther/rules/**.yml  EKS-, GKE- and AKS-shaped records from panther-analysis tests
  SHARED/public/khi/                  GKE Cloud Logging entries and a native Event (YAML)
  SHARED/public/{kube-audit-log-tool,apisnoop,openshift-clo}/*.json  real pretty-printed Events
  ../audit.log (s5)                   real native events, wrapped in the documented envelopes of
                                      formats for which no public sample exists (CloudWatch
                                      responses, S3 export, EventList batches, Event Hub records,
                                      `oc adm node-logs` hostname prefixes)
Run: python3 make_formats.py /work/shared/testdata   (needs PyYAML only for the YAML sources)
"""
import glob, gzip, io, json, os, sys

SHARED = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/testdata'
HERE = os.path.dirname(os.path.abspath(__file__))
import yaml

def dump(name, text):
    with open(os.path.join(HERE, name), 'w') as f:
        f.write(text)

def compact(o):
    return json.dumps(o, separators=(',', ':'), ensure_ascii=False)

expected = {}

# --- real native events of s5: the first 40 lines of testdata/audit.log under 2,000 bytes
s5 = [l for l in open(os.path.join(HERE, '..', 'audit.log'), encoding='utf-8').read().split('\n') if l and len(l) < 2000][:40]
s5ev = [json.loads(l) for l in s5]
def s5_requests(evs):
    ids = {(e['auditID'], e.get('requestReceivedTimestamp', '')) for e in evs}
    return len(ids)

# --- panther: EKS, AKS, GKE test records, in file order
eks, aks, gke = [], [], []
for f in sorted(glob.glob(os.path.join(SHARED, 'public/panther/rules/**/*.yml'), recursive=True)):
    for t in yaml.safe_load(open(f)).get('Tests', []):
        log = t['Log']
        lt = log.get('p_log_type', '')
        if 'protoPayload' in log:
            gke.append(log)
        elif 'category' in log or 'properties' in log:
            aks.append(log)
        elif lt == 'Amazon.EKS.Audit' or log.get('kind') == 'Event':
            eks.append(log)

def native_usable(e):
    """kaudit's rule: an Event with auditID+stage, or kind Event / auditID with a verb, URI or objectRef."""
    kind = e.get('kind', '')
    if kind and kind != 'Event':
        return False
    if e.get('auditID') and e.get('stage'):
        return True
    if not kind and not e.get('auditID'):
        return False
    return bool(e.get('verb') or e.get('requestURI') or e.get('objectRef'))

# EKS as the S3 export / a log shipper writes it: one event per line (panther adds p_* fields)
dump('eks-panther.jsonl', ''.join(compact(e) + '\n' for e in eks))
ok = sum(native_usable(e) for e in eks)
expected['eks-panther.jsonl'] = {'records': len(eks), 'events': ok, 'malformed': len(eks) - ok, 'skipped': 0}

# AKS records, one per line
def aks_inner(r):
    log = r.get('properties', {}).get('log')
    return json.loads(log) if isinstance(log, str) else log
dump('aks-panther.jsonl', ''.join(compact(r) + '\n' for r in aks))
cats = [r.get('category', '') for r in aks]
audit_recs = [r for r in aks if r.get('category', '').lower() in ('kube-audit', 'kube-audit-admin')]
ok = sum(native_usable(aks_inner(r)) for r in audit_recs)
expected['aks-panther.jsonl'] = {'records': len(aks), 'events': ok, 'skipped': len(aks) - len(audit_recs),
                                 'malformed': len(audit_recs) - ok}

# GKE entries from panther, one per line
dump('gke-panther.jsonl', ''.join(compact(r) + '\n' for r in gke))
k8s = [r for r in gke if r['protoPayload'].get('serviceName') == 'k8s.io']
expected['gke-panther.jsonl'] = {'records': len(gke), 'events': len(k8s), 'skipped': len(gke) - len(k8s), 'malformed': 0}

# GKE entries from khi, as `gcloud logging read --format=json` prints them: a pretty array
khi = [yaml.safe_load(open(f)) for f in sorted(glob.glob(os.path.join(SHARED, 'public/khi/k8s_audit/*.yaml')))]
dump('gke-khi.json', json.dumps(khi, indent=2, ensure_ascii=False) + '\n')
expected['gke-khi.json'] = {'records': len(khi), 'events': len(khi), 'skipped': 0, 'malformed': 0,
                            'users': sorted({e['protoPayload']['authenticationInfo']['principalEmail'] for e in khi}),
                            'verbs': sorted({e['protoPayload']['methodName'].rsplit('.', 1)[1] for e in khi})}

# a native Event as a pretty document (khi's YAML, converted)
ev = yaml.safe_load(open(os.path.join(SHARED, 'public/khi/oss/test-log.yaml')))
dump('khi-event.json', json.dumps(ev, indent=2, ensure_ascii=False) + '\n')
expected['khi-event.json'] = {'records': 1, 'events': 1, 'skipped': 0, 'malformed': 0}

# real pretty-printed single events, byte for byte
for src, name in [('public/kube-audit-log-tool/single-event.json', 'openshift-aws-event.json'),
                  ('public/apisnoop/audit_event.json', 'gce-e2e-event.json')]:
    data = open(os.path.join(SHARED, src), 'rb').read()
    open(os.path.join(HERE, name), 'wb').write(data)
    expected[name] = {'records': 1, 'events': 1, 'skipped': 0, 'malformed': 0}

# the webhook backend's batch: an EventList, pretty-printed; and a stream of EventLists, one per line
dump('eventlist.json', json.dumps({'kind': 'EventList', 'apiVersion': 'audit.k8s.io/v1', 'metadata': {},
                                   'items': s5ev[:20]}, indent=2, ensure_ascii=False) + '\n')
expected['eventlist.json'] = {'records': 20, 'events': 20, 'skipped': 0, 'malformed': 0, 'requests': s5_requests(s5ev[:20])}
batches = [s5ev[0:15], s5ev[15:30], [], s5ev[30:40]]
dump('eventlists.jsonl', ''.join(compact({'kind': 'EventList', 'apiVersion': 'audit.k8s.io/v1', 'metadata': {}, 'items': b}) + '\n' for b in batches))
expected['eventlists.jsonl'] = {'records': 41, 'events': 40, 'skipped': 1, 'malformed': 0, 'requests': s5_requests(s5ev)}

# EKS via CloudWatch Logs: `aws logs filter-log-events` output; the last message is cut as
# CloudWatch cuts events over its size limit (here at 300 bytes, for a small file)
def ms(e):
    import datetime
    t = datetime.datetime.strptime(e['stageTimestamp'][:26], '%Y-%m-%dT%H:%M:%S.%f').replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp() * 1000)
cw_events = [{'logStreamName': 'kube-apiserver-audit-4f1c0b8e2a7d9c36', 'timestamp': ms(e), 'message': l,
              'ingestionTime': ms(e) + 742, 'eventId': str(37000000000000000000000000000000000000000000000000000000 + i)}
             for i, (e, l) in enumerate(zip(s5ev[:12], s5[:12]))]
cw_events.append({'logStreamName': 'kube-apiserver-audit-4f1c0b8e2a7d9c36', 'timestamp': ms(s5ev[12]),
                  'message': s5[12][:300] + '[Truncated...]', 'ingestionTime': ms(s5ev[12]) + 742, 'eventId': '1'})
dump('eks-cloudwatch.json', json.dumps({'events': cw_events, 'searchedLogStreams': [
    {'logStreamName': 'kube-apiserver-audit-4f1c0b8e2a7d9c36', 'searchedCompletely': True}]}, indent=4) + '\n')
expected['eks-cloudwatch.json'] = {'records': 13, 'events': 12, 'skipped': 1, 'skippedTruncated': 1, 'malformed': 0,
                                   'requests': s5_requests(s5ev[:12])}

# EKS S3 export: gzip, each line the CloudWatch timestamp then the event
buf = io.BytesIO()
with gzip.GzipFile(fileobj=buf, mode='wb', mtime=0, compresslevel=9) as g:
    for e, l in zip(s5ev[:30], s5[:30]):
        g.write((e['stageTimestamp'][:23] + 'Z ' + l + '\n').encode())
open(os.path.join(HERE, 'eks-s3-export.log.gz'), 'wb').write(buf.getvalue())
expected['eks-s3-export.log.gz'] = {'records': 30, 'events': 30, 'skipped': 0, 'malformed': 0, 'requests': s5_requests(s5ev[:30])}

# AKS through Event Hub: {"records":[...]} batches, one per line, properties.log as a string
def aks_rec(e, l):
    return {'time': e['stageTimestamp'], 'resourceId': '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS1',
            'category': 'kube-audit', 'operationName': 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
            'properties': {'log': l, 'stream': 'stdout', 'pod': 'kube-apiserver-6d9f8c7b5-x2x9q', 'containerID': '0f3c'}}
recs = [aks_rec(e, l) for e, l in zip(s5ev[:20], s5[:20])]
recs.insert(5, {'time': s5ev[4]['stageTimestamp'], 'category': 'kube-apiserver', 'operationName': 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
                'properties': {'log': 'I1121 14:58:09.989263       1 controller.go:611] quota admission added evaluator', 'stream': 'stderr'}})
dump('aks-eventhub.jsonl', compact({'records': recs[:11]}) + '\n' + compact({'records': recs[11:]}) + '\n')
expected['aks-eventhub.jsonl'] = {'records': 21, 'events': 20, 'skipped': 1, 'skippedForeign': 1, 'malformed': 0,
                                  'requests': s5_requests(s5ev[:20])}

# OpenShift `oc adm node-logs --role=master --path=kube-apiserver/audit.log`: node name, space, event
oc = [l for l in open(os.path.join(SHARED, 'public/openshift-clo/audit_in.log'), encoding='utf-8').read().split('\n') if l][:10]
nodes = ['ip-10-0-133-31.us-east-2.compute.internal', 'ip-10-0-171-104.us-east-2.compute.internal']
dump('openshift-node-logs.log', ''.join(f'{nodes[i % 2]} {l}\n' for i, l in enumerate(oc)))
expected['openshift-node-logs.log'] = {'records': 10, 'events': 10, 'skipped': 0, 'malformed': 0}

# everything at once, one line each: detection is per line
mixed = [s5[0], compact(aks_rec(s5ev[1], s5[1])), compact(khi[0]), nodes[0] + ' ' + s5[2],
         compact({'kind': 'EventList', 'items': s5ev[3:5]}), compact({'events': cw_events[5:7]}), s5[7]]
dump('mixed.log', ''.join(l + '\n' for l in mixed))
expected['mixed.log'] = {'records': 9, 'events': 9, 'skipped': 0, 'malformed': 0}

with open(os.path.join(HERE, 'EXPECTED.json'), 'w') as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write('\n')
print(json.dumps(expected, indent=1, sort_keys=True))
