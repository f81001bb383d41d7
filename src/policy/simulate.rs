//! What a policy would write for a request that is in the logs, and how many bytes that would
//! take: the model behind `kaudit policy simulate`.
//!
//! The events a request would leave come from the model ([`Policy::level_for`],
//! [`written_stages`]). Their sizes come from the events the logs hold: an event is weighed as
//! it was written ([`Weight`]: its bytes, and those of the members a level decides on), then
//!
//! - below `RequestResponse` its `responseObject` member goes, below `Request` its
//!   `requestObject` (`apiserver/pkg/audit/request.go` `LogRequestObject` /
//!   `LogResponseObject` record them only at those levels);
//! - the `level` value is rewritten (`"Metadata"` is 7 bytes shorter than
//!   `"RequestResponse"`);
//! - a stage the logs do not hold (a policy that omitted `RequestReceived`, say) is sized from
//!   another event of the same request less what that stage does not carry: a
//!   `RequestReceived` event has no `responseStatus`, no annotations and no bodies (it is
//!   written before authorization and before the body is read), a `ResponseStarted` no bodies.
//!
//! What cannot be known is said, not guessed: bodies the logs did not record (a request logged
//! at `Metadata`, simulated at `Request`) count zero bytes, and [`Simulated::unknown_bodies`]
//! counts the events concerned, so the estimate is a lower bound whenever it is not zero.
//! Sizes are those of the lines as they are in the input (uncompressed; the API server's own
//! JSON lines, one event each, plus the newline).

use crate::correlate::Request;
use crate::event::{Stage, StageSet};

use super::{Attrs, Ending, Level, Policy, long_running, written_stages};

/// One logged event, weighed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Weight {
    /// The line and its newline.
    pub bytes: u64,
    /// Each member below: its bytes as written and the comma that separates it, 0 if absent.
    pub request_object: u64,
    pub response_object: u64,
    pub response_status: u64,
    pub annotations: u64,
    pub impersonated_user: u64,
    /// Members of `objectRef` that the API server fills in after `RequestReceived`: `uid` and
    /// `resourceVersion` (from the stored object), and `name` (a create's, from the body).
    pub object_stored: u64,
    pub object_name: u64,
    /// The length of the `level` and `stage` values (without quotes).
    pub level_len: u64,
    pub stage_len: u64,
    /// The line was read member by member (a JSON object with `level` and `stage`); when
    /// false only `bytes` is known.
    pub split: bool,
}

impl Weight {
    /// Weigh one event line (without its newline).
    pub fn of(raw: &[u8]) -> Weight {
        let mut w = Weight {
            bytes: raw.len() as u64 + 1,
            ..Weight::default()
        };
        let Some(members) = crate::input::fast::members(raw) else {
            return w;
        };
        // the comma that goes with a member when it is removed (none if it is the only one)
        let comma = u64::from(members.len() > 1);
        let mut level = false;
        let mut stage = false;
        for (key, range) in &members {
            let n = range.len() as u64 + comma;
            match *key {
                b"requestObject" => w.request_object = n,
                b"responseObject" => w.response_object = n,
                b"responseStatus" => w.response_status = n,
                b"annotations" => w.annotations = n,
                b"impersonatedUser" => w.impersonated_user = n,
                b"objectRef" => {
                    // `"objectRef":{...}`: its own members
                    let v = &raw[range.clone()];
                    let inner = v
                        .iter()
                        .position(|&c| c == b'{')
                        .and_then(|at| crate::input::fast::members(&v[at..]));
                    for (k, r) in inner.into_iter().flatten() {
                        // objectRef always has more than one member: each goes with a comma
                        let n = r.len() as u64 + 1;
                        match k {
                            b"uid" | b"resourceVersion" => w.object_stored += n,
                            b"name" => w.object_name = n,
                            _ => {}
                        }
                    }
                }
                b"level" | b"stage" => {
                    // `"level":"Metadata"`: the value without its quotes
                    let v = &raw[range.clone()];
                    let Some(colon) = v.iter().position(|&c| c == b':') else {
                        continue;
                    };
                    let value = v[colon + 1..].trim_ascii();
                    if value.len() < 2 || value[0] != b'"' {
                        continue;
                    }
                    if *key == b"level" {
                        w.level_len = value.len() as u64 - 2;
                        level = true;
                    } else {
                        w.stage_len = value.len() as u64 - 2;
                        stage = true;
                    }
                }
                _ => {}
            }
        }
        w.split = level && stage;
        w
    }

    /// The size of an event at `stage` and `level` made from this one (of stage `from`): the
    /// members the target would not carry removed, `level` and `stage` rewritten. `url_name`:
    /// the request URL names the object (else a `RequestReceived` event has no
    /// `objectRef.name`: a create's is filled in from the body later). `failed`: the request
    /// failed (code 400 and up): a `ResponseStarted` then carries the error `Status` as its
    /// `responseObject` as well.
    fn as_event(
        &self,
        from: Stage,
        stage: Stage,
        level: Level,
        url_name: bool,
        failed: bool,
    ) -> u64 {
        if !self.split {
            return self.bytes;
        }
        let mut drop = 0;
        if level < Level::Request
            || stage == Stage::RequestReceived
            || stage == Stage::ResponseStarted
        {
            drop += self.request_object;
        }
        let keeps_response = level == Level::RequestResponse
            && (stage == from
                || matches!(stage, Stage::ResponseComplete | Stage::Panic)
                || (stage == Stage::ResponseStarted && failed));
        if !keeps_response {
            drop += self.response_object;
        }
        if stage == Stage::RequestReceived && from != Stage::RequestReceived {
            // written before authorization, impersonation and storage
            drop += self.response_status
                + self.annotations
                + self.impersonated_user
                + self.object_stored;
            if !url_name {
                drop += self.object_name;
            }
        }
        (self.bytes + level.name().len() as u64 + stage.name().len() as u64)
            .saturating_sub(drop + self.level_len + self.stage_len)
    }
}

/// How a request ended, as far as the logs show: a failed authentication (a 401 with no user),
/// a panic, or anything else.
pub fn ending(r: &Request<'_>) -> Ending {
    if r.user.is_empty() && r.groups.is_empty() && r.code == Some(401) {
        Ending::Unauthenticated
    } else if r.stages.contains(Stage::Panic) {
        Ending::Panic
    } else {
        Ending::Complete
    }
}

/// One request under a policy, against what the logs hold for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Simulated {
    /// The rule it matches (`None`: no rule, level None).
    pub rule: Option<usize>,
    pub level: Level,
    /// The level the logs recorded (`None` when the `level` field is not one of the four).
    pub level_now: Option<Level>,
    /// The stage events the policy would write.
    pub stages: StageSet,
    /// Their estimated size in bytes.
    pub bytes: u64,
    /// The events the logs hold for it, and their bytes.
    pub events_now: u64,
    pub bytes_now: u64,
    /// Of `stages`, the events that the logs do not hold, sized from another of its events.
    pub estimated: u64,
    /// Of `stages`, the events that would carry a body the logs did not record (the level
    /// rises to `Request` or `RequestResponse`): counted without it.
    pub unknown_bodies: u64,
    /// The logs recorded a request (response) body that the policy would not.
    pub request_body_dropped: bool,
    pub response_body_dropped: bool,
    /// Of its events in the logs, those that could not be read member by member (not the API
    /// server's JSON lines): weighed whole.
    pub unsplit: u64,
    /// Of `stages`, events the logs do not hold that could not be sized (their only sibling is
    /// in another input format): counted as events, not in bytes.
    pub not_sized: u64,
    /// The logs hold the request's response (an event other than `RequestReceived`: its code,
    /// the authorization decision, the impersonated user) and the policy would not write it,
    /// even once the request ends: no event, or only `RequestReceived`.
    pub outcome_lost: bool,
    /// The request had not ended in the logs (no final event): its final event is not
    /// counted either.
    pub open: bool,
}

impl Simulated {
    pub fn events(&self) -> u64 {
        self.stages.iter().count() as u64
    }
}

/// Simulate `policy` on one request of the logs. Its events need their raw lines
/// ([`crate::correlate::Mark::raw`]); an event without one weighs nothing.
pub fn simulate(policy: &Policy, r: &Request<'_>) -> Simulated {
    let a = Attrs::from_request(r);
    let (rule, level, omit) = policy.level_for(&a);
    let end = ending(r);
    // what the policy writes for the request once it has ended
    let full = written_stages(level, omit, long_running(&a), end);
    let mut stages = full;
    let open = !r.is_final;
    if open {
        // the logs end before the request does: only the stages up to the last one they show
        // (a watch with only its RequestReceived may not have started its response yet)
        let last = r.marks.iter().map(|m| m.stage as u8).max().unwrap_or(0);
        stages.0 &= (1u8 << (last + 1)) - 1;
        stages.0 &= !(1 << Stage::ResponseComplete as u8 | 1 << Stage::Panic as u8);
    }
    // the response (code, decision, impersonated user) is in every stage but RequestReceived
    let answered = |set: StageSet| set.0 & !(1 << Stage::RequestReceived as u8) != 0;
    let mut now_set = StageSet::default();
    for m in &r.marks {
        now_set.insert(m.stage);
    }
    let level_now = Level::parse(&r.level);
    let weights: Vec<(Stage, Weight)> = r
        .marks
        .iter()
        .map(|m| {
            (
                m.stage,
                m.raw.as_deref().map(Weight::of).unwrap_or_default(),
            )
        })
        .collect();
    let mut s = Simulated {
        rule,
        level,
        level_now,
        stages,
        open,
        events_now: weights.len() as u64,
        unsplit: weights.iter().filter(|(_, w)| !w.split).count() as u64,
        bytes_now: weights.iter().map(|(_, w)| w.bytes).sum(),
        outcome_lost: answered(now_set) && !answered(full),
        ..Simulated::default()
    };
    // a body the logs lack and the new level would record: a request body for the verbs that
    // send one, a response body for all but watches (whose events are never logged)
    let body_unknown = level_now.is_some_and(|now| {
        let writes = r.is_write();
        (level >= Level::Request && now < Level::Request && writes)
            || (level == Level::RequestResponse
                && now < Level::RequestResponse
                && r.verb != "watch")
    });
    let failed = r.code.is_some_and(|c| c >= 400);
    for stage in stages.iter() {
        let (from, w) = match weights.iter().find(|(st, _)| *st == stage) {
            Some(x) => *x,
            None => {
                s.estimated += 1;
                match sibling(&weights, stage) {
                    // another input format: what the API server would write is not known
                    Some((_, w)) if !w.split => {
                        s.not_sized += 1;
                        continue;
                    }
                    Some(x) => x,
                    None => continue,
                }
            }
        };
        s.bytes += w.as_event(from, stage, level, !a.name.is_empty(), failed);
        // bodies are written with the final event (and a failed authentication's one event)
        if body_unknown
            && (matches!(stage, Stage::ResponseComplete | Stage::Panic)
                || end == Ending::Unauthenticated)
        {
            s.unknown_bodies += 1;
        }
    }
    // bodies go with the final event: gone below their level, or with that event omitted
    let final_kept = full.contains(Stage::ResponseComplete) || full.contains(Stage::Panic);
    for (_, w) in &weights {
        if w.request_object > 0 && !(level >= Level::Request && final_kept) {
            s.request_body_dropped = true;
        }
        if w.response_object > 0 && !(level == Level::RequestResponse && final_kept) {
            s.response_body_dropped = true;
        }
    }
    s
}

/// The event of the request to size a missing `stage` from: the closest in content (a
/// `ResponseStarted` is a `ResponseComplete` without bodies; a `RequestReceived` is any event
/// without its response).
fn sibling(weights: &[(Stage, Weight)], stage: Stage) -> Option<(Stage, Weight)> {
    use Stage::*;
    let order: [Stage; 4] = match stage {
        RequestReceived => [ResponseComplete, Panic, ResponseStarted, RequestReceived],
        ResponseStarted => [ResponseComplete, Panic, RequestReceived, ResponseStarted],
        ResponseComplete | Panic => [ResponseComplete, Panic, ResponseStarted, RequestReceived],
    };
    order
        .iter()
        .find_map(|want| weights.iter().find(|(st, _)| st == want).copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RC: &str = r#"{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"a","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/d/configmaps","verb":"create","user":{"username":"u"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"ConfigMap","data":{"k":"v"}},"responseObject":{"kind":"ConfigMap","data":{"k":"v"},"metadata":{"name":"x"}},"annotations":{"authorization.k8s.io/decision":"allow"}}"#;

    fn without(line: &str, member: &str) -> String {
        let v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line).unwrap();
        let mut out = serde_json::Map::new();
        for (k, x) in v {
            if k != member {
                out.insert(k, x);
            }
        }
        serde_json::to_string(&out).unwrap()
    }

    fn set(line: &str, key: &str, value: &str) -> String {
        line.replace(
            &format!(
                "\"{key}\":\"{}\"",
                serde_json::from_str::<serde_json::Value>(line).unwrap()[key]
                    .as_str()
                    .unwrap()
            ),
            &format!("\"{key}\":\"{value}\""),
        )
    }

    #[test]
    fn weight_measures_members_with_their_comma() {
        let w = Weight::of(RC.as_bytes());
        assert!(w.split);
        assert_eq!(w.bytes, RC.len() as u64 + 1);
        // removing a member and its comma: the length of the line written without it (the
        // order of members, which serde_json's map changes, does not change the length)
        let no_req = without(RC, "requestObject");
        assert_eq!(w.bytes - w.request_object, no_req.len() as u64 + 1);
        let no_resp = without(RC, "responseObject");
        assert_eq!(w.bytes - w.response_object, no_resp.len() as u64 + 1);
        assert_eq!(w.level_len, "RequestResponse".len() as u64);
        assert_eq!(w.stage_len, "ResponseComplete".len() as u64);
    }

    #[test]
    fn lower_levels_drop_bodies_and_rewrite_the_level() {
        let w = Weight::of(RC.as_bytes());
        let rc = Stage::ResponseComplete;
        assert_eq!(
            w.as_event(rc, rc, Level::RequestResponse, true, false),
            w.bytes
        );
        let request = set(&without(RC, "responseObject"), "level", "Request");
        assert_eq!(
            w.as_event(rc, rc, Level::Request, true, false),
            request.len() as u64 + 1
        );
        let metadata = set(
            &without(&without(RC, "responseObject"), "requestObject"),
            "level",
            "Metadata",
        );
        assert_eq!(
            w.as_event(rc, rc, Level::Metadata, true, false),
            metadata.len() as u64 + 1
        );
    }

    #[test]
    fn a_missing_stage_is_sized_from_a_sibling_without_what_it_lacks() {
        let w = Weight::of(RC.as_bytes());
        let mut rr = RC.to_string();
        for m in [
            "responseStatus",
            "requestObject",
            "responseObject",
            "annotations",
        ] {
            rr = without(&rr, m);
        }
        let rr = set(&rr, "stage", "RequestReceived");
        assert_eq!(
            w.as_event(
                Stage::ResponseComplete,
                Stage::RequestReceived,
                Level::RequestResponse,
                true,
                false
            ),
            rr.len() as u64 + 1
        );
        let rs = set(
            &without(&without(RC, "requestObject"), "responseObject"),
            "stage",
            "ResponseStarted",
        );
        assert_eq!(
            w.as_event(
                Stage::ResponseComplete,
                Stage::ResponseStarted,
                Level::RequestResponse,
                true,
                false
            ),
            rs.len() as u64 + 1
        );
    }

    #[test]
    fn a_line_that_is_not_an_object_weighs_its_bytes() {
        for raw in ["not json", "[1,2]", "{\"a\":1", ""] {
            let w = Weight::of(raw.as_bytes());
            assert!(!w.split, "{raw}");
            assert_eq!(
                w.as_event(
                    Stage::ResponseComplete,
                    Stage::ResponseComplete,
                    Level::None,
                    true,
                    false
                ),
                raw.len() as u64 + 1
            );
        }
    }
}
