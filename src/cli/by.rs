//! The request fields `top --by` groups by, and how group rows are sorted (`--sort`): their
//! names, headers and help, said once. What each field's value is for a request is
//! `commands/group.rs`'s (`Field::values`).

/// A request field rows can be grouped by (`top --by`; parsed by [`FieldParser`]). What each
/// means is said once, in its `--by` help (`to_possible_value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    User,
    Group,
    Verb,
    Resource,
    Subresource,
    Namespace,
    Name,
    Code,
    Decision,
    Ip,
    UserAgent,
    ApiGroup,
    Level,
    Hour,
    Uri,
    Cluster,
    Apiserver,
    /// The value of one annotation (`annotation:KEY`; every annotation, the decision too).
    Annotation(&'static str),
}

impl Field {
    pub fn header(self) -> &'static str {
        match self {
            Field::User => "USER",
            Field::Group => "GROUP",
            Field::Verb => "VERB",
            Field::Resource => "RESOURCE",
            Field::Subresource => "SUBRESOURCE",
            Field::Namespace => "NAMESPACE",
            Field::Name => "NAME",
            Field::Code => "CODE",
            Field::Decision => "DECISION",
            Field::Ip => "SOURCE IP",
            Field::UserAgent => "USER AGENT",
            Field::ApiGroup => "API GROUP",
            Field::Level => "LEVEL",
            Field::Hour => "HOUR (UTC)",
            Field::Uri => "URI",
            Field::Cluster => "CLUSTER",
            Field::Apiserver => "APISERVER",
            Field::Annotation(k) => k,
        }
    }

    /// The JSON/CSV name.
    pub fn name(self) -> &'static str {
        match self {
            Field::User => "user",
            Field::Group => "group",
            Field::Verb => "verb",
            Field::Resource => "resource",
            Field::Subresource => "subresource",
            Field::Namespace => "namespace",
            Field::Name => "name",
            Field::Code => "code",
            Field::Decision => "decision",
            Field::Ip => "ip",
            Field::UserAgent => "userAgent",
            Field::ApiGroup => "apiGroup",
            Field::Level => "level",
            Field::Hour => "hour",
            Field::Uri => "uri",
            Field::Cluster => "cluster",
            Field::Apiserver => "apiserver",
            Field::Annotation(k) => k,
        }
    }

    /// Does this field wrap to fit a terminal (free text) rather than keep its width?
    pub fn flexible(self) -> bool {
        !matches!(
            self,
            Field::Verb | Field::Code | Field::Decision | Field::Level | Field::Hour
        )
    }
}

/// Parses `top --by`'s fields: the named ones, and `annotation:KEY` (the key leaked: a handful
/// of strings per process, so that [`Field`] stays `Copy`).
#[derive(Clone)]
pub struct FieldParser;

impl clap::builder::TypedValueParser for FieldParser {
    type Value = Field;
    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Field, clap::Error> {
        if let Some(key) = value.to_str().and_then(|v| v.strip_prefix("annotation:")) {
            if key.is_empty() {
                let mut e = clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd);
                e.insert(
                    clap::error::ContextKind::InvalidArg,
                    clap::error::ContextValue::String(
                        arg.map_or_else(|| "--by".into(), ToString::to_string),
                    ),
                );
                e.insert(
                    clap::error::ContextKind::InvalidValue,
                    clap::error::ContextValue::String("annotation:".into()),
                );
                return Err(e);
            }
            return Ok(Field::Annotation(Box::leak(
                key.to_owned().into_boxed_str(),
            )));
        }
        clap::builder::EnumValueParser::<Field>::new().parse_ref(cmd, arg, value)
    }
    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            <Field as clap::ValueEnum>::value_variants()
                .iter()
                .filter_map(clap::ValueEnum::to_possible_value)
                .chain(std::iter::once(
                    clap::builder::PossibleValue::new("annotation:KEY")
                        .help("The value of the annotation KEY (`-` when a request has none)"),
                )),
        ))
    }
}

impl clap::ValueEnum for Field {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            Field::User,
            Field::Group,
            Field::Verb,
            Field::Resource,
            Field::Subresource,
            Field::Namespace,
            Field::Name,
            Field::Code,
            Field::Decision,
            Field::Ip,
            Field::UserAgent,
            Field::ApiGroup,
            Field::Level,
            Field::Hour,
            Field::Uri,
            Field::Cluster,
            Field::Apiserver,
        ]
    }
    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        use clap::builder::PossibleValue as P;
        Some(match self {
            Field::User => {
                P::new("user").help("The effective user (impersonated user when there is one)")
            }
            Field::Group => P::new("group")
                .help("Each group of the effective user (a request counts once per group)"),
            Field::Ip => P::new("ip").help(
                "The address that connected to the API server: the last of sourceIPs (the ones \
                 before it come from X-Forwarded-For / X-Real-Ip headers, which a client can set)",
            ),
            Field::UserAgent => P::new("user-agent").alias("userAgent"),
            Field::ApiGroup => P::new("api-group").alias("apiGroup"),
            Field::Hour => P::new("hour").help("The hour the request was received (UTC)"),
            Field::Uri => P::new("uri").help(
                "requestURI without resourceVersion, timeout, timeoutSeconds, watch, \
                 allowWatchBookmarks",
            ),
            Field::Cluster => P::new("cluster").help(
                "The cluster: from the log's wrapper (AKS resourceId, GKE cluster_name, EKS log \
                 group) or --cluster NAME=PATH",
            ),
            Field::Apiserver => P::new("apiserver")
                .help("The API server: AKS's pod, EKS's log stream, a must-gather's SERVER/NODE"),
            Field::Annotation(_) => return None,
            f => P::new(f.name()),
        })
    }
}

/// How group rows are ordered (`--sort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupSort {
    /// Most requests first.
    Requests,
    /// Earliest first seen first.
    First,
    /// Most recently seen first.
    Last,
    /// Most 403s first.
    Denied,
    /// By name.
    Name,
}
