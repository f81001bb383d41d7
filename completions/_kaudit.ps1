
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kaudit' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kaudit'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kaudit' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Overview of the logs: files, events, requests, codes, time span, top users/verbs/resources')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'One row per matching request, in the order requests completed')
            [CompletionResult]::new('timeline', 'timeline', [CompletionResultType]::ParameterValue, 'The story in time order: one readable line per request, repeats collapsed')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kaudit;summary' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores)')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Target chunk size in bytes for the parallel scan (for testing)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'A group of the user or of the impersonated user (glob)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'A group of the user or of the impersonated user (glob)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write')
            [CompletionResult]::new('--verb', '--verb', [CompletionResultType]::ParameterName, 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespaces')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespaces')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Object name (glob)')
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'Response codes or classes: 403, 4xx, 5xx')
            [CompletionResult]::new('--decision', '--decision', [CompletionResultType]::ParameterName, 'Authorization decision: allow or forbid')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'Source IP or CIDR (any of the request''s sourceIPs)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User agent (regex)')
            [CompletionResult]::new('--uri', '--uri', [CompletionResultType]::ParameterName, 'Request URI (regex)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Received before: RFC 3339, a date, or a duration before now')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Audit level: Metadata, Request, RequestResponse')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'At most N rows (events: requests, or stage rows with --stages; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most N rows (events: requests, or stage rows with --stages; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--no-mmap', '--no-mmap', [CompletionResultType]::ParameterName, 'Read files instead of memory-mapping them (safer if files are truncated while being read)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 2 if any line is malformed')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show a progress bar')
            [CompletionResult]::new('--no-prefilter', '--no-prefilter', [CompletionResultType]::ParameterName, 'Parse every line, even those that cannot match the filter (for testing the prefilter)')
            [CompletionResult]::new('--incomplete', '--incomplete', [CompletionResultType]::ParameterName, 'Only requests that never completed (no ResponseComplete or Panic in the logs)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC (the default)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Show times in the local time zone; dates in --since/--until are read as local too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kaudit;events' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores)')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Target chunk size in bytes for the parallel scan (for testing)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'A group of the user or of the impersonated user (glob)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'A group of the user or of the impersonated user (glob)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write')
            [CompletionResult]::new('--verb', '--verb', [CompletionResultType]::ParameterName, 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespaces')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespaces')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Object name (glob)')
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'Response codes or classes: 403, 4xx, 5xx')
            [CompletionResult]::new('--decision', '--decision', [CompletionResultType]::ParameterName, 'Authorization decision: allow or forbid')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'Source IP or CIDR (any of the request''s sourceIPs)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User agent (regex)')
            [CompletionResult]::new('--uri', '--uri', [CompletionResultType]::ParameterName, 'Request URI (regex)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Received before: RFC 3339, a date, or a duration before now')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Audit level: Metadata, Request, RequestResponse')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'At most N rows (events: requests, or stage rows with --stages; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most N rows (events: requests, or stage rows with --stages; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order of rows: when requests completed (log order, streams live) or when they were received')
            [CompletionResult]::new('--no-mmap', '--no-mmap', [CompletionResultType]::ParameterName, 'Read files instead of memory-mapping them (safer if files are truncated while being read)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 2 if any line is malformed')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show a progress bar')
            [CompletionResult]::new('--no-prefilter', '--no-prefilter', [CompletionResultType]::ParameterName, 'Parse every line, even those that cannot match the filter (for testing the prefilter)')
            [CompletionResult]::new('--incomplete', '--incomplete', [CompletionResultType]::ParameterName, 'Only requests that never completed (no ResponseComplete or Panic in the logs)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC (the default)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Show times in the local time zone; dates in --since/--until are read as local too')
            [CompletionResult]::new('--stages', '--stages', [CompletionResultType]::ParameterName, 'One row per stage event (RequestReceived, ResponseStarted, ...) of the matching requests')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kaudit;timeline' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Worker threads (default: all cores)')
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Target chunk size in bytes for the parallel scan (for testing)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Pretend the current time is this (RFC 3339), for repeatable relative --since/--until')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Authenticated or impersonated user (glob: `system:serviceaccount:ci:*`)')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'A group of the user or of the impersonated user (glob)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'A group of the user or of the impersonated user (glob)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write')
            [CompletionResult]::new('--verb', '--verb', [CompletionResultType]::ParameterName, 'Verbs: get,list,watch,create,update,patch,delete,deletecollection; classes read, write')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE')
            [CompletionResult]::new('--resource', '--resource', [CompletionResultType]::ParameterName, 'Resources: plural, singular or short name (cm, deploy, crb), NAME.GROUP, NAME/SUBRESOURCE')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespaces')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespaces')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Object name (glob)')
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'Response codes or classes: 403, 4xx, 5xx')
            [CompletionResult]::new('--decision', '--decision', [CompletionResultType]::ParameterName, 'Authorization decision: allow or forbid')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'Source IP or CIDR (any of the request''s sourceIPs)')
            [CompletionResult]::new('--user-agent', '--user-agent', [CompletionResultType]::ParameterName, 'User agent (regex)')
            [CompletionResult]::new('--uri', '--uri', [CompletionResultType]::ParameterName, 'Request URI (regex)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Received at or after: RFC 3339, a date, or a duration before now (30m, 2h, 7d)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Received before: RFC 3339, a date, or a duration before now')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Audit level: Metadata, Request, RequestResponse')
            [CompletionResult]::new('--stage', '--stage', [CompletionResultType]::ParameterName, 'Requests that had this stage: RequestReceived, ResponseStarted, ResponseComplete, Panic')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'At most N rows (events: requests, or stage rows with --stages; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most N rows (events: requests, or stage rows with --stages; -o raw: the lines of N requests; timeline: lines), or N entries per top list (summary; default 10)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto (stdout is a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Also show the other requests (any actor, not matching the filters) received within DURATION before or after a matching one, marked `·` (500ms, 30s, 2m, 1h30m)')
            [CompletionResult]::new('--collapse', '--collapse', [CompletionResultType]::ParameterName, 'Which neighbouring requests become one line with a count')
            [CompletionResult]::new('--no-mmap', '--no-mmap', [CompletionResultType]::ParameterName, 'Read files instead of memory-mapping them (safer if files are truncated while being read)')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Exit 2 if any line is malformed')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never show a progress bar')
            [CompletionResult]::new('--no-prefilter', '--no-prefilter', [CompletionResultType]::ParameterName, 'Parse every line, even those that cannot match the filter (for testing the prefilter)')
            [CompletionResult]::new('--incomplete', '--incomplete', [CompletionResultType]::ParameterName, 'Only requests that never completed (no ResponseComplete or Panic in the logs)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Leave out the header row (table, wide, csv); timeline: the date lines (each line then starts with its date)')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show times in UTC (the default)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Show times in the local time zone; dates in --since/--until are read as local too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kaudit;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kaudit;help' {
            [CompletionResult]::new('summary', 'summary', [CompletionResultType]::ParameterValue, 'Overview of the logs: files, events, requests, codes, time span, top users/verbs/resources')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'One row per matching request, in the order requests completed')
            [CompletionResult]::new('timeline', 'timeline', [CompletionResultType]::ParameterValue, 'The story in time order: one readable line per request, repeats collapsed')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kaudit;help;summary' {
            break
        }
        'kaudit;help;events' {
            break
        }
        'kaudit;help;timeline' {
            break
        }
        'kaudit;help;completions' {
            break
        }
        'kaudit;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
