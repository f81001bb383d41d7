//! Unit tests of redaction: credential-shaped text in every class docs/secrets.md lists, tools' password
//! flags, base64 data counted decoded, Secrets found wherever they nest, names and structure left
//! readable, raw lines changed only at their secrets.

use serde_json::json;

use super::names::base64_len;
use super::*;

fn t(s: &str) -> String {
    text(s).into_owned()
}

#[test]
fn credential_shaped_text_keeps_its_keys_and_loses_its_values() {
    let cases = [
        (
            "db.password=SECRETPROPS-1",
            "db.password=<redacted 13 bytes>",
        ),
        ("Bearer SECRETBEARER-1", "Bearer <redacted 14 bytes>"),
        (
            "postgres://u:SECRETDBURL-1@h/db",
            "postgres://u:<redacted 13 bytes>@h/db",
        ),
        (
            "apiVersion: v1\nusers:\n- name: admin\n  user:\n    token: SECRETKUBECONFIG-1\n",
            "apiVersion: v1\nusers:\n- name: admin\n  user:\n    token: <redacted 18 bytes>\n",
        ),
        ("--token=abc123", "--token=<redacted 6 bytes>"),
        (
            "run --password hunter2 --verbose",
            "run --password <redacted 7 bytes> --verbose",
        ),
        (
            r#"{"api_key": "k-1", "user": "bob"}"#,
            r#"{"api_key": "<redacted 3 bytes>", "user": "bob"}"#,
        ),
        (
            r#"{"token":123,"x":1}"#,
            r#"{"token":<redacted 3 bytes>,"x":1}"#,
        ),
        (
            "Authorization: Bearer abc.def-123",
            "Authorization: Bearer <redacted 11 bytes>",
        ),
        (
            "curl -H 'Authorization: Bearer abc.def-123' https://api",
            "curl -H 'Authorization: Bearer <redacted 11 bytes>' https://api",
        ),
        (
            "export AWS_SECRET_ACCESS_KEY=a b/c",
            "export AWS_SECRET_ACCESS_KEY=<redacted 5 bytes>",
        ),
        (
            "id AKIAIOSFODNN7EXAMPLE here",
            "id <redacted 20 bytes> here",
        ),
        (
            "client-key-data: LS0tLS1CRUdJTg==\nclient-certificate-data: LS0t\n",
            "client-key-data: <redacted 16 bytes>\nclient-certificate-data: LS0t\n",
        ),
        (
            "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n",
            "x\n-----BEGIN RSA PRIVATE KEY-----<redacted 6 bytes>-----END RSA PRIVATE KEY-----\n",
        ),
        (
            "t eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln end",
            "t <redacted 41 bytes> end",
        ),
        (
            "secret: |\n  line1\n  line2\nother: x\n",
            "secret: |\n<redacted 15 bytes>\nother: x\n",
        ),
        (
            "?a=1&access_token=xyz&b=2",
            "?a=1&access_token=<redacted 3 bytes>&b=2",
        ),
        (
            r#"{"auths":{"r":{"auth":"dXM6cA=="}}}"#,
            r#"{"auths":{"r":{"auth":"<redacted 8 bytes>"}}}"#,
        ),
    ];
    for (i, want) in cases {
        assert_eq!(t(i), want, "{i:?}");
        // idempotent: redacted text has nothing left to hide
        assert_eq!(t(want), want, "{want:?}");
    }
    // words, names and settings about credentials stay
    for same in [
        "the bearer tokens are short-lived",
        "Basic auth is off",
        "secretName: db-creds",
        "token-ttl-seconds: 3600",
        "--token-file /run/t",
        "password_file=/etc/pw",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        "https://example.com:8443/path@x",
        "Data contains the secret data. Each key must consist of alphanumeric characters",
        "PWD=/home/x",
        "author: jane",
        "system:openshift:cloud-credential-operator:cluster-reader",
        "--secrets=etcd-client",
        "--optional-secrets=encryption-config",
        "bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token",
    ] {
        assert_eq!(t(same), same);
    }
}

/// Each `(text, redacted)`: `text` reads as `redacted`, which reads as itself.
fn redacts(cases: &[(&str, &str)]) {
    for &(i, want) in cases {
        assert_eq!(t(i), want, "{i:?}");
        assert_eq!(t(want), want, "{want:?}");
    }
}

// Issue 16 point 12, the review's findings: each class of credential redacted (a test per
// class), the rest of the text (user names, hosts, ids, flags) kept.

/// Azure storage and Service Bus connection strings, SAS tokens, and the signature of a signed
/// (SAS or S3 presigned) URL.
#[test]
fn review_connection_strings_and_signed_urls_are_redacted() {
    redacts(&[
        (
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=QUJDRA+/ab==;EndpointSuffix=core.windows.net",
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=<redacted 12 bytes>;EndpointSuffix=core.windows.net",
        ),
        (
            "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=c2VjcmV0a2V5",
            "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=<redacted 12 bytes>",
        ),
        (
            "BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&sp=rl&se=2026-12-31&sig=AbC%2Bd3F%3D",
            "BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&sp=rl&se=2026-12-31&sig=<redacted 12 bytes>",
        ),
        (
            "https://a.blob.core.windows.net/c/b.tgz?sv=2022-11-02&sig=AbCd3F&se=2026",
            "https://a.blob.core.windows.net/c/b.tgz?sv=2022-11-02&sig=<redacted 6 bytes>&se=2026",
        ),
        (
            "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA&X-Amz-Signature=f00dfeed",
            "https://b.s3.amazonaws.com/k?X-Amz-Credential=<redacted 4 bytes>&X-Amz-Signature=<redacted 8 bytes>",
        ),
    ]);
}

/// Any key ending in `key`, as in JSON bodies (not `patchMergeKey`: kept, below).
#[test]
fn review_keys_named_key_are_redacted() {
    redacts(&[
        (
            "storage_key: hunter2\n",
            "storage_key: <redacted 7 bytes>\n",
        ),
        ("MASTER_KEY=hunter2", "MASTER_KEY=<redacted 7 bytes>"),
    ]);
}

/// The `pass` family: `pass`, `passwd`, `passphrase`, `*_pass`, `PGPASSWORD`, `MYSQL_PWD`,
/// `-storepass`, and XML elements and attributes named for a password.
#[test]
fn review_the_pass_family_is_redacted() {
    redacts(&[
        ("pass=hunter2", "pass=<redacted 7 bytes>"),
        (
            "smtp:\n  pass: hunter2\n",
            "smtp:\n  pass: <redacted 7 bytes>\n",
        ),
        ("opts passwd=hunter2 x", "opts passwd=<redacted 7 bytes> x"),
        ("passphrase: open sesame", "passphrase: <redacted 11 bytes>"),
        ("db_pass=hunter2", "db_pass=<redacted 7 bytes>"),
        ("SMTP-PASS: hunter2", "SMTP-PASS: <redacted 7 bytes>"),
        ("PGPASSWORD=hunter2", "PGPASSWORD=<redacted 7 bytes>"),
        (
            "env MYSQL_PWD=hunter2 mysql",
            "env MYSQL_PWD=<redacted 7 bytes> mysql",
        ),
        (
            "keytool -importkeystore -storepass hunter2 -v",
            "keytool -importkeystore -storepass <redacted 7 bytes> -v",
        ),
        (
            "<db><user>app</user><password>hunter2</password></db>",
            "<db><user>app</user><password><redacted 7 bytes></password></db>",
        ),
        (
            "<ns:Password type=\"x\">hunter2</ns:Password>",
            "<ns:Password type=\"x\"><redacted 7 bytes></ns:Password>",
        ),
        (
            r#"<add key="DbPassword" value="hunter2" />"#,
            r#"<add key="DbPassword" value="<redacted 7 bytes>" />"#,
        ),
    ]);
}

/// Command lines, `.netrc` and `.pgpass`: the tool's flag and the user stay.
#[test]
fn review_credentials_on_command_lines_are_redacted() {
    redacts(&[
        (
            "curl -u alice:hunter2 https://api",
            "curl -u alice:<redacted 7 bytes> https://api",
        ),
        (
            "curl -s --user alice:hunter2 https://api",
            "curl -s --user alice:<redacted 7 bytes> https://api",
        ),
        (
            "/usr/bin/curl --user=alice:hunter2 -ualice:pw2 x",
            "/usr/bin/curl --user=alice:<redacted 7 bytes> -ualice:<redacted 3 bytes> x",
        ),
        (
            "sh -c 'mysql -h db -uroot -phunter2 app'",
            "sh -c 'mysql -h db -uroot -p<redacted 7 bytes> app'",
        ),
        (
            "mysqldump -p hunter2 app",
            "mysqldump -p <redacted 7 bytes> app",
        ),
        (
            "sshpass -p hunter2 ssh -p 2222 ops@host",
            "sshpass -p <redacted 7 bytes> ssh -p 2222 ops@host",
        ),
        (
            "redis-cli -h r -a hunter2 ping",
            "redis-cli -h r -a <redacted 7 bytes> ping",
        ),
        (
            "ldapsearch -D cn=admin -w hunter2 -b dc=x",
            "ldapsearch -D cn=admin -w <redacted 7 bytes> -b dc=x",
        ),
        (
            "smbclient -U alice%hunter2 //h/s",
            "smbclient -U alice%<redacted 7 bytes> //h/s",
        ),
        (
            "wget --password=hunter2 x",
            "wget --password=<redacted 7 bytes> x",
        ),
        (
            "wget --password hunter2 x",
            "wget --password <redacted 7 bytes> x",
        ),
        (
            "machine db.example.com login alice password hunter2\nmachine h2 login bob password pw2\n",
            "machine db.example.com login alice password <redacted 7 bytes>\nmachine h2 login bob password <redacted 3 bytes>\n",
        ),
        (
            "db.example.com:5432:app:alice:hunter2\n*:*:*:bob:pw\\:2\n",
            "db.example.com:5432:app:alice:<redacted 7 bytes>\n*:*:*:bob:<redacted 5 bytes>\n",
        ),
    ]);
}

/// Token shapes: a Sentry DSN's key, Slack and Discord webhooks, OpenAI, Anthropic, Google, npm
/// and Stripe keys.
#[test]
fn review_token_shapes_are_redacted() {
    redacts(&[
        (
            "dsn: https://0123456789abcdef0123456789abcdef@o123.ingest.sentry.io/1",
            "dsn: https://<redacted 32 bytes>@o123.ingest.sentry.io/1",
        ),
        (
            "hook https://hooks.slack.com/services/T0ABC123/B0DEF456/AbCdEfGhIjKlMnOpQrStUvWx end",
            "hook https://hooks.slack.com/services/T0ABC123/B0DEF456/<redacted 24 bytes> end",
        ),
        (
            "https://discord.com/api/webhooks/123456/AbCdEfGhIjKlMnOpQrStUvWxYz_-09",
            "https://discord.com/api/webhooks/123456/<redacted 30 bytes>",
        ),
        (
            "OPENAI sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1aBc4eFg7iJk0mNo end",
            "OPENAI <redacted 50 bytes> end",
        ),
        (
            "k sk-ant-api03-Ab3dEf6hIj9lMn2pQr5tUv8xYz1aBc4eFg7iJk0mNo",
            "k <redacted 55 bytes>",
        ),
        (
            "t ya29.a0AfH6SMBx3Ab3dEf6hIj9lMn2pQr5 npm_Ab3dEf6hIj9lMn2pQr5tUv8xYz1aBc4eFg7i",
            "t <redacted 35 bytes> <redacted 40 bytes>",
        ),
        (
            "stripe sk_test_Ab3dEf6hIj9lMn2pQr5tUv8x",
            "stripe <redacted 32 bytes>",
        ),
    ]);
}

/// Private keys: PEM armoured (the armour stays) or base64 of PEM (hidden whole).
#[test]
fn review_private_keys_are_redacted() {
    redacts(&[
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg==\n-----END OPENSSH PRIVATE KEY-----",
            "-----BEGIN OPENSSH PRIVATE KEY-----<redacted 10 bytes>-----END OPENSSH PRIVATE KEY-----",
        ),
        (
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----<redacted 6 bytes>-----END ENCRYPTED PRIVATE KEY-----",
        ),
        (
            "tls_b64: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlCT2dJQkFBSkJBS2ozNEdreEZoRDkwdmNOTFlMSW5GRVg2UHB5MXRQZjlDbnpqNHA0V0dlS0xzMVB0OFF1Ci0tLS0tRU5EIFJTQSBQUklWQVRFIEtFWS0tLS0tCg==",
            "tls_b64: <redacted 172 bytes>",
        ),
    ]);
}

/// What stays: ports, other tools' -p/-u, names, usernames alone, public certificates.
#[test]
fn review_lookalikes_of_credentials_are_kept() {
    for same in [
        "kubectl port-forward -p 8080 svc/web",
        "docker run -p 8080:80 -u 1000:1000 nginx",
        "ssh -p 2222 ops@host",
        "psql -h db -p 5432 -U app",
        "mysql -P 3306 -h db app",
        "curl -u alice https://api",
        "sshpass -e ssh -p 2222 ops@host",
        "mysql -h db; ssh -p 2222 host",
        "bypass: true",
        "compass=north",
        "sk-proj-frontend-deployment-with-a-long-name-1",
        "https://alice@git.example.com/repo.git",
        "https://hooks.slack.com/services/",
        "the machine is up, password rotation is on",
        "root:x:0:0:root:/root:/bin/bash",
        "12:30:45",
        "<passwordPolicy>strict</passwordPolicy>",
        "design=flat;signal=3",
        "// +patchMergeKey=type // +listMapKey=type",
        "<topologyKey>kubernetes.io/hostname</topologyKey>",
        // certificates are public: shown, armoured or base64
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        "ca: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJPZ0lCQUFKQkFLajM0R2t4RmhEOTB2Y05MWUxJbkZFWDZQcHkxdFBmOUNuemo0cDRXR2VLTHMxUHQ4UXUKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
    ] {
        assert_eq!(t(same), same);
    }
}

/// A tool's credential flag in a list (container `command`/`args`) hides its value whole;
/// the same flag of any other program, or before its tool, does not.
#[test]
fn tool_credentials_in_argument_lists() {
    let r = Redactor::new(false, false);
    let pod = json!({"containers": [
        {"name": "a", "command": ["mysql", "-uroot", "-phunter2", "-p", "hunter3", "app"]},
        {"name": "b", "command": ["curl", "-u", "alice:hunter2", "https://x"]},
        {"name": "c", "command": ["sshpass", "-p", "hunter2", "ssh", "-p", "2222", "h"]},
        {"name": "d", "args": ["-p", "8080", "-u", "1000:1000"]},
        {"name": "e", "command": ["/bin/sh", "-c", "mysql -phunter2 app"]},
    ]});
    let got = r.redact(&pod, &mut Vec::new()).value;
    let mut want = pod.clone();
    want["containers"][0]["command"][2] = json!("<redacted 9 bytes>");
    want["containers"][0]["command"][4] = json!("<redacted 7 bytes>");
    want["containers"][1]["command"][2] = json!("<redacted 13 bytes>");
    want["containers"][2]["command"][2] = json!("<redacted 7 bytes>");
    want["containers"][4]["command"][2] = json!("mysql -p<redacted 7 bytes> app");
    assert_eq!(got, want);
    assert_eq!(
        Redactor::new(false, true)
            .redact(&pod, &mut Vec::new())
            .value,
        pod
    );
    // the credential-named keys of the review: in bodies, by their name
    let cm = json!({"data": {"pass": "a", "db_pass": "b", "MYSQL_PWD": "c", "AccountKey": "d", "bypass": "e",
        "topologyKey": "kubernetes.io/hostname"},
        "env": [{"name": "PGPASSWORD", "value": "f"}, {"name": "SMTP_PASS", "value": "g"},
                {"name": "PGPASS", "value": "h"}]});
    let got = r.redact(&cm, &mut Vec::new()).value;
    assert_eq!(
        got,
        json!({"data": {"pass": "<redacted 1 bytes>", "db_pass": "<redacted 1 bytes>", "MYSQL_PWD": "<redacted 1 bytes>", "AccountKey": "<redacted 1 bytes>", "bypass": "e",
            "topologyKey": "kubernetes.io/hostname"},
            "env": [{"name": "PGPASSWORD", "value": "<redacted 1 bytes>"}, {"name": "SMTP_PASS", "value": "<redacted 1 bytes>"},
                {"name": "PGPASS", "value": "<redacted 1 bytes>"}]})
    );
}

fn secret_text(v: &str) -> String {
    json!({"kind": "Secret", "data": {"p": v}}).to_string()
}

#[test]
fn base64_data_is_counted_decoded() {
    assert_eq!(base64_len("YWJj"), Some(3));
    assert_eq!(base64_len("YQ=="), Some(1));
    assert_eq!(base64_len("not base64!"), None);
}

#[test]
fn secrets_are_found_by_kind_wherever_they_nest() {
    let r = Redactor::new(false, false);
    let list = json!({"kind": "List", "items": [
        {"kind": "Secret", "data": {"a": "eHg="}, "stringData": {"b": 5}, "type": "Opaque"},
        {"kind": "ConfigMap", "data": {"a": "plain"}}
    ]});
    assert_eq!(
        r.redact(&list, &mut Vec::new()).value,
        json!({"kind": "List", "items": [
            {"kind": "Secret", "data": {"a": "<redacted 2 bytes>"}, "stringData": {"b": "<redacted 1 bytes>"}, "type": "Opaque"},
            {"kind": "ConfigMap", "data": {"a": "plain"}}
        ]})
    );
    // a SecretList's items carry no kind; a value of unexpected type is hidden whole
    let sl = json!({"kind": "SecretList", "items": [{"metadata": {"name": "x"}, "data": {"k": {"nested": true}}}]});
    assert_eq!(
        r.redact(&sl, &mut Vec::new()).value["items"][0]["data"]["k"],
        "<redacted 15 bytes>"
    );
    // on secrets, `data` that is not an object
    let s = Redactor::new(true, false);
    assert_eq!(
        s.redact(&json!({"data": "c2VjcmV0"}), &mut Vec::new())
            .value,
        json!({"data": "<redacted 6 bytes>"})
    );
    // a Secret kept as JSON text in an annotation, or a config file in JSON
    let a = json!({"metadata": {"annotations": {"backup": secret_text("eHg=")}}, "data": {"c.json": "{\"db\": {\"password\": \"p\", \"host\": \"h\"}}"}});
    assert_eq!(
        r.redact(&a, &mut Vec::new()).value,
        json!({"metadata": {"annotations": {"backup": secret_text("<redacted 2 bytes>")}}, "data": {"c.json": "{\"db\":{\"password\":\"<redacted 1 bytes>\",\"host\":\"h\"}}"}})
    );
    // a TokenRequest's token; its expiration and audiences are not secret
    let tr = json!({"kind": "TokenRequest", "spec": {"audiences": ["api"], "expirationSeconds": 3600}, "status": {"token": "eyJx.eyJy.z", "expirationTimestamp": "2026-11-21T15:00:00Z"}});
    assert_eq!(
        r.redact(&tr, &mut Vec::new()).value,
        json!({"kind": "TokenRequest", "spec": {"audiences": ["api"], "expirationSeconds": 3600}, "status": {"token": "<redacted 11 bytes>", "expirationTimestamp": "2026-11-21T15:00:00Z"}})
    );
}

#[test]
fn names_and_structure_around_credentials_are_shown() {
    let r = Redactor::new(false, false);
    let pod = json!({"spec": {
        "volumes": [
            {"name": "kube-api-access", "projected": {"sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}},
            {"name": "creds", "secret": {"secretName": "db", "items": [{"key": "password", "path": "pw"}], "defaultMode": 420}}
        ],
        "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists"}],
        "containers": [{"name": "token-refresher", "image": "r/img:1",
            "args": ["--token", "abc", "--v", "2", "--password=pw1"],
            "env": [{"name": "DB_PASSWORD", "value": "x"}, {"name": "DATABASE_URL", "value": "pg://u:p4ss@h"},
                    {"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]}]
    }});
    let got = r.redact(&pod, &mut Vec::new()).value;
    let mut want = pod.clone();
    let c = &mut want["spec"]["containers"][0];
    c["args"][1] = json!("<redacted 3 bytes>");
    c["args"][4] = json!("--password=<redacted 3 bytes>");
    c["env"][0]["value"] = json!("<redacted 1 bytes>");
    c["env"][1]["value"] = json!("pg://u:<redacted 4 bytes>@h");
    assert_eq!(got, want);
    // labels, and a CRD's schema, name things
    let crd = json!({"metadata": {"labels": {"kubernetes.io/legacy-token-last-used": "2026-12-05"}},
        "spec": {"versions": [{"schema": {"openAPIV3Schema": {"properties": {"password": {"type": "string"}}}}}]},
        "data": {"key0": "v", "ssh_key": "k", "publicKey": "p", "token": ""}});
    let mut want = crd.clone();
    want["data"]["ssh_key"] = json!("<redacted 1 bytes>");
    assert_eq!(r.redact(&crd, &mut Vec::new()).value, want);
}

#[test]
fn raw_lines_change_only_at_their_secrets() {
    let line = concat!(
        r#"{"kind":"Event","verb":"create","objectRef":{"resource":"secrets","name":"s"},"#,
        r#""requestURI":"/x?a=1\u0026b=2","requestObject":{"kind":"Secret","data":{"password":"c2VjcmV0"},"#,
        r#""metadata":{"name":"s","labels":{"a":"\u00e9"}}} ,"stage":"ResponseComplete"}"#,
        "\r"
    );
    let got = raw_line(line.as_bytes(), false);
    assert_eq!(
        std::str::from_utf8(&got).unwrap(),
        line.replace(r#""c2VjcmV0""#, r#""<redacted 6 bytes>""#)
    );
    assert_eq!(&*raw_line(line.as_bytes(), true), line.as_bytes());
    // nothing secret: the line itself
    let plain = r#"{"verb":"get","objectRef":{"resource":"configmaps"},"responseObject":{"data":{"a":"b"}}}"#;
    assert!(matches!(
        raw_line(plain.as_bytes(), false),
        Cow::Borrowed(_)
    ));
    // a body key written with an escape is still a body
    let esc = r#"{"objectRef":{"resource":"secrets"},"request\u004fbject":{"data":{"p":"eA=="}}}"#;
    assert_eq!(
        std::str::from_utf8(&raw_line(esc.as_bytes(), false)).unwrap(),
        r#"{"objectRef":{"resource":"secrets"},"request\u004fbject":{"data":{"p":"<redacted 1 bytes>"}}}"#
    );
    // a JSON patch on a Secret: by the path it writes to
    let patch = r#"{"verb":"patch","objectRef":{"resource":"secrets"},"requestObject":[{"op":"add","path":"/data/x","value":"eHh4"}]}"#;
    assert_eq!(
        std::str::from_utf8(&raw_line(patch.as_bytes(), false)).unwrap(),
        patch.replace(r#""eHh4""#, r#""<redacted 3 bytes>""#)
    );
    // unreadable bodies (too deep, a key twice) are hidden whole, when they could hold one
    let deep = |leaf: &str| {
        format!(
            r#"{{"objectRef":{{"resource":"configmaps"}},"requestObject":{}{leaf}{},"x":1}}"#,
            "[".repeat(200),
            "]".repeat(200)
        )
    };
    let got = String::from_utf8(raw_line(deep("\"token=x\"").as_bytes(), false).into_owned());
    assert_eq!(
        got.unwrap(),
        r#"{"objectRef":{"resource":"configmaps"},"requestObject":"<redacted 409 bytes>","x":1}"#
    );
    assert_eq!(
        &*raw_line(deep("1").as_bytes(), false),
        deep("1").as_bytes()
    );
    let twice =
        r#"{"objectRef":{"resource":"configmaps"},"responseObject":{"token":"x","token":"y"}}"#;
    assert!(
        std::str::from_utf8(&raw_line(twice.as_bytes(), false))
            .unwrap()
            .ends_with(r#""responseObject":"<redacted 25 bytes>"}"#)
    );
    // no objectRef: its resource cannot be told, so data is taken as a Secret's
    let bare = r#"{"responseObject":{"data":{"a":"b"}}}"#;
    assert_eq!(
        std::str::from_utf8(&raw_line(bare.as_bytes(), false)).unwrap(),
        r#"{"responseObject":{"data":{"a":"<redacted 1 bytes>"}}}"#
    );
}
