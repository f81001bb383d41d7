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
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c kaudit -n "__fish_kaudit_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l since -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l until -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document'
ndjson\t'One JSON object per line'
csv\t'CSV with a header row'
raw\t'The original log lines, byte-exact (events only)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --stages; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l no-mmap -d 'Read files instead of memory-mapping them (safer if files are truncated while being read)'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand summary" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l since -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l until -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document'
ndjson\t'One JSON object per line'
csv\t'CSV with a header row'
raw\t'The original log lines, byte-exact (events only)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --stages; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l sort -d 'Order of rows: when requests completed (log order, streams live) or when they were received' -r -f -a "completed\t''
received\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l no-mmap -d 'Read files instead of memory-mapping them (safer if files are truncated while being read)'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -l stages -d 'One row per stage event (RequestReceived, ResponseStarted, ...) of the matching requests'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand events" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s j -l threads -d 'Worker threads (default: all cores)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l chunk-size -d 'Target chunk size in bytes for the parallel scan (for testing)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l now -d 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s u -l user -d 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s g -l group -d 'A group of the user or of the impersonated user (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s v -l verb -d 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s r -l resource -d 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s n -l namespace -d 'Namespaces' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l name -d 'Object name (glob)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l code -d 'Response codes or classes: 403, 4xx, 5xx' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l decision -d 'Authorization decision: allow or forbid' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l ip -d 'Source IP or CIDR (any of the request\'s sourceIPs)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l user-agent -d 'User agent (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l uri -d 'Request URI (regex)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l since -d 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l until -d 'Received before: RFC 3339, a date, or a duration before now' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l level -d 'Audit level: Metadata, Request, RequestResponse' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l stage -d 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned table for people (plain text when stdout is not a terminal)'
wide\t'Table with every column'
json\t'One JSON document'
ndjson\t'One JSON object per line'
csv\t'CSV with a header row'
raw\t'The original log lines, byte-exact (events only)'"
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s k -l limit -d 'At most N rows (events: requests, or stage rows with --stages; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l color -d 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l context -d 'Also show the other requests (any actor, not matching the filters) received within DURATION before or after a matching one, marked `·` (500ms, 30s, 2m, 1h30m)' -r
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l collapse -d 'Which neighbouring requests become one line with a count' -r -f -a "object\t'Identical requests: same actor, verb, resource, object, code and markers'
kind\t'The same, whatever the namespace and name (a sweep over many objects is one line)'
none\t'One line per request'"
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l no-mmap -d 'Read files instead of memory-mapping them (safer if files are truncated while being read)'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l strict -d 'Exit 2 if any line is malformed'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l no-progress -d 'Never show a progress bar'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l no-prefilter -d 'Parse every line, even those that cannot match the filter (for testing the prefilter)'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l incomplete -d 'Only requests that never completed (no ResponseComplete or Panic in the logs)'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l no-headers -d 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l utc -d 'Show times in UTC (the default)'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -l local -d 'Show times in the local time zone; dates in --since/--until are read as local too'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kaudit -n "__fish_kaudit_using_subcommand timeline" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand completions" -s h -l help -d 'Print help'
complete -c kaudit -n "__fish_kaudit_using_subcommand completions" -s V -l version -d 'Print version'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline completions help" -f -a "summary" -d 'Overview of the logs: files, events, requests, codes, time span, top users/verbs/resources'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline completions help" -f -a "events" -d 'One row per matching request, in the order requests completed'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline completions help" -f -a "timeline" -d 'The story in time order: one readable line per request, repeats collapsed'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline completions help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c kaudit -n "__fish_kaudit_using_subcommand help; and not __fish_seen_subcommand_from summary events timeline completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
