//! The serde model of one `audit.k8s.io` Event (v1, and the older v1beta1/v1alpha1 shapes) and
//! the timestamp type used everywhere.
//!
//! Fields borrow from the input (`Cow<'a, str>` so JSON escapes such as `\u0026` still work) and
//! only what a request record needs is decoded: `requestObject`/`responseObject` and any unknown
//! field are skipped by serde without being built; [`LineBodies`] reads the two bodies of a raw
//! line for the commands that ask for them (`detect`'s body rules, `events --bodies`). This
//! module does not correlate stages or decide what a line is; see `input` (line
//! classification) and `correlate` (stages → requests).

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::vocab::duration::{self as duration, DAY, SECOND};

/// A string field that borrows when it can, and accepts `null` (as empty) because some
/// producers write `"userAgent": null` for absent values.
#[derive(Debug, Default, Clone, PartialEq, Eq, Hash)]
pub struct Str<'a>(pub Cow<'a, str>);

impl<'a> Str<'a> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Str::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Str::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// A list of strings; `null` reads as empty.
fn str_list<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Vec<Str<'a>>, D::Error> {
    Ok(Option::<Vec<Str<'a>>>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Default, PartialEq, Deserialize)]
pub struct UserInfo<'a> {
    #[serde(default, borrow)]
    pub username: Str<'a>,
    #[serde(default, borrow, deserialize_with = "str_list")]
    pub groups: Vec<Str<'a>>,
    /// `extra` (`map[string][]string`: since 1.30 `authentication.kubernetes.io/credential-id`
    /// on nearly every request), in the order written; a value that is not a list keeps an
    /// empty list, an item that is not a string is left out. Read only with [`Fields::EXTRA`].
    #[serde(default, borrow, deserialize_with = "extra_map")]
    pub extra: Vec<(Str<'a>, Vec<Str<'a>>)>,
}

/// A JSON value read as a string when it is one; any other value is read and dropped (`None`).
struct AnyStr<'a>(Option<Str<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for AnyStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(AnyStr(Some(Str(Cow::Borrowed(v)))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(AnyStr(Some(Str(Cow::Owned(v.to_owned())))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(AnyStr(Some(Str(Cow::Owned(v)))))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(AnyStr(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(AnyStr(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(AnyStr(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(AnyStr(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(AnyStr(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(AnyStr(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(AnyStr(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
                Ok(AnyStr(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A JSON value read as a list of strings when it is an array (its items that are not strings
/// left out); any other value is read and dropped (`None`).
struct AnyStrList<'a>(Option<Vec<Str<'a>>>);

impl<'de: 'a, 'a> Deserialize<'de> for AnyStrList<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnyStrList<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(AnyStr(s)) = a.next_element::<AnyStr<'de>>()? {
                    v.extend(s);
                }
                Ok(AnyStrList(Some(v)))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
                Ok(AnyStrList(None))
            }
            fn visit_borrowed_str<E: de::Error>(self, _: &'de str) -> Result<Self::Value, E> {
                Ok(AnyStrList(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(AnyStrList(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(AnyStrList(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(AnyStrList(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(AnyStrList(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(AnyStrList(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(AnyStrList(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(AnyStrList(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// `user.extra`: an object of lists of strings (see [`UserInfo::extra`]); anything else, or
/// `null`, is no extra.
fn extra_map<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<(Str<'a>, Vec<Str<'a>>)>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<(Str<'de>, Vec<Str<'de>>)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            let mut v = Vec::new();
            while let Some((k, AnyStrList(l))) = a.next_entry::<Str<'de>, AnyStrList<'de>>()? {
                v.push((k, l.unwrap_or_default()));
            }
            Ok(v)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V)
}

/// The bodies of one event, read from its raw line (a request's `Mark::raw`): `requestObject`
/// and `responseObject` however their keys are written (`"request\u004fbject"` too), `None`
/// when absent or `null`, an error when the line has one that serde_json cannot read (nested
/// past 128 levels, a key twice). Everything else of the line is skipped unbuilt, and when one
/// body cannot be read the other still can (serde skips a value without a depth limit). The
/// one reader of bodies as values: a request's are read with it by `correlate::BodyReader`
/// (`history`, `detect`), a line's by `events --bodies`.
#[derive(Debug)]
pub struct LineBodies {
    pub request: serde_json::Result<Option<serde_json::Value>>,
    pub response: serde_json::Result<Option<serde_json::Value>>,
}

impl LineBodies {
    pub fn read(line: &[u8]) -> LineBodies {
        #[derive(Deserialize)]
        struct Both {
            #[serde(rename = "requestObject")]
            request: Option<serde_json::Value>,
            #[serde(rename = "responseObject")]
            response: Option<serde_json::Value>,
        }
        #[derive(Deserialize)]
        struct Request {
            #[serde(rename = "requestObject")]
            body: Option<serde_json::Value>,
        }
        #[derive(Deserialize)]
        struct Response {
            #[serde(rename = "responseObject")]
            body: Option<serde_json::Value>,
        }
        match serde_json::from_slice::<Both>(line) {
            Ok(b) => LineBodies {
                request: Ok(b.request),
                response: Ok(b.response),
            },
            Err(_) => LineBodies {
                request: serde_json::from_slice::<Request>(line).map(|b| b.body),
                response: serde_json::from_slice::<Response>(line).map(|b| b.body),
            },
        }
    }
}

/// [`dry_run_probe`] of a request body given as JSON text (`None` when it is not JSON).
pub fn body_dry_run(text: &str) -> Option<bool> {
    let mut d = serde_json::Deserializer::from_str(text);
    dry_run_probe(&mut d).ok().flatten()
}

/// `requestObject`, read only for a `dryRun` member: `Some(true)` when it is an object whose
/// `dryRun` is a non-empty array (a DeleteOptions of `kubectl delete --dry-run=server`),
/// `Some(false)` for any other value, `None` for `null`. Nothing else of it is built.
fn dry_run_probe<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct Flag(bool);
    impl<'de> Deserialize<'de> for Flag {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Flag;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("any value")
                }
                fn visit_seq<A: de::SeqAccess<'de>>(
                    self,
                    mut a: A,
                ) -> Result<Self::Value, A::Error> {
                    let mut n = 0;
                    while a.next_element::<de::IgnoredAny>()?.is_some() {
                        n += 1;
                    }
                    Ok(Flag(n > 0))
                }
                fn visit_map<A: de::MapAccess<'de>>(
                    self,
                    mut a: A,
                ) -> Result<Self::Value, A::Error> {
                    while a.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
                    Ok(Flag(false))
                }
                fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                    Ok(Flag(false))
                }
                fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                    Ok(Flag(false))
                }
                fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                    Ok(Flag(false))
                }
                fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                    Ok(Flag(false))
                }
                fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                    Ok(Flag(false))
                }
                fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                    Ok(Flag(false))
                }
            }
            d.deserialize_any(V)
        }
    }
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any value")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            let mut dry = false;
            while let Some(k) = a.next_key::<Cow<'de, str>>()? {
                if k == "dryRun" {
                    dry |= a.next_value::<Flag>()?.0;
                } else {
                    a.next_value::<de::IgnoredAny>()?;
                }
            }
            Ok(Some(dry))
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            while a.next_element::<de::IgnoredAny>()?.is_some() {}
            Ok(Some(false))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Some(false))
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Some(false))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Some(false))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Some(false))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Some(false))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef<'a> {
    #[serde(default, borrow)]
    pub resource: Str<'a>,
    #[serde(default, borrow)]
    pub namespace: Str<'a>,
    #[serde(default, borrow)]
    pub name: Str<'a>,
    #[serde(default, borrow)]
    pub api_group: Str<'a>,
    #[serde(default, borrow)]
    pub api_version: Str<'a>,
    #[serde(default, borrow)]
    pub subresource: Str<'a>,
}

#[derive(Debug, Default, PartialEq, Deserialize)]
pub struct Status<'a> {
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default, borrow)]
    pub reason: Str<'a>,
    #[serde(default, borrow)]
    pub message: Str<'a>,
}

/// Fields of an Event that a command may do without: the fast parser checks them and goes
/// on without keeping them (no list built, no escape decoded), so such an Event has them
/// empty. Every other field is always read. A line is accepted or refused the same whatever
/// the fields asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields(u8);

impl Fields {
    /// None of the fields below.
    pub const NONE: Fields = Fields(0);
    /// `user.groups` and `impersonatedUser.groups`.
    pub const GROUPS: Fields = Fields(1);
    pub const SOURCE_IPS: Fields = Fields(2);
    pub const USER_AGENT: Fields = Fields(4);
    /// `responseStatus.reason` and `responseStatus.message`.
    pub const STATUS_TEXT: Fields = Fields(8);
    /// The annotation `authorization.k8s.io/reason`.
    pub const AUTHZ_REASON: Fields = Fields(16);
    /// Every annotation besides the three always read ([`Annotations::others`]).
    pub const ANNOTATIONS: Fields = Fields(32);
    /// `user.extra` and `impersonatedUser.extra`.
    pub const EXTRA: Fields = Fields(64);
    pub const ALL: Fields = Fields(127);

    pub fn has(self, f: Fields) -> bool {
        self.0 & f.0 == f.0
    }
}

impl Fields {
    /// For tests: none of the optional fields, each alone, all but each, and all (each is read
    /// or checked on its own, whatever the others).
    pub fn samples() -> impl Iterator<Item = Fields> {
        let each = (0..7).map(|i| Fields(1 << i));
        [Fields::NONE, Fields::ALL]
            .into_iter()
            .chain(each.clone())
            .chain(each.map(|f| Fields(Fields::ALL.0 & !f.0)))
    }
}

impl Event<'_> {
    /// Empty the optional fields not in `fields`: what `fast::event_fields` leaves out.
    pub fn keep_fields(&mut self, fields: Fields) {
        for u in [self.user.as_mut(), self.impersonated_user.as_mut()]
            .into_iter()
            .flatten()
        {
            if !fields.has(Fields::GROUPS) {
                u.groups = Vec::new();
            }
            if !fields.has(Fields::EXTRA) {
                u.extra = Vec::new();
            }
        }
        if !fields.has(Fields::SOURCE_IPS) {
            self.source_ips = Vec::new();
        }
        if !fields.has(Fields::USER_AGENT) {
            self.user_agent = Str::default();
        }
        if !fields.has(Fields::STATUS_TEXT)
            && let Some(s) = self.response_status.as_mut()
        {
            s.reason = Str::default();
            s.message = Str::default();
        }
        if let Some(a) = self.annotations.as_mut() {
            if !fields.has(Fields::AUTHZ_REASON) {
                a.reason = Str::default();
            }
            if !fields.has(Fields::ANNOTATIONS) {
                a.others = Vec::new();
            }
        }
    }
}

impl std::ops::BitOr for Fields {
    type Output = Fields;
    fn bitor(self, o: Fields) -> Fields {
        Fields(self.0 | o.0)
    }
}

/// An event's annotations: the three kaudit reads itself, and the others in the order written
/// (Pod Security, ValidatingAdmissionPolicy, credential ids, phase latencies, ...). An
/// annotation whose value is not a string (the API says they all are) is read and dropped.
#[derive(Debug, Default, PartialEq)]
pub struct Annotations<'a> {
    pub decision: Str<'a>,
    pub reason: Str<'a>,
    pub truncated: Str<'a>,
    /// Read only with [`Fields::ANNOTATIONS`].
    pub others: Vec<(Str<'a>, Str<'a>)>,
}

/// The keys of [`Annotations`]'s own fields.
pub const DECISION: &str = "authorization.k8s.io/decision";
pub const REASON: &str = "authorization.k8s.io/reason";
pub const TRUNCATED: &str = "audit.k8s.io/truncated";

impl<'de: 'a, 'a> Deserialize<'de> for Annotations<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Annotations<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("struct Annotations")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut out = Annotations::default();
                let mut seen = [false; 3];
                while let Some(k) = a.next_key::<Str<'de>>()? {
                    let slot = match k.as_str() {
                        DECISION => Some((0, &mut out.decision)),
                        REASON => Some((1, &mut out.reason)),
                        TRUNCATED => Some((2, &mut out.truncated)),
                        _ => None,
                    };
                    match slot {
                        Some((i, field)) => {
                            if std::mem::replace(&mut seen[i], true) {
                                return Err(de::Error::duplicate_field(
                                    [DECISION, REASON, TRUNCATED][i],
                                ));
                            }
                            *field = a.next_value()?;
                        }
                        None => {
                            if let AnyStr(Some(v)) = a.next_value()? {
                                out.others.push((k, v));
                            }
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// One audit event as written on one line. Only the fields kaudit uses are decoded.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event<'a> {
    #[serde(default, borrow)]
    pub kind: Str<'a>,
    #[serde(default, borrow)]
    pub api_version: Str<'a>,
    #[serde(default, borrow)]
    pub level: Str<'a>,
    #[serde(rename = "auditID", default, borrow)]
    pub audit_id: Str<'a>,
    #[serde(default, borrow)]
    pub stage: Str<'a>,
    #[serde(rename = "requestURI", default, borrow)]
    pub request_uri: Str<'a>,
    #[serde(default, borrow)]
    pub verb: Str<'a>,
    #[serde(default, borrow)]
    pub user: Option<UserInfo<'a>>,
    #[serde(default, borrow)]
    pub impersonated_user: Option<UserInfo<'a>>,
    #[serde(rename = "sourceIPs", default, borrow, deserialize_with = "str_list")]
    pub source_ips: Vec<Str<'a>>,
    #[serde(default, borrow)]
    pub user_agent: Str<'a>,
    #[serde(default, borrow)]
    pub object_ref: Option<ObjectRef<'a>>,
    #[serde(default, borrow)]
    pub response_status: Option<Status<'a>>,
    #[serde(default, borrow)]
    pub request_received_timestamp: Str<'a>,
    #[serde(default, borrow)]
    pub stage_timestamp: Str<'a>,
    /// v1alpha1/v1beta1: the time of this stage.
    #[serde(default, borrow)]
    pub timestamp: Str<'a>,
    #[serde(default, borrow)]
    pub annotations: Option<Annotations<'a>>,
    /// `requestObject`, read only for its `dryRun` (see [`dry_run_probe`]): `None` when absent
    /// or `null`.
    #[serde(rename = "requestObject", default, deserialize_with = "dry_run_probe")]
    pub body_dry_run: Option<bool>,
    /// The fast parser read the line and it has no member besides those above, so no
    /// `requestObject` or `responseObject` however its key is written. Never set by serde
    /// (false: the line may hold bodies).
    #[serde(skip)]
    pub no_bodies: bool,
    /// The cluster that wrote it, when a wrapper names it (an AKS `resourceId`, a GKE
    /// `resource.labels.cluster_name`, an EKS log group) or the command line does (`--cluster
    /// NAME=PATH`). Never in the Event itself.
    #[serde(skip)]
    pub cluster: Str<'a>,
    /// The API server that wrote it, when a wrapper or the file's path names it (an AKS `pod`,
    /// an EKS log stream, a must-gather's `<server>/<node>`).
    #[serde(skip)]
    pub apiserver: Str<'a>,
}

impl Str<'_> {
    pub fn into_owned(self) -> Str<'static> {
        Str(Cow::Owned(self.0.into_owned()))
    }
}

impl UserInfo<'_> {
    fn into_owned(self) -> UserInfo<'static> {
        UserInfo {
            username: self.username.into_owned(),
            groups: self.groups.into_iter().map(Str::into_owned).collect(),
            extra: self
                .extra
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v.into_iter().map(Str::into_owned).collect()))
                .collect(),
        }
    }
}

impl Event<'_> {
    /// Detach from the buffer it was parsed from (an envelope's unescaped string).
    pub fn into_owned(self) -> Event<'static> {
        Event {
            kind: self.kind.into_owned(),
            api_version: self.api_version.into_owned(),
            level: self.level.into_owned(),
            audit_id: self.audit_id.into_owned(),
            stage: self.stage.into_owned(),
            request_uri: self.request_uri.into_owned(),
            verb: self.verb.into_owned(),
            user: self.user.map(UserInfo::into_owned),
            impersonated_user: self.impersonated_user.map(UserInfo::into_owned),
            source_ips: self.source_ips.into_iter().map(Str::into_owned).collect(),
            user_agent: self.user_agent.into_owned(),
            object_ref: self.object_ref.map(|o| ObjectRef {
                resource: o.resource.into_owned(),
                namespace: o.namespace.into_owned(),
                name: o.name.into_owned(),
                api_group: o.api_group.into_owned(),
                api_version: o.api_version.into_owned(),
                subresource: o.subresource.into_owned(),
            }),
            response_status: self.response_status.map(|s| Status {
                code: s.code,
                reason: s.reason.into_owned(),
                message: s.message.into_owned(),
            }),
            request_received_timestamp: self.request_received_timestamp.into_owned(),
            stage_timestamp: self.stage_timestamp.into_owned(),
            timestamp: self.timestamp.into_owned(),
            annotations: self.annotations.map(|a| Annotations {
                decision: a.decision.into_owned(),
                reason: a.reason.into_owned(),
                truncated: a.truncated.into_owned(),
                others: a
                    .others
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            }),
            body_dry_run: self.body_dry_run,
            no_bodies: self.no_bodies,
            cluster: self.cluster.into_owned(),
            apiserver: self.apiserver.into_owned(),
        }
    }

    /// The time of this stage: `stageTimestamp`, or v1alpha1's `timestamp`.
    pub fn time(&self) -> &str {
        if self.stage_timestamp.is_empty() {
            self.timestamp.as_str()
        } else {
            self.stage_timestamp.as_str()
        }
    }
}

/// The request stages an API server writes, in their natural order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    RequestReceived = 0,
    ResponseStarted = 1,
    ResponseComplete = 2,
    Panic = 3,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::RequestReceived,
        Stage::ResponseStarted,
        Stage::ResponseComplete,
        Stage::Panic,
    ];
    pub fn parse(s: &str) -> Option<Stage> {
        Some(match s {
            "RequestReceived" => Stage::RequestReceived,
            "ResponseStarted" => Stage::ResponseStarted,
            "ResponseComplete" => Stage::ResponseComplete,
            "Panic" => Stage::Panic,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            Stage::RequestReceived => "RequestReceived",
            Stage::ResponseStarted => "ResponseStarted",
            Stage::ResponseComplete => "ResponseComplete",
            Stage::Panic => "Panic",
        }
    }
}

/// A set of stages (bit i = `Stage as u8 == i`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageSet(pub u8);

impl StageSet {
    pub fn insert(&mut self, s: Stage) {
        self.0 |= 1 << s as u8;
    }
    pub fn contains(self, s: Stage) -> bool {
        self.0 & (1 << s as u8) != 0
    }
    pub fn union(self, o: StageSet) -> StageSet {
        StageSet(self.0 | o.0)
    }
    pub fn iter(self) -> impl Iterator<Item = Stage> {
        Stage::ALL.into_iter().filter(move |s| self.contains(*s))
    }
    /// `RR+RS+RC`: the compact form for tables.
    pub fn short(self) -> String {
        let v: Vec<&str> = self
            .iter()
            .map(|s| match s {
                Stage::RequestReceived => "RR",
                Stage::ResponseStarted => "RS",
                Stage::ResponseComplete => "RC",
                Stage::Panic => "PANIC",
            })
            .collect();
        v.join("+")
    }
    /// `RequestReceived+ResponseComplete`: the form used in CSV.
    pub fn joined(self) -> String {
        let v: Vec<&str> = self.iter().map(Stage::name).collect();
        v.join("+")
    }
}

/// A point in time: microseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts(pub i64);

impl Ts {
    /// Parse an RFC 3339 timestamp. The form API servers write
    /// (`2026-11-21T14:58:09.989263Z`) takes a fast path; anything else goes through jiff.
    ///
    /// A time with no offset (`2022-11-29 00:09:04.38`, as some log shippers re-format it) is
    /// read as UTC, the zone API servers write in.
    pub fn parse(s: &str) -> Option<Ts> {
        fast_rfc3339(s.as_bytes()).or_else(|| {
            if s.len() < 10 || s.len() > 64 {
                return None;
            }
            let t = match s.parse::<jiff::Timestamp>() {
                Ok(t) => t,
                Err(_) => {
                    let civil = s.parse::<jiff::civil::DateTime>().ok()?;
                    civil.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp()
                }
            };
            // rounded down like the fast path (`as_microsecond` rounds towards 1970)
            Some(Ts(t.as_nanosecond().div_euclid(1000) as i64))
        })
    }

    /// `2026-11-21T14:58:09.989263Z`: exact, for machine output.
    pub fn rfc3339(self) -> String {
        let mut buf = [0u8; 27];
        if let Some(s) = self.rfc3339_in(&mut buf) {
            return s.to_string();
        }
        let (date, secs, micros) = self.split();
        format!(
            "{}T{:02}:{:02}:{:02}.{:06}Z",
            date,
            secs / 3600,
            secs / 60 % 60,
            secs % 60,
            micros
        )
    }

    /// [`Ts::rfc3339`] written into `buf`, without formatting machinery (rows print three
    /// times each); `None` for a year outside 0..=9999, which [`Ts::rfc3339`] formats.
    pub fn rfc3339_in(self, buf: &mut [u8; 27]) -> Option<&str> {
        let (date, secs, micros) = self.split();
        let y = u32::try_from(date.y).ok().filter(|y| *y <= 9999)?;
        let digits = |buf: &mut [u8; 27], at: usize, n: u32, width: usize| {
            let mut n = n;
            for i in (at..at + width).rev() {
                buf[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        digits(buf, 0, y, 4);
        buf[4] = b'-';
        digits(buf, 5, date.m, 2);
        buf[7] = b'-';
        digits(buf, 8, date.d, 2);
        buf[10] = b'T';
        // secs is in 0..86400 and micros in 0..1_000_000 (split takes them Euclid's way)
        let secs = secs as u32;
        digits(buf, 11, secs / 3600, 2);
        buf[13] = b':';
        digits(buf, 14, secs / 60 % 60, 2);
        buf[16] = b':';
        digits(buf, 17, secs % 60, 2);
        buf[19] = b'.';
        digits(buf, 20, micros as u32, 6);
        buf[26] = b'Z';
        std::str::from_utf8(&buf[..]).ok()
    }

    /// Days since the epoch, seconds of the day and microseconds of the second.
    fn split(self) -> (CivilDate, i64, i64) {
        let days = self.0.div_euclid(DAY);
        let rem = self.0.rem_euclid(DAY);
        (civil_from_days(days), rem / SECOND, rem % SECOND)
    }

    pub fn to_jiff(self) -> Option<jiff::Timestamp> {
        jiff::Timestamp::from_microsecond(self.0).ok()
    }

    /// Milliseconds from `self` to `later` (may be negative on skewed clocks).
    pub fn millis_until(self, later: Ts) -> f64 {
        (later.0 - self.0) as f64 / 1000.0
    }
}

#[derive(Debug, Clone, Copy)]
pub struct CivilDate {
    pub y: i64,
    pub m: u32,
    pub d: u32,
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// Howard Hinnant's days-from-civil algorithm.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days in month `m` (1..=12) of the proleptic Gregorian year `y`.
fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn civil_from_days(z: i64) -> CivilDate {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    CivilDate {
        y: if m <= 2 { y + 1 } else { y },
        m,
        d,
    }
}

fn digits(b: &[u8]) -> Option<i64> {
    let mut n = 0i64;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + (c - b'0') as i64;
    }
    Some(n)
}

fn fast_rfc3339(b: &[u8]) -> Option<Ts> {
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let hour = hour_start(b[..13].try_into().expect("13 bytes"))?;
    let (mi, s) = (digits(&b[14..16])?, digits(&b[17..19])?);
    if mi > 59 || s > 60 {
        return None;
    }
    // a leap second reads as :59, as jiff reads it (the other path, for times with an offset)
    let s = s.min(59);
    let mut i = 19;
    let mut micros = 0i64;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 6 {
                micros = micros * 10 + (b[i] - b'0') as i64;
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..6 {
            micros *= 10;
        }
    }
    if &b[i..] != b"Z" && &b[i..] != b"z" {
        return None; // offsets and oddities go through jiff
    }
    Some(Ts(hour + (mi * 60 + s) * SECOND + micros))
}

thread_local! {
    /// The last hour [`hour_start`] read (`YYYY-MM-DDTHH`) and its start: a log's lines come
    /// nearly in time order, so a timestamp's hour is nearly always the one before it.
    static HOUR: std::cell::Cell<([u8; 13], i64)> = const { std::cell::Cell::new(([0; 13], 0)) };
}

/// The start of the hour `YYYY-MM-DDTHH` (checked: a real date, hour 0-23), in microseconds
/// since the epoch. Saves `summary` 1-2% of its time against reading each date.
fn hour_start(b: &[u8; 13]) -> Option<i64> {
    let (last, start) = HOUR.get();
    if last == *b {
        return Some(start);
    }
    let (y, mo, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let h = digits(&b[11..13])?;
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 {
        return None;
    }
    if d > days_in_month(y, mo) {
        return None; // 2025-02-30 and friends
    }
    let start = days_from_civil(y, mo as u32, d as u32) * DAY + h * duration::HOUR;
    HOUR.set((*b, start));
    Some(start)
}

#[cfg(test)]
mod tests;
