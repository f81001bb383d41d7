//! The verbs of audit events, said once: the Kubernetes API verbs of resource requests, the
//! lower-cased HTTP methods of non-resource ones, and the classes kaudit reasons with (reads,
//! writes, requests on a collection). `--verb`, its completion, the timeline's markers,
//! `history`, `policy simulate` and `detect` ask here.

/// Verbs that read: a read changes nothing the API server stores.
pub const READ: [&str; 3] = ["get", "list", "watch"];

/// Verbs that change what the API server stores (`--verb write`).
pub const WRITE: [&str; 5] = ["create", "update", "patch", "delete", "deletecollection"];

/// The lower-cased HTTP methods a non-resource request (`/healthz`, `/version`) is logged with,
/// besides `get` (and `proxy`, `connect` for the proxy and connect subresources).
pub const HTTP: [&str; 6] = ["post", "put", "head", "options", "connect", "proxy"];

/// The classes `--verb` takes besides verbs.
pub const CLASSES: [&str; 2] = ["read", "write"];

/// Every verb `--verb` takes, in the order people read them: reads, writes, HTTP methods.
pub fn all() -> impl Iterator<Item = &'static str> {
    READ.into_iter().chain(WRITE).chain(HTTP)
}

/// What `--verb` offers to complete: the API verbs and the classes.
pub const COMPLETION: [&str; 10] = [
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "read",
    "write",
];

/// Does `verb` change what the API server stores?
pub fn is_write(verb: &str) -> bool {
    WRITE.contains(&verb)
}

/// Is `verb` a request on a collection (list, watch, deletecollection), which names no
/// object to the authorizer?
pub fn is_collection(verb: &str) -> bool {
    matches!(verb, "list" | "watch" | "deletecollection")
}

/// The verbs of a `--verb` value: itself, or the verbs of a class; `None` for neither.
pub fn expand(v: &str) -> Option<Vec<&'static str>> {
    match v {
        "read" => Some(READ.to_vec()),
        "write" => Some(WRITE.to_vec()),
        _ => all().find(|x| *x == v).map(|x| vec![x]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_and_completion_agree() {
        assert!(COMPLETION.iter().all(|c| expand(c).is_some()));
        assert_eq!(expand("write").unwrap(), WRITE);
        assert_eq!(expand("post").unwrap(), ["post"]);
        assert_eq!(expand("POST"), None);
        assert!(is_write("deletecollection") && !is_write("get"));
        assert!(
            COMPLETION[..8]
                .iter()
                .copied()
                .eq(READ.into_iter().chain(WRITE))
        );
    }
}
