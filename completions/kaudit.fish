# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kaudit_global_optspecs
    string join \n h/help V/version
end

function __fish_kaudit_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kaudit_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kaudit_using_subcommand
    set -l cmd (__fish_kaudit_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kaudit -n "__fish_kaudit_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_needs_command" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "summary" -d 'Overview of the logs: files, events, requests, codes, time span, top users/verbs/resources'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "events" -d 'One row per matching request, in the order requests completed'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "timeline" -d 'The story in time order: one readable line per request, repeats collapsed'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "who" -d 'Who: one row per actor (effective user) with requests, denials, verbs, resources, IPs'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "what" -d 'What: one row per verb and resource (or object) with requests, users, codes'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "where" -d 'Where: one row per source IP (or user agent) with requests, users, denials'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "top" -d 'Top: group requests by any fields, with share, error rate and latency percentiles'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "when" -d 'When: a time histogram of the matching requests, with peak, first/last and log gaps'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "latency" -d 'Latency: the slowest requests, percentiles per verb and resource, long-running and incomplete requests'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "tokens" -d 'Tokens: each credential used, who issued it (TokenRequest), and who used it, from where'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "history" -d 'Every request that touched one object, in order, and what each write changed'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "detect" -d 'Security detections over the matching requests: built-in rules and your own, findings by severity'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "policy" -d 'Audit policies (audit.k8s.io Policy): check one as the API server would load it and lint it, or simulate it on the logs'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r -f -a "get\t''
list\t''
watch\t''
create\t''
update\t''
patch\t''
delete\t''
deletecollection\t''
read\t''
write\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r -f -a "pods\t''
po\t''
services\t''
svc\t''
configmaps\t''
cm\t''
secrets\t''
serviceaccounts\t''
sa\t''
namespaces\t''
ns\t''
nodes\t''
no\t''
events\t''
ev\t''
endpoints\t''
ep\t''
persistentvolumes\t''
pv\t''
persistentvolumeclaims\t''
pvc\t''
replicationcontrollers\t''
rc\t''
resourcequotas\t''
quota\t''
limitranges\t''
limits\t''
podtemplates\t''
componentstatuses\t''
cs\t''
bindings\t''
deployments\t''
deploy\t''
replicasets\t''
rs\t''
statefulsets\t''
sts\t''
daemonsets\t''
ds\t''
controllerrevisions\t''
jobs\t''
cronjobs\t''
cj\t''
horizontalpodautoscalers\t''
hpa\t''
ingresses\t''
ing\t''
ingressclasses\t''
networkpolicies\t''
netpol\t''
poddisruptionbudgets\t''
pdb\t''
podsecuritypolicies\t''
psp\t''
roles\t''
rolebindings\t''
clusterroles\t''
clusterrolebindings\t''
crb\t''
customresourcedefinitions\t''
crd\t''
crds\t''
storageclasses\t''
sc\t''
volumeattachments\t''
csidrivers\t''
csinodes\t''
certificatesigningrequests\t''
csr\t''
priorityclasses\t''
pc\t''
leases\t''
endpointslices\t''
runtimeclasses\t''
mutatingwebhookconfigurations\t''
validatingwebhookconfigurations\t''
apiservices\t''
flowschemas\t''
prioritylevelconfigurations\t''
tokenreviews\t''
subjectaccessreviews\t''
selfsubjectaccessreviews\t''
selfsubjectrulesreviews\t''
localsubjectaccessreviews\t''
pods/exec\t''
pods/attach\t''
pods/portforward\t''
pods/log\t''
nodes/proxy\t''
serviceaccounts/token\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l audit-id -d 'Requests with this auditID (a list, exact): the evidence a finding or another tool names (example: --audit-id 2d6a0ac4-...,7f1e...)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l since -l since-time -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l until -l until-time -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l dry-run -d 'Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged without their body, where the log cannot tell)' -r -f -a "only\t'Only known dry runs'
exclude\t'Leave known dry runs out (deletes the log cannot tell about stay)'
unknown\t'Only deletes logged without their body: dry run or not, the log cannot tell'"
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l annotation -d 'An annotation: KEY (present) or KEY=VALUE, each a glob (example: --annotation \'pod-security.kubernetes.io/*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l field-manager -d 'The fieldManager of a write (glob; example: --field-manager \'kubectl-*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l cluster -d 'Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A cluster\'s name comes from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a folder, or - for stdin) instead of filtering (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster \'prod*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document: exact values, with control, bidi and invisible characters as \\uXXXX escapes'
ndjson\t'One JSON object per line (escaped as json)'
csv\t'CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\\e, \\u{202e}); a cell starting with = + - @ tab or CR gets a leading \' (numbers such as -12 stay numbers)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --per-stage; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s A -l all-namespaces -d 'Every namespace: what kaudit reads when no -n is given (accepted for kubectl\'s habit)'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r -f -a "get\t''
list\t''
watch\t''
create\t''
update\t''
patch\t''
delete\t''
deletecollection\t''
read\t''
write\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r -f -a "pods\t''
po\t''
services\t''
svc\t''
configmaps\t''
cm\t''
secrets\t''
serviceaccounts\t''
sa\t''
namespaces\t''
ns\t''
nodes\t''
no\t''
events\t''
ev\t''
endpoints\t''
ep\t''
persistentvolumes\t''
pv\t''
persistentvolumeclaims\t''
pvc\t''
replicationcontrollers\t''
rc\t''
resourcequotas\t''
quota\t''
limitranges\t''
limits\t''
podtemplates\t''
componentstatuses\t''
cs\t''
bindings\t''
deployments\t''
deploy\t''
replicasets\t''
rs\t''
statefulsets\t''
sts\t''
daemonsets\t''
ds\t''
controllerrevisions\t''
jobs\t''
cronjobs\t''
cj\t''
horizontalpodautoscalers\t''
hpa\t''
ingresses\t''
ing\t''
ingressclasses\t''
networkpolicies\t''
netpol\t''
poddisruptionbudgets\t''
pdb\t''
podsecuritypolicies\t''
psp\t''
roles\t''
rolebindings\t''
clusterroles\t''
clusterrolebindings\t''
crb\t''
customresourcedefinitions\t''
crd\t''
crds\t''
storageclasses\t''
sc\t''
volumeattachments\t''
csidrivers\t''
csinodes\t''
certificatesigningrequests\t''
csr\t''
priorityclasses\t''
pc\t''
leases\t''
endpointslices\t''
runtimeclasses\t''
mutatingwebhookconfigurations\t''
validatingwebhookconfigurations\t''
apiservices\t''
flowschemas\t''
prioritylevelconfigurations\t''
tokenreviews\t''
subjectaccessreviews\t''
selfsubjectaccessreviews\t''
selfsubjectrulesreviews\t''
localsubjectaccessreviews\t''
pods/exec\t''
pods/attach\t''
pods/portforward\t''
pods/log\t''
nodes/proxy\t''
serviceaccounts/token\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l audit-id -d 'Requests with this auditID (a list, exact): the evidence a finding or another tool names (example: --audit-id 2d6a0ac4-...,7f1e...)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l since -l since-time -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l until -l until-time -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l dry-run -d 'Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged without their body, where the log cannot tell)' -r -f -a "only\t'Only known dry runs'
exclude\t'Leave known dry runs out (deletes the log cannot tell about stay)'
unknown\t'Only deletes logged without their body: dry run or not, the log cannot tell'"
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l annotation -d 'An annotation: KEY (present) or KEY=VALUE, each a glob (example: --annotation \'pod-security.kubernetes.io/*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l field-manager -d 'The fieldManager of a write (glob; example: --field-manager \'kubectl-*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l cluster -d 'Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A cluster\'s name comes from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a folder, or - for stdin) instead of filtering (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster \'prod*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document: exact values, with control, bidi and invisible characters as \\uXXXX escapes'
ndjson\t'One JSON object per line (escaped as json)'
csv\t'CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\\e, \\u{202e}); a cell starting with = + - @ tab or CR gets a leading \' (numbers such as -12 stay numbers)'
raw\t'The original log lines: byte-exact but for secret values in bodies, redacted unless --show-secrets; to a terminal, control, bidi and invisible characters as JSON escapes'"
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --per-stage; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l sort -d 'Order of rows: when requests completed (log order, streams live) or when they were received (held to the end); a table\'s first column, COMPLETED or RECEIVED, is that time' -r -f -a "completed\t''
received\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s A -l all-namespaces -d 'Every namespace: what kaudit reads when no -n is given (accepted for kubectl\'s habit)'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l per-stage -d 'One row per stage event (RequestReceived, ResponseStarted, ...) of the matching requests (--stage, a filter, chooses requests by the stages they have)'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l bodies -d '-o json|ndjson|csv: add each request\'s requestObject and responseObject (the last stage\'s that has each; null when not logged) and `bodies`, why one is null (level, truncated, incomplete, unreadable, none). Redacted as -o raw redacts, unless --show-secrets. With --per-stage, each stage event\'s own. Not for tables (an error); -o raw lines have their bodies'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l show-secrets -d '-o raw, --bodies: print the bodies\' secrets as logged. By default each secret value in a body (Secret data, tokens, values under keys named like password/pass/secret/token/key/ credential, credential-shaped text such as `password=...`, `Bearer ...`, URL passwords, `curl -u user:...`, `mysql -p...`, connection strings, API keys, private keys; not certificates, which are public) becomes `"<redacted N bytes>"`; every other byte stays as read. The README\'s "Secrets and credentials" lists what is redacted'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r -f -a "get\t''
list\t''
watch\t''
create\t''
update\t''
patch\t''
delete\t''
deletecollection\t''
read\t''
write\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r -f -a "pods\t''
po\t''
services\t''
svc\t''
configmaps\t''
cm\t''
secrets\t''
serviceaccounts\t''
sa\t''
namespaces\t''
ns\t''
nodes\t''
no\t''
events\t''
ev\t''
endpoints\t''
ep\t''
persistentvolumes\t''
pv\t''
persistentvolumeclaims\t''
pvc\t''
replicationcontrollers\t''
rc\t''
resourcequotas\t''
quota\t''
limitranges\t''
limits\t''
podtemplates\t''
componentstatuses\t''
cs\t''
bindings\t''
deployments\t''
deploy\t''
replicasets\t''
rs\t''
statefulsets\t''
sts\t''
daemonsets\t''
ds\t''
controllerrevisions\t''
jobs\t''
cronjobs\t''
cj\t''
horizontalpodautoscalers\t''
hpa\t''
ingresses\t''
ing\t''
ingressclasses\t''
networkpolicies\t''
netpol\t''
poddisruptionbudgets\t''
pdb\t''
podsecuritypolicies\t''
psp\t''
roles\t''
rolebindings\t''
clusterroles\t''
clusterrolebindings\t''
crb\t''
customresourcedefinitions\t''
crd\t''
crds\t''
storageclasses\t''
sc\t''
volumeattachments\t''
csidrivers\t''
csinodes\t''
certificatesigningrequests\t''
csr\t''
priorityclasses\t''
pc\t''
leases\t''
endpointslices\t''
runtimeclasses\t''
mutatingwebhookconfigurations\t''
validatingwebhookconfigurations\t''
apiservices\t''
flowschemas\t''
prioritylevelconfigurations\t''
tokenreviews\t''
subjectaccessreviews\t''
selfsubjectaccessreviews\t''
selfsubjectrulesreviews\t''
localsubjectaccessreviews\t''
pods/exec\t''
pods/attach\t''
pods/portforward\t''
pods/log\t''
nodes/proxy\t''
serviceaccounts/token\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l audit-id -d 'Requests with this auditID (a list, exact): the evidence a finding or another tool names (example: --audit-id 2d6a0ac4-...,7f1e...)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l since -l since-time -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l until -l until-time -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l dry-run -d 'Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged without their body, where the log cannot tell)' -r -f -a "only\t'Only known dry runs'
exclude\t'Leave known dry runs out (deletes the log cannot tell about stay)'
unknown\t'Only deletes logged without their body: dry run or not, the log cannot tell'"
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l annotation -d 'An annotation: KEY (present) or KEY=VALUE, each a glob (example: --annotation \'pod-security.kubernetes.io/*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l field-manager -d 'The fieldManager of a write (glob; example: --field-manager \'kubectl-*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l cluster -d 'Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A cluster\'s name comes from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a folder, or - for stdin) instead of filtering (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster \'prod*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document: exact values, with control, bidi and invisible characters as \\uXXXX escapes'
ndjson\t'One JSON object per line (escaped as json)'
csv\t'CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\\e, \\u{202e}); a cell starting with = + - @ tab or CR gets a leading \' (numbers such as -12 stay numbers)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --per-stage; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l context -d 'Also show the other requests (any actor, not matching the filters) received within DURATION before or after a matching one, marked `·` (500ms, 30s, 2m, 1h30m)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l collapse -d 'Which neighbouring requests become one line with a count' -r -f -a "object\t'Identical requests: same actor, verb, resource, object, code and markers'
kind\t'The same, whatever the namespace and name (a sweep over many objects is one line)'
none\t'One line per request'"
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l sort-memory -d 'Memory for the requests held to be put in time order, e.g. 64M, 1G; past it they are sorted in runs written to temporary files (in $TMPDIR) and merged at the end, so any number of requests fits (default: 32M)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s A -l all-namespaces -d 'Every namespace: what kaudit reads when no -n is given (accepted for kubectl\'s habit)'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r -f -a "get\t''
list\t''
watch\t''
create\t''
update\t''
patch\t''
delete\t''
deletecollection\t''
read\t''
write\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r -f -a "pods\t''
po\t''
services\t''
svc\t''
configmaps\t''
cm\t''
secrets\t''
serviceaccounts\t''
sa\t''
namespaces\t''
ns\t''
nodes\t''
no\t''
events\t''
ev\t''
endpoints\t''
ep\t''
persistentvolumes\t''
pv\t''
persistentvolumeclaims\t''
pvc\t''
replicationcontrollers\t''
rc\t''
resourcequotas\t''
quota\t''
limitranges\t''
limits\t''
podtemplates\t''
componentstatuses\t''
cs\t''
bindings\t''
deployments\t''
deploy\t''
replicasets\t''
rs\t''
statefulsets\t''
sts\t''
daemonsets\t''
ds\t''
controllerrevisions\t''
jobs\t''
cronjobs\t''
cj\t''
horizontalpodautoscalers\t''
hpa\t''
ingresses\t''
ing\t''
ingressclasses\t''
networkpolicies\t''
netpol\t''
poddisruptionbudgets\t''
pdb\t''
podsecuritypolicies\t''
psp\t''
roles\t''
rolebindings\t''
clusterroles\t''
clusterrolebindings\t''
crb\t''
customresourcedefinitions\t''
crd\t''
crds\t''
storageclasses\t''
sc\t''
volumeattachments\t''
csidrivers\t''
csinodes\t''
certificatesigningrequests\t''
csr\t''
priorityclasses\t''
pc\t''
leases\t''
endpointslices\t''
runtimeclasses\t''
mutatingwebhookconfigurations\t''
validatingwebhookconfigurations\t''
apiservices\t''
flowschemas\t''
prioritylevelconfigurations\t''
tokenreviews\t''
subjectaccessreviews\t''
selfsubjectaccessreviews\t''
selfsubjectrulesreviews\t''
localsubjectaccessreviews\t''
pods/exec\t''
pods/attach\t''
pods/portforward\t''
pods/log\t''
nodes/proxy\t''
serviceaccounts/token\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l audit-id -d 'Requests with this auditID (a list, exact): the evidence a finding or another tool names (example: --audit-id 2d6a0ac4-...,7f1e...)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l since -l since-time -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l until -l until-time -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l dry-run -d 'Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged without their body, where the log cannot tell)' -r -f -a "only\t'Only known dry runs'
exclude\t'Leave known dry runs out (deletes the log cannot tell about stay)'
unknown\t'Only deletes logged without their body: dry run or not, the log cannot tell'"
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l annotation -d 'An annotation: KEY (present) or KEY=VALUE, each a glob (example: --annotation \'pod-security.kubernetes.io/*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l field-manager -d 'The fieldManager of a write (glob; example: --field-manager \'kubectl-*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l cluster -d 'Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A cluster\'s name comes from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a folder, or - for stdin) instead of filtering (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster \'prod*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document: exact values, with control, bidi and invisible characters as \\uXXXX escapes'
ndjson\t'One JSON object per line (escaped as json)'
csv\t'CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\\e, \\u{202e}); a cell starting with = + - @ tab or CR gets a leading \' (numbers such as -12 stay numbers)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --per-stage; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l sort -d 'Order of rows' -r -f -a "requests\t'Most requests first'
first\t'Earliest first seen first'
last\t'Most recently seen first'
denied\t'Most 403s first'
name\t'By name'"
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -s A -l all-namespaces -d 'Every namespace: what kaudit reads when no -n is given (accepted for kubectl\'s habit)'
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand who" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r -f -a "get\t''
list\t''
watch\t''
create\t''
update\t''
patch\t''
delete\t''
deletecollection\t''
read\t''
write\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r -f -a "pods\t''
po\t''
services\t''
svc\t''
configmaps\t''
cm\t''
secrets\t''
serviceaccounts\t''
sa\t''
namespaces\t''
ns\t''
nodes\t''
no\t''
events\t''
ev\t''
endpoints\t''
ep\t''
persistentvolumes\t''
pv\t''
persistentvolumeclaims\t''
pvc\t''
replicationcontrollers\t''
rc\t''
resourcequotas\t''
quota\t''
limitranges\t''
limits\t''
podtemplates\t''
componentstatuses\t''
cs\t''
bindings\t''
deployments\t''
deploy\t''
replicasets\t''
rs\t''
statefulsets\t''
sts\t''
daemonsets\t''
ds\t''
controllerrevisions\t''
jobs\t''
cronjobs\t''
cj\t''
horizontalpodautoscalers\t''
hpa\t''
ingresses\t''
ing\t''
ingressclasses\t''
networkpolicies\t''
netpol\t''
poddisruptionbudgets\t''
pdb\t''
podsecuritypolicies\t''
psp\t''
roles\t''
rolebindings\t''
clusterroles\t''
clusterrolebindings\t''
crb\t''
customresourcedefinitions\t''
crd\t''
crds\t''
storageclasses\t''
sc\t''
volumeattachments\t''
csidrivers\t''
csinodes\t''
certificatesigningrequests\t''
csr\t''
priorityclasses\t''
pc\t''
leases\t''
endpointslices\t''
runtimeclasses\t''
mutatingwebhookconfigurations\t''
validatingwebhookconfigurations\t''
apiservices\t''
flowschemas\t''
prioritylevelconfigurations\t''
tokenreviews\t''
subjectaccessreviews\t''
selfsubjectaccessreviews\t''
selfsubjectrulesreviews\t''
localsubjectaccessreviews\t''
pods/exec\t''
pods/attach\t''
pods/portforward\t''
pods/log\t''
nodes/proxy\t''
serviceaccounts/token\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l audit-id -d 'Requests with this auditID (a list, exact): the evidence a finding or another tool names (example: --audit-id 2d6a0ac4-...,7f1e...)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l since -l since-time -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l until -l until-time -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l dry-run -d 'Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged without their body, where the log cannot tell)' -r -f -a "only\t'Only known dry runs'
exclude\t'Leave known dry runs out (deletes the log cannot tell about stay)'
unknown\t'Only deletes logged without their body: dry run or not, the log cannot tell'"
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l annotation -d 'An annotation: KEY (present) or KEY=VALUE, each a glob (example: --annotation \'pod-security.kubernetes.io/*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l field-manager -d 'The fieldManager of a write (glob; example: --field-manager \'kubectl-*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l cluster -d 'Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A cluster\'s name comes from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a folder, or - for stdin) instead of filtering (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster \'prod*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document: exact values, with control, bidi and invisible characters as \\uXXXX escapes'
ndjson\t'One JSON object per line (escaped as json)'
csv\t'CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\\e, \\u{202e}); a cell starting with = + - @ tab or CR gets a leading \' (numbers such as -12 stay numbers)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --per-stage; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l sort -d 'Order of rows' -r -f -a "requests\t'Most requests first'
first\t'Earliest first seen first'
last\t'Most recently seen first'
denied\t'Most 403s first'
name\t'By name'"
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -s A -l all-namespaces -d 'Every namespace: what kaudit reads when no -n is given (accepted for kubectl\'s habit)'
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -l by-object -d 'One row per object (namespace/name), not per resource'
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand what" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r -f -a "get\t''
list\t''
watch\t''
create\t''
update\t''
patch\t''
delete\t''
deletecollection\t''
read\t''
write\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r -f -a "pods\t''
po\t''
services\t''
svc\t''
configmaps\t''
cm\t''
secrets\t''
serviceaccounts\t''
sa\t''
namespaces\t''
ns\t''
nodes\t''
no\t''
events\t''
ev\t''
endpoints\t''
ep\t''
persistentvolumes\t''
pv\t''
persistentvolumeclaims\t''
pvc\t''
replicationcontrollers\t''
rc\t''
resourcequotas\t''
quota\t''
limitranges\t''
limits\t''
podtemplates\t''
componentstatuses\t''
cs\t''
bindings\t''
deployments\t''
deploy\t''
replicasets\t''
rs\t''
statefulsets\t''
sts\t''
daemonsets\t''
ds\t''
controllerrevisions\t''
jobs\t''
cronjobs\t''
cj\t''
horizontalpodautoscalers\t''
hpa\t''
ingresses\t''
ing\t''
ingressclasses\t''
networkpolicies\t''
netpol\t''
poddisruptionbudgets\t''
pdb\t''
podsecuritypolicies\t''
psp\t''
roles\t''
rolebindings\t''
clusterroles\t''
clusterrolebindings\t''
crb\t''
customresourcedefinitions\t''
crd\t''
crds\t''
storageclasses\t''
sc\t''
volumeattachments\t''
csidrivers\t''
csinodes\t''
certificatesigningrequests\t''
csr\t''
priorityclasses\t''
pc\t''
leases\t''
endpointslices\t''
runtimeclasses\t''
mutatingwebhookconfigurations\t''
validatingwebhookconfigurations\t''
apiservices\t''
flowschemas\t''
prioritylevelconfigurations\t''
tokenreviews\t''
subjectaccessreviews\t''
selfsubjectaccessreviews\t''
selfsubjectrulesreviews\t''
localsubjectaccessreviews\t''
pods/exec\t''
pods/attach\t''
pods/portforward\t''
pods/log\t''
nodes/proxy\t''
serviceaccounts/token\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l audit-id -d 'Requests with this auditID (a list, exact): the evidence a finding or another tool names (example: --audit-id 2d6a0ac4-...,7f1e...)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l since -l since-time -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l until -l until-time -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l dry-run -d 'Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged without their body, where the log cannot tell)' -r -f -a "only\t'Only known dry runs'
exclude\t'Leave known dry runs out (deletes the log cannot tell about stay)'
unknown\t'Only deletes logged without their body: dry run or not, the log cannot tell'"
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l annotation -d 'An annotation: KEY (present) or KEY=VALUE, each a glob (example: --annotation \'pod-security.kubernetes.io/*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l field-manager -d 'The fieldManager of a write (glob; example: --field-manager \'kubectl-*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l cluster -d 'Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A cluster\'s name comes from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a folder, or - for stdin) instead of filtering (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster \'prod*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document: exact values, with control, bidi and invisible characters as \\uXXXX escapes'
ndjson\t'One JSON object per line (escaped as json)'
csv\t'CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\\e, \\u{202e}); a cell starting with = + - @ tab or CR gets a leading \' (numbers such as -12 stay numbers)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --per-stage; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l by -d 'Group by source IP (the address that connected: the last of sourceIPs) or by user agent' -r -f -a "ip\t''
user-agent\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l sort -d 'Order of rows' -r -f -a "requests\t'Most requests first'
first\t'Earliest first seen first'
last\t'Most recently seen first'
denied\t'Most 403s first'
name\t'By name'"
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -s A -l all-namespaces -d 'Every namespace: what kaudit reads when no -n is given (accepted for kubectl\'s habit)'
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand where" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r -f -a "get\t''
list\t''
watch\t''
create\t''
update\t''
patch\t''
delete\t''
deletecollection\t''
read\t''
write\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r -f -a "pods\t''
po\t''
services\t''
svc\t''
configmaps\t''
cm\t''
secrets\t''
serviceaccounts\t''
sa\t''
namespaces\t''
ns\t''
nodes\t''
no\t''
events\t''
ev\t''
endpoints\t''
ep\t''
persistentvolumes\t''
pv\t''
persistentvolumeclaims\t''
pvc\t''
replicationcontrollers\t''
rc\t''
resourcequotas\t''
quota\t''
limitranges\t''
limits\t''
podtemplates\t''
componentstatuses\t''
cs\t''
bindings\t''
deployments\t''
deploy\t''
replicasets\t''
rs\t''
statefulsets\t''
sts\t''
daemonsets\t''
ds\t''
controllerrevisions\t''
jobs\t''
cronjobs\t''
cj\t''
horizontalpodautoscalers\t''
hpa\t''
ingresses\t''
ing\t''
ingressclasses\t''
networkpolicies\t''
netpol\t''
poddisruptionbudgets\t''
pdb\t''
podsecuritypolicies\t''
psp\t''
roles\t''
rolebindings\t''
clusterroles\t''
clusterrolebindings\t''
crb\t''
customresourcedefinitions\t''
crd\t''
crds\t''
storageclasses\t''
sc\t''
volumeattachments\t''
csidrivers\t''
csinodes\t''
certificatesigningrequests\t''
csr\t''
priorityclasses\t''
pc\t''
leases\t''
endpointslices\t''
runtimeclasses\t''
mutatingwebhookconfigurations\t''
validatingwebhookconfigurations\t''
apiservices\t''
flowschemas\t''
prioritylevelconfigurations\t''
tokenreviews\t''
subjectaccessreviews\t''
selfsubjectaccessreviews\t''
selfsubjectrulesreviews\t''
localsubjectaccessreviews\t''
pods/exec\t''
pods/attach\t''
pods/portforward\t''
pods/log\t''
nodes/proxy\t''
serviceaccounts/token\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l audit-id -d 'Requests with this auditID (a list, exact): the evidence a finding or another tool names (example: --audit-id 2d6a0ac4-...,7f1e...)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l since -l since-time -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l until -l until-time -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l dry-run -d 'Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged without their body, where the log cannot tell)' -r -f -a "only\t'Only known dry runs'
exclude\t'Leave known dry runs out (deletes the log cannot tell about stay)'
unknown\t'Only deletes logged without their body: dry run or not, the log cannot tell'"
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l annotation -d 'An annotation: KEY (present) or KEY=VALUE, each a glob (example: --annotation \'pod-security.kubernetes.io/*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l field-manager -d 'The fieldManager of a write (glob; example: --field-manager \'kubectl-*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l cluster -d 'Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A cluster\'s name comes from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a folder, or - for stdin) instead of filtering (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster \'prod*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document: exact values, with control, bidi and invisible characters as \\uXXXX escapes'
ndjson\t'One JSON object per line (escaped as json)'
csv\t'CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\\e, \\u{202e}); a cell starting with = + - @ tab or CR gets a leading \' (numbers such as -12 stay numbers)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --per-stage; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l by -d 'Fields to group by, comma-separated (see below)' -r -f -a "user\t'The effective user (impersonated user when there is one)'
group\t'Each group of the effective user (a request counts once per group)'
verb\t''
resource\t''
subresource\t''
namespace\t''
name\t''
code\t''
decision\t''
ip\t'The address that connected to the API server: the last of sourceIPs (the ones before it come from X-Forwarded-For / X-Real-Ip headers, which a client can set)'
user-agent\t''
api-group\t''
level\t''
hour\t'The hour the request was received (UTC)'
uri\t'requestURI without resourceVersion, timeout, timeoutSeconds, watch, allowWatchBookmarks'
cluster\t'The cluster: from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or --cluster NAME=PATH'
apiserver\t'The API server: AKS\'s pod, EKS\'s log stream, a must-gather\'s SERVER/NODE'
annotation:KEY\t'The value of the annotation KEY (`-` when a request has none)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -s A -l all-namespaces -d 'Every namespace: what kaudit reads when no -n is given (accepted for kubectl\'s habit)'
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand top" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r -f -a "get\t''
list\t''
watch\t''
create\t''
update\t''
patch\t''
delete\t''
deletecollection\t''
read\t''
write\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r -f -a "pods\t''
po\t''
services\t''
svc\t''
configmaps\t''
cm\t''
secrets\t''
serviceaccounts\t''
sa\t''
namespaces\t''
ns\t''
nodes\t''
no\t''
events\t''
ev\t''
endpoints\t''
ep\t''
persistentvolumes\t''
pv\t''
persistentvolumeclaims\t''
pvc\t''
replicationcontrollers\t''
rc\t''
resourcequotas\t''
quota\t''
limitranges\t''
limits\t''
podtemplates\t''
componentstatuses\t''
cs\t''
bindings\t''
deployments\t''
deploy\t''
replicasets\t''
rs\t''
statefulsets\t''
sts\t''
daemonsets\t''
ds\t''
controllerrevisions\t''
jobs\t''
cronjobs\t''
cj\t''
horizontalpodautoscalers\t''
hpa\t''
ingresses\t''
ing\t''
ingressclasses\t''
networkpolicies\t''
netpol\t''
poddisruptionbudgets\t''
pdb\t''
podsecuritypolicies\t''
psp\t''
roles\t''
rolebindings\t''
clusterroles\t''
clusterrolebindings\t''
crb\t''
customresourcedefinitions\t''
crd\t''
crds\t''
storageclasses\t''
sc\t''
volumeattachments\t''
csidrivers\t''
csinodes\t''
certificatesigningrequests\t''
csr\t''
priorityclasses\t''
pc\t''
leases\t''
endpointslices\t''
runtimeclasses\t''
mutatingwebhookconfigurations\t''
validatingwebhookconfigurations\t''
apiservices\t''
flowschemas\t''
prioritylevelconfigurations\t''
tokenreviews\t''
subjectaccessreviews\t''
selfsubjectaccessreviews\t''
selfsubjectrulesreviews\t''
localsubjectaccessreviews\t''
pods/exec\t''
pods/attach\t''
pods/portforward\t''
pods/log\t''
nodes/proxy\t''
serviceaccounts/token\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l audit-id -d 'Requests with this auditID (a list, exact): the evidence a finding or another tool names (example: --audit-id 2d6a0ac4-...,7f1e...)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l since -l since-time -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l until -l until-time -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l dry-run -d 'Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged without their body, where the log cannot tell)' -r -f -a "only\t'Only known dry runs'
exclude\t'Leave known dry runs out (deletes the log cannot tell about stay)'
unknown\t'Only deletes logged without their body: dry run or not, the log cannot tell'"
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l annotation -d 'An annotation: KEY (present) or KEY=VALUE, each a glob (example: --annotation \'pod-security.kubernetes.io/*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l field-manager -d 'The fieldManager of a write (glob; example: --field-manager \'kubectl-*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l cluster -d 'Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A cluster\'s name comes from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a folder, or - for stdin) instead of filtering (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster \'prod*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document: exact values, with control, bidi and invisible characters as \\uXXXX escapes'
ndjson\t'One JSON object per line (escaped as json)'
csv\t'CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\\e, \\u{202e}); a cell starting with = + - @ tab or CR gets a leading \' (numbers such as -12 stay numbers)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --per-stage; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l bucket -d 'Bucket size: a duration of whole seconds (30s, 5m, 1h30m, 1d; default: chosen to keep about 40 rows or fewer)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -s A -l all-namespaces -d 'Every namespace: what kaudit reads when no -n is given (accepted for kubectl\'s habit)'
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand when" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r -f -a "get\t''
list\t''
watch\t''
create\t''
update\t''
patch\t''
delete\t''
deletecollection\t''
read\t''
write\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r -f -a "pods\t''
po\t''
services\t''
svc\t''
configmaps\t''
cm\t''
secrets\t''
serviceaccounts\t''
sa\t''
namespaces\t''
ns\t''
nodes\t''
no\t''
events\t''
ev\t''
endpoints\t''
ep\t''
persistentvolumes\t''
pv\t''
persistentvolumeclaims\t''
pvc\t''
replicationcontrollers\t''
rc\t''
resourcequotas\t''
quota\t''
limitranges\t''
limits\t''
podtemplates\t''
componentstatuses\t''
cs\t''
bindings\t''
deployments\t''
deploy\t''
replicasets\t''
rs\t''
statefulsets\t''
sts\t''
daemonsets\t''
ds\t''
controllerrevisions\t''
jobs\t''
cronjobs\t''
cj\t''
horizontalpodautoscalers\t''
hpa\t''
ingresses\t''
ing\t''
ingressclasses\t''
networkpolicies\t''
netpol\t''
poddisruptionbudgets\t''
pdb\t''
podsecuritypolicies\t''
psp\t''
roles\t''
rolebindings\t''
clusterroles\t''
clusterrolebindings\t''
crb\t''
customresourcedefinitions\t''
crd\t''
crds\t''
storageclasses\t''
sc\t''
volumeattachments\t''
csidrivers\t''
csinodes\t''
certificatesigningrequests\t''
csr\t''
priorityclasses\t''
pc\t''
leases\t''
endpointslices\t''
runtimeclasses\t''
mutatingwebhookconfigurations\t''
validatingwebhookconfigurations\t''
apiservices\t''
flowschemas\t''
prioritylevelconfigurations\t''
tokenreviews\t''
subjectaccessreviews\t''
selfsubjectaccessreviews\t''
selfsubjectrulesreviews\t''
localsubjectaccessreviews\t''
pods/exec\t''
pods/attach\t''
pods/portforward\t''
pods/log\t''
nodes/proxy\t''
serviceaccounts/token\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l audit-id -d 'Requests with this auditID (a list, exact): the evidence a finding or another tool names (example: --audit-id 2d6a0ac4-...,7f1e...)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l since -l since-time -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l until -l until-time -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l dry-run -d 'Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged without their body, where the log cannot tell)' -r -f -a "only\t'Only known dry runs'
exclude\t'Leave known dry runs out (deletes the log cannot tell about stay)'
unknown\t'Only deletes logged without their body: dry run or not, the log cannot tell'"
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l annotation -d 'An annotation: KEY (present) or KEY=VALUE, each a glob (example: --annotation \'pod-security.kubernetes.io/*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l field-manager -d 'The fieldManager of a write (glob; example: --field-manager \'kubectl-*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l cluster -d 'Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A cluster\'s name comes from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a folder, or - for stdin) instead of filtering (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster \'prod*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document: exact values, with control, bidi and invisible characters as \\uXXXX escapes'
ndjson\t'One JSON object per line (escaped as json)'
csv\t'CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\\e, \\u{202e}); a cell starting with = + - @ tab or CR gets a leading \' (numbers such as -12 stay numbers)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --per-stage; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -s A -l all-namespaces -d 'Every namespace: what kaudit reads when no -n is given (accepted for kubectl\'s habit)'
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand latency" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r -f -a "get\t''
list\t''
watch\t''
create\t''
update\t''
patch\t''
delete\t''
deletecollection\t''
read\t''
write\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r -f -a "pods\t''
po\t''
services\t''
svc\t''
configmaps\t''
cm\t''
secrets\t''
serviceaccounts\t''
sa\t''
namespaces\t''
ns\t''
nodes\t''
no\t''
events\t''
ev\t''
endpoints\t''
ep\t''
persistentvolumes\t''
pv\t''
persistentvolumeclaims\t''
pvc\t''
replicationcontrollers\t''
rc\t''
resourcequotas\t''
quota\t''
limitranges\t''
limits\t''
podtemplates\t''
componentstatuses\t''
cs\t''
bindings\t''
deployments\t''
deploy\t''
replicasets\t''
rs\t''
statefulsets\t''
sts\t''
daemonsets\t''
ds\t''
controllerrevisions\t''
jobs\t''
cronjobs\t''
cj\t''
horizontalpodautoscalers\t''
hpa\t''
ingresses\t''
ing\t''
ingressclasses\t''
networkpolicies\t''
netpol\t''
poddisruptionbudgets\t''
pdb\t''
podsecuritypolicies\t''
psp\t''
roles\t''
rolebindings\t''
clusterroles\t''
clusterrolebindings\t''
crb\t''
customresourcedefinitions\t''
crd\t''
crds\t''
storageclasses\t''
sc\t''
volumeattachments\t''
csidrivers\t''
csinodes\t''
certificatesigningrequests\t''
csr\t''
priorityclasses\t''
pc\t''
leases\t''
endpointslices\t''
runtimeclasses\t''
mutatingwebhookconfigurations\t''
validatingwebhookconfigurations\t''
apiservices\t''
flowschemas\t''
prioritylevelconfigurations\t''
tokenreviews\t''
subjectaccessreviews\t''
selfsubjectaccessreviews\t''
selfsubjectrulesreviews\t''
localsubjectaccessreviews\t''
pods/exec\t''
pods/attach\t''
pods/portforward\t''
pods/log\t''
nodes/proxy\t''
serviceaccounts/token\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l audit-id -d 'Requests with this auditID (a list, exact): the evidence a finding or another tool names (example: --audit-id 2d6a0ac4-...,7f1e...)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l since -l since-time -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l until -l until-time -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l dry-run -d 'Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged without their body, where the log cannot tell)' -r -f -a "only\t'Only known dry runs'
exclude\t'Leave known dry runs out (deletes the log cannot tell about stay)'
unknown\t'Only deletes logged without their body: dry run or not, the log cannot tell'"
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l annotation -d 'An annotation: KEY (present) or KEY=VALUE, each a glob (example: --annotation \'pod-security.kubernetes.io/*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l field-manager -d 'The fieldManager of a write (glob; example: --field-manager \'kubectl-*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l cluster -d 'Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A cluster\'s name comes from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a folder, or - for stdin) instead of filtering (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster \'prod*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document: exact values, with control, bidi and invisible characters as \\uXXXX escapes'
ndjson\t'One JSON object per line (escaped as json)'
csv\t'CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\\e, \\u{202e}); a cell starting with = + - @ tab or CR gets a leading \' (numbers such as -12 stay numbers)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --per-stage; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -s A -l all-namespaces -d 'Every namespace: what kaudit reads when no -n is given (accepted for kubectl\'s habit)'
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand tokens" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r -f -a "get\t''
list\t''
watch\t''
create\t''
update\t''
patch\t''
delete\t''
deletecollection\t''
read\t''
write\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r -f -a "pods\t''
po\t''
services\t''
svc\t''
configmaps\t''
cm\t''
secrets\t''
serviceaccounts\t''
sa\t''
namespaces\t''
ns\t''
nodes\t''
no\t''
events\t''
ev\t''
endpoints\t''
ep\t''
persistentvolumes\t''
pv\t''
persistentvolumeclaims\t''
pvc\t''
replicationcontrollers\t''
rc\t''
resourcequotas\t''
quota\t''
limitranges\t''
limits\t''
podtemplates\t''
componentstatuses\t''
cs\t''
bindings\t''
deployments\t''
deploy\t''
replicasets\t''
rs\t''
statefulsets\t''
sts\t''
daemonsets\t''
ds\t''
controllerrevisions\t''
jobs\t''
cronjobs\t''
cj\t''
horizontalpodautoscalers\t''
hpa\t''
ingresses\t''
ing\t''
ingressclasses\t''
networkpolicies\t''
netpol\t''
poddisruptionbudgets\t''
pdb\t''
podsecuritypolicies\t''
psp\t''
roles\t''
rolebindings\t''
clusterroles\t''
clusterrolebindings\t''
crb\t''
customresourcedefinitions\t''
crd\t''
crds\t''
storageclasses\t''
sc\t''
volumeattachments\t''
csidrivers\t''
csinodes\t''
certificatesigningrequests\t''
csr\t''
priorityclasses\t''
pc\t''
leases\t''
endpointslices\t''
runtimeclasses\t''
mutatingwebhookconfigurations\t''
validatingwebhookconfigurations\t''
apiservices\t''
flowschemas\t''
prioritylevelconfigurations\t''
tokenreviews\t''
subjectaccessreviews\t''
selfsubjectaccessreviews\t''
selfsubjectrulesreviews\t''
localsubjectaccessreviews\t''
pods/exec\t''
pods/attach\t''
pods/portforward\t''
pods/log\t''
nodes/proxy\t''
serviceaccounts/token\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l audit-id -d 'Requests with this auditID (a list, exact): the evidence a finding or another tool names (example: --audit-id 2d6a0ac4-...,7f1e...)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l since -l since-time -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l until -l until-time -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l dry-run -d 'Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged without their body, where the log cannot tell)' -r -f -a "only\t'Only known dry runs'
exclude\t'Leave known dry runs out (deletes the log cannot tell about stay)'
unknown\t'Only deletes logged without their body: dry run or not, the log cannot tell'"
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l annotation -d 'An annotation: KEY (present) or KEY=VALUE, each a glob (example: --annotation \'pod-security.kubernetes.io/*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l field-manager -d 'The fieldManager of a write (glob; example: --field-manager \'kubectl-*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l cluster -d 'Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A cluster\'s name comes from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a folder, or - for stdin) instead of filtering (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster \'prod*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document: exact values, with control, bidi and invisible characters as \\uXXXX escapes'
ndjson\t'One JSON object per line (escaped as json)'
csv\t'CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\\e, \\u{202e}); a cell starting with = + - @ tab or CR gets a leading \' (numbers such as -12 stay numbers)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --per-stage; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -s A -l all-namespaces -d 'Every namespace: what kaudit reads when no -n is given (accepted for kubectl\'s habit)'
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -l show-secrets -d 'Show secrets as logged: Secret data, tokens, values under keys named like password/pass/secret/token/key/credential, and credential-shaped text (`password=...`, `Bearer ...`, URL passwords, `curl -u user:...`, `mysql -p...`, connection strings, API keys, private keys; not certificates, which are public) in bodies (default: `<redacted N bytes>`)'
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand history" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r -f -a "get\t''
list\t''
watch\t''
create\t''
update\t''
patch\t''
delete\t''
deletecollection\t''
read\t''
write\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r -f -a "pods\t''
po\t''
services\t''
svc\t''
configmaps\t''
cm\t''
secrets\t''
serviceaccounts\t''
sa\t''
namespaces\t''
ns\t''
nodes\t''
no\t''
events\t''
ev\t''
endpoints\t''
ep\t''
persistentvolumes\t''
pv\t''
persistentvolumeclaims\t''
pvc\t''
replicationcontrollers\t''
rc\t''
resourcequotas\t''
quota\t''
limitranges\t''
limits\t''
podtemplates\t''
componentstatuses\t''
cs\t''
bindings\t''
deployments\t''
deploy\t''
replicasets\t''
rs\t''
statefulsets\t''
sts\t''
daemonsets\t''
ds\t''
controllerrevisions\t''
jobs\t''
cronjobs\t''
cj\t''
horizontalpodautoscalers\t''
hpa\t''
ingresses\t''
ing\t''
ingressclasses\t''
networkpolicies\t''
netpol\t''
poddisruptionbudgets\t''
pdb\t''
podsecuritypolicies\t''
psp\t''
roles\t''
rolebindings\t''
clusterroles\t''
clusterrolebindings\t''
crb\t''
customresourcedefinitions\t''
crd\t''
crds\t''
storageclasses\t''
sc\t''
volumeattachments\t''
csidrivers\t''
csinodes\t''
certificatesigningrequests\t''
csr\t''
priorityclasses\t''
pc\t''
leases\t''
endpointslices\t''
runtimeclasses\t''
mutatingwebhookconfigurations\t''
validatingwebhookconfigurations\t''
apiservices\t''
flowschemas\t''
prioritylevelconfigurations\t''
tokenreviews\t''
subjectaccessreviews\t''
selfsubjectaccessreviews\t''
selfsubjectrulesreviews\t''
localsubjectaccessreviews\t''
pods/exec\t''
pods/attach\t''
pods/portforward\t''
pods/log\t''
nodes/proxy\t''
serviceaccounts/token\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l audit-id -d 'Requests with this auditID (a list, exact): the evidence a finding or another tool names (example: --audit-id 2d6a0ac4-...,7f1e...)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l since -l since-time -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l until -l until-time -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l dry-run -d 'Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged without their body, where the log cannot tell)' -r -f -a "only\t'Only known dry runs'
exclude\t'Leave known dry runs out (deletes the log cannot tell about stay)'
unknown\t'Only deletes logged without their body: dry run or not, the log cannot tell'"
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l annotation -d 'An annotation: KEY (present) or KEY=VALUE, each a glob (example: --annotation \'pod-security.kubernetes.io/*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l field-manager -d 'The fieldManager of a write (glob; example: --field-manager \'kubectl-*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l cluster -d 'Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A cluster\'s name comes from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a folder, or - for stdin) instead of filtering (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster \'prod*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document: exact values, with control, bidi and invisible characters as \\uXXXX escapes'
ndjson\t'One JSON object per line (escaped as json)'
csv\t'CSV with a header row, for spreadsheets: control, bidi and invisible characters shown as in tables (\\e, \\u{202e}); a cell starting with = + - @ tab or CR gets a leading \' (numbers such as -12 stay numbers)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --per-stage; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l check-rules -d 'Validate a rules file and exit: every problem, with the rule it is in' -r -F
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l rules-file -d 'Add the rules of a YAML file (repeatable); same format as the built-in catalogue' -r -F
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l rules -d 'Run only these rules (ids, comma-separated or repeated)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l skip -d 'Leave out these rules (ids, comma-separated or repeated)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l threshold -d 'Change a threshold rule: ID=COUNT or ID=COUNT/WINDOW (e.g. KA026=50/2m; WINDOW is a duration: 90s, 1h30m, 2d); repeatable' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l min-severity -d 'Print only findings of this severity or higher' -r -f -a "info\t''
low\t''
medium\t''
high\t''
critical\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l fail-on -d 'Exit 3 when a finding is at or above this severity (for cron and CI), even if some input could not be read: 3 outranks 2' -r -f -a "info\t''
low\t''
medium\t''
high\t''
critical\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l max-evidence -d 'Requests a finding lists (the earliest); the others are counted (auditIDsLeftOut)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l max-rule-hits -d 'Matching requests a threshold or sequence rule keeps to window or join (the earliest), and identities a baseline rule follows (the first by name); a note says what was left out' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -s A -l all-namespaces -d 'Every namespace: what kaudit reads when no -n is given (accepted for kubectl\'s habit)'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l list -d 'Print the rule catalogue (with --rules-file: and those rules) and exit'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l no-builtin -d 'Leave out the built-in rules (only --rules-file rules run)'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -l show-secrets -d 'Show body values in findings as logged (a rule\'s baseline on a body path); by default one that can be a secret is `<redacted N bytes>`, and credential-shaped text in others too'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand detect" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and not __fish_seen_subcommand_from check simulate help" -s h -l help -d 'Print help'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and not __fish_seen_subcommand_from check simulate help" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and not __fish_seen_subcommand_from check simulate help" -f -a "check" -d 'Validate an audit policy as kube-apiserver v1.20 loads it, then lint it (and, given logs, try it on them)'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and not __fish_seen_subcommand_from check simulate help" -f -a "simulate" -d 'Simulate an audit policy on the requests in the logs: the rule each would match, the events and bytes it would write against what the logs hold, and the evidence it would no longer record'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and not __fish_seen_subcommand_from check simulate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format' -r -f -a "text\t'Problems, one per line, most serious first'
json\t'One JSON document: {valid, errors, warnings, lints, logs}'"
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -l server-version -d 'Follow this API server version\'s policy rules where versions differ (1.35 accepts group "*")' -r -f -a "1.20\t'kube-apiserver v1.20 (the version of the real logs in testdata/s5/)'
1.35\t'kube-apiserver v1.35: group "*" matches every API group'"
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -l fail-on-lint -d 'Exit 3 when the policy is accepted but has warnings or lints (for CI), even if a log could not be read: 3 outranks 2'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l input-format -d 'What the inputs hold (default: recognised per file, line and document): native JSON lines, JSON documents (EventList, arrays), EKS CloudWatch/S3, GKE Cloud Logging, AKS diagnostic records' -r -f -a "auto\t'Recognise each file, line and document by itself'
native\t'JSON lines of audit Events, as the API server\'s log backend writes them'
json\t'JSON documents: an Event, an EventList (the webhook\'s batch) or an array of Events, pretty-printed or not'
eks\t'EKS: CloudWatch Logs JSON (`aws logs filter-log-events`/`get-log-events`), or the S3 export\'s `TIMESTAMP {event}` lines'
gke\t'GKE: Cloud Logging LogEntry objects, one per line or as `gcloud logging read --format=json` prints them'
aks\t'AKS: Azure Monitor diagnostic records (`kube-audit`, `kube-audit-admin`), one per line or `{"records":[...]}` batches'"
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l max-gzip-ratio -d 'Stop reading a gzip input once it expands more than N times its compressed size, past its first 64 MiB: a gzip bomb (default: 100; audit logs expand 10-20x; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l max-open-memory -d 'Memory for requests that have not ended yet (their last stage not read), e.g. 256M, 1G; past it the oldest are reported incomplete, and their later stages counted as late (default: 256M; 0: no limit)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l long-line -d 'Lines longer than this that hold a JSON value have their records cut as they are read (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l checkpoint -d 'Bytes between checkpoints, where open requests past --max-open-memory are ended (default 32 MiB; for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r -f -a "get\t''
list\t''
watch\t''
create\t''
update\t''
patch\t''
delete\t''
deletecollection\t''
read\t''
write\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r -f -a "pods\t''
po\t''
services\t''
svc\t''
configmaps\t''
cm\t''
secrets\t''
serviceaccounts\t''
sa\t''
namespaces\t''
ns\t''
nodes\t''
no\t''
events\t''
ev\t''
endpoints\t''
ep\t''
persistentvolumes\t''
pv\t''
persistentvolumeclaims\t''
pvc\t''
replicationcontrollers\t''
rc\t''
resourcequotas\t''
quota\t''
limitranges\t''
limits\t''
podtemplates\t''
componentstatuses\t''
cs\t''
bindings\t''
deployments\t''
deploy\t''
replicasets\t''
rs\t''
statefulsets\t''
sts\t''
daemonsets\t''
ds\t''
controllerrevisions\t''
jobs\t''
cronjobs\t''
cj\t''
horizontalpodautoscalers\t''
hpa\t''
ingresses\t''
ing\t''
ingressclasses\t''
networkpolicies\t''
netpol\t''
poddisruptionbudgets\t''
pdb\t''
podsecuritypolicies\t''
psp\t''
roles\t''
rolebindings\t''
clusterroles\t''
clusterrolebindings\t''
crb\t''
customresourcedefinitions\t''
crd\t''
crds\t''
storageclasses\t''
sc\t''
volumeattachments\t''
csidrivers\t''
csinodes\t''
certificatesigningrequests\t''
csr\t''
priorityclasses\t''
pc\t''
leases\t''
endpointslices\t''
runtimeclasses\t''
mutatingwebhookconfigurations\t''
validatingwebhookconfigurations\t''
apiservices\t''
flowschemas\t''
prioritylevelconfigurations\t''
tokenreviews\t''
subjectaccessreviews\t''
selfsubjectaccessreviews\t''
selfsubjectrulesreviews\t''
localsubjectaccessreviews\t''
pods/exec\t''
pods/attach\t''
pods/portforward\t''
pods/log\t''
nodes/proxy\t''
serviceaccounts/token\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l audit-id -d 'Requests with this auditID (a list, exact): the evidence a finding or another tool names (example: --audit-id 2d6a0ac4-...,7f1e...)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l since -l since-time -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l until -l until-time -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l dry-run -d 'Dry runs: only (known dry runs), exclude (leave them out), unknown (deletes logged without their body, where the log cannot tell)' -r -f -a "only\t'Only known dry runs'
exclude\t'Leave known dry runs out (deletes the log cannot tell about stay)'
unknown\t'Only deletes logged without their body: dry run or not, the log cannot tell'"
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l annotation -d 'An annotation: KEY (present) or KEY=VALUE, each a glob (example: --annotation \'pod-security.kubernetes.io/*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l field-manager -d 'The fieldManager of a write (glob; example: --field-manager \'kubectl-*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l cluster -d 'Requests of these clusters (a list of globs, any case; `!GLOB` leaves one out). A cluster\'s name comes from the log\'s wrapper (AKS resourceId, GKE cluster_name, EKS log group) or from NAME=PATH, which names the cluster of the inputs at PATH (a file, a folder, or - for stdin) instead of filtering (example: --cluster prod=logs/prod/ --cluster staging=logs/staging/ --cluster \'prod*\')' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -s o -l output -d 'Output format' -r -f -a "table\t'The report for people'
wide\t'The report with every column'
json\t'One JSON document'"
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --per-stage; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l server-version -d 'Follow this API server version\'s policy rules where versions differ (1.35 accepts group "*")' -r -f -a "1.20\t'kube-apiserver v1.20 (the version of the real logs in testdata/s5/)'
1.35\t'kube-apiserver v1.35: group "*" matches every API group'"
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l no-mmap -d 'Read files instead of memory-mapping them'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -s A -l all-namespaces -d 'Every namespace: what kaudit reads when no -n is given (accepted for kubectl\'s habit)'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from simulate" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate an audit policy as kube-apiserver v1.20 loads it, then lint it (and, given logs, try it on them)'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "simulate" -d 'Simulate an audit policy on the requests in the logs: the rule each would match, the events and bytes it would write against what the logs hold, and the evidence it would no longer record'
complete -c kaudit -n "__fish_kaudit_using_subcommand policy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kaudit -n "__fish_kaudit_using_subcommand completions" -s h -l help -d 'Print help'
complete -c kaudit -n "__fish_kaudit_using_subcommand completions" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand man" -s h -l help -d 'Print help'
complete -c kaudit -n "__fish_kaudit_using_subcommand man" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "summary" -d 'Overview of the logs: files, events, requests, codes, time span, top users/verbs/resources'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "events" -d 'One row per matching request, in the order requests completed'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "timeline" -d 'The story in time order: one readable line per request, repeats collapsed'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "who" -d 'Who: one row per actor (effective user) with requests, denials, verbs, resources, IPs'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "what" -d 'What: one row per verb and resource (or object) with requests, users, codes'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "where" -d 'Where: one row per source IP (or user agent) with requests, users, denials'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "top" -d 'Top: group requests by any fields, with share, error rate and latency percentiles'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "when" -d 'When: a time histogram of the matching requests, with peak, first/last and log gaps'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "latency" -d 'Latency: the slowest requests, percentiles per verb and resource, long-running and incomplete requests'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "tokens" -d 'Tokens: each credential used, who issued it (TokenRequest), and who used it, from where'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "history" -d 'Every request that touched one object, in order, and what each write changed'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "detect" -d 'Security detections over the matching requests: built-in rules and your own, findings by severity'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "policy" -d 'Audit policies (audit.k8s.io Policy): check one as the API server would load it and lint it, or simulate it on the logs'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline who what where top when latency tokens history detect policy completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "check" -d 'Validate an audit policy as kube-apiserver v1.20 loads it, then lint it (and, given logs, try it on them)'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and __fish_seen_subcommand_from policy" -f -a "simulate" -d 'Simulate an audit policy on the requests in the logs: the rule each would match, the events and bytes it would write against what the logs hold, and the evidence it would no longer record'
