#!/usr/bin/env python3
"""The DuckDB baselines of scripts/bench.sh (issue 19): each kaudit query of the benchmark
written as the SQL a data-minded engineer would run over the same log, in DuckDB's best form:
`read_json` with an explicit column list (DuckDB then reads only those fields), the log as
newline-delimited JSON, and the `ResponseComplete` stage kept (one row per finished request;
kaudit does more: it joins every stage of a request by auditID).

Usage:
  bench_duckdb.py sql QUERY FILE   print the SQL (the DuckDB CLI runs it with -csv)
  bench_duckdb.py run QUERY FILE   run it with the duckdb Python package; print the rows as CSV
  bench_duckdb.py list             the query names

The SQL text is also written into BENCHMARKS.md by bench.sh (`sql` of each query).
"""
import sys

# the fields any query reads, typed as the Kubernetes API gives them
COLUMNS = (
    "columns={stage: 'VARCHAR', verb: 'VARCHAR', auditID: 'VARCHAR', "
    "user: 'STRUCT(username VARCHAR)', impersonatedUser: 'STRUCT(username VARCHAR)', "
    "objectRef: 'STRUCT(resource VARCHAR, namespace VARCHAR, name VARCHAR)', "
    "responseStatus: 'STRUCT(code BIGINT)', sourceIPs: 'VARCHAR[]', "
    "requestReceivedTimestamp: 'TIMESTAMP', stageTimestamp: 'TIMESTAMP'}"
)

DONE = "stage = 'ResponseComplete'"

# name -> (the kaudit command it stands for, SQL with {src} for the log)
QUERIES = {
    "delete-configmaps": (
        "events -v delete -r configmaps",
        "SELECT auditID, stageTimestamp, user.username, objectRef.namespace, objectRef.name, "
        "responseStatus.code FROM {src} WHERE " + DONE + " AND verb = 'delete' "
        "AND objectRef.resource = 'configmaps'",
    ),
    "user-erin": (
        "who -u erin@example.com",
        "SELECT user.username, count(*) AS requests, count(DISTINCT verb) AS verbs, "
        "min(stageTimestamp) AS first, max(stageTimestamp) AS last FROM {src} WHERE " + DONE +
        " AND (user.username = 'erin@example.com' "
        "OR impersonatedUser.username = 'erin@example.com') GROUP BY 1",
    ),
    "code-403": (
        "events --code 403",
        "SELECT auditID, stageTimestamp, user.username, verb, objectRef.resource FROM {src} "
        "WHERE " + DONE + " AND responseStatus.code = 403",
    ),
    "summary": (
        "summary",
        "SELECT user.username, verb, objectRef.resource, responseStatus.code, count(*) AS n "
        "FROM {src} WHERE " + DONE + " GROUP BY GROUPING SETS "
        "((user.username), (verb), (objectRef.resource), (responseStatus.code))",
    ),
    "top-user": (
        "top --by user",
        "SELECT user.username, count(*) AS n FROM {src} WHERE " + DONE +
        " GROUP BY 1 ORDER BY n DESC",
    ),
    "who": (
        "who",
        "SELECT user.username, count(*) AS requests, count(DISTINCT verb) AS verbs, "
        "min(stageTimestamp) AS first, max(stageTimestamp) AS last, "
        "count(*) FILTER (WHERE responseStatus.code >= 400) AS errors FROM {src} WHERE " + DONE +
        " GROUP BY 1 ORDER BY requests DESC",
    ),
    "latency": (
        "latency",
        "SELECT verb, count(*) AS n, quantile_cont(epoch_us(stageTimestamp) - "
        "epoch_us(requestReceivedTimestamp), [0.5, 0.9, 0.99]) AS p50_p90_p99_us FROM {src} "
        "WHERE " + DONE + " GROUP BY 1 ORDER BY 1",
    ),
}


def sql(name, path):
    quoted = "'" + path.replace("'", "''") + "'"
    src = "read_json(%s, format = 'newline_delimited', %s)" % (quoted, COLUMNS)
    return QUERIES[name][1].format(src=src)


def main(argv):
    if len(argv) == 2 and argv[1] == "list":
        print("\n".join(QUERIES))
        return 0
    if len(argv) != 4 or argv[1] not in ("sql", "run") or argv[2] not in QUERIES:
        sys.stderr.write(__doc__)
        return 2
    text = sql(argv[2], argv[3])
    if argv[1] == "sql":
        print(text + ";")
        return 0
    import csv
    import duckdb

    rel = duckdb.sql(text)
    w = csv.writer(sys.stdout)
    w.writerow(rel.columns)
    w.writerows(rel.fetchall())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
