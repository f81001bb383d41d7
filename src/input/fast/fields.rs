//! The Event's members as the fast parser reads them: the user (and impersonated user), the
//! object reference, the response status, annotations, `user.extra` and a request body's
//! `dryRun`, each key at most once and each of the right type, as serde_json would take them;
//! the optional fields not asked for checked as if read. It does not read JSON itself
//! (`cursor.rs`).

use std::borrow::Cow;

use super::cursor::Cursor;
use crate::event::{Annotations, Event, Fields, ObjectRef, Status, Str, UserInfo};

impl<'a> Cursor<'a> {
    fn user(&mut self, u: &mut UserInfo<'a>) -> Option<()> {
        let mut seen = 0u32;
        self.object(|p, key| {
            match key {
                b"username" => {
                    once!(seen, 0);
                    u.username = p.str()?;
                }
                b"groups" => {
                    once!(seen, 1);
                    if p.fields.has(Fields::GROUPS) {
                        u.groups = p.str_list()?;
                    } else {
                        p.str_list_unread()?;
                    }
                }
                b"extra" => {
                    once!(seen, 2);
                    p.extra(&mut u.extra)?;
                }
                _ => p.skip()?,
            }
            Some(())
        })
    }

    fn object_ref(&mut self, o: &mut ObjectRef<'a>) -> Option<()> {
        let mut seen = 0u32;
        self.object(|p, key| {
            match key {
                b"resource" => {
                    once!(seen, 0);
                    o.resource = p.str()?;
                }
                b"namespace" => {
                    once!(seen, 1);
                    o.namespace = p.str()?;
                }
                b"name" => {
                    once!(seen, 2);
                    o.name = p.str()?;
                }
                b"apiGroup" => {
                    once!(seen, 3);
                    o.api_group = p.str()?;
                }
                b"apiVersion" => {
                    once!(seen, 4);
                    o.api_version = p.str()?;
                }
                b"subresource" => {
                    once!(seen, 5);
                    o.subresource = p.str()?;
                }
                _ => p.skip()?,
            }
            Some(())
        })
    }

    fn status(&mut self, s: &mut Status<'a>) -> Option<()> {
        let mut seen = 0u32;
        self.object(|p, key| {
            match key {
                b"code" => {
                    once!(seen, 0);
                    s.code = p.code()?;
                }
                b"reason" => {
                    once!(seen, 1);
                    s.reason = p.str_if(Fields::STATUS_TEXT)?;
                }
                b"message" => {
                    once!(seen, 2);
                    s.message = p.str_if(Fields::STATUS_TEXT)?;
                }
                _ => p.skip()?,
            }
            Some(())
        })
    }

    fn annotations(&mut self, a: &mut Annotations<'a>) -> Option<()> {
        let mut seen = 0u32;
        self.object(|p, key| {
            match key {
                b"authorization.k8s.io/decision" => {
                    once!(seen, 0);
                    a.decision = p.str()?;
                }
                b"authorization.k8s.io/reason" => {
                    once!(seen, 1);
                    a.reason = p.str_if(Fields::AUTHZ_REASON)?;
                }
                b"audit.k8s.io/truncated" => {
                    once!(seen, 2);
                    a.truncated = p.str()?;
                }
                _ => {
                    if p.peek()? == b'"' {
                        if p.fields.has(Fields::ANNOTATIONS) {
                            let k = std::str::from_utf8(key).ok()?;
                            let v = p.str()?;
                            a.others.push((Str(Cow::Borrowed(k)), v));
                        } else {
                            p.str_unread()?;
                        }
                    } else {
                        p.skip_any_but_number()?
                    }
                }
            }
            Some(())
        })
    }

    /// `user.extra`: an object of lists of strings as [`crate::event::UserInfo::extra`] reads
    /// it (a value that is not a list kept as an empty list, an item that is not a string
    /// left out), or `null`. Checked alike when not asked for.
    fn extra(&mut self, out: &mut Vec<(Str<'a>, Vec<Str<'a>>)>) -> Option<()> {
        let keep = self.fields.has(Fields::EXTRA);
        match self.peek()? {
            b'n' => return self.lit(b"null"),
            b'{' => {}
            _ => return None,
        }
        self.object(|p, key| {
            let mut items = Vec::new();
            if p.peek()? == b'[' {
                p.array(|p| {
                    if p.peek()? == b'"' {
                        if keep {
                            items.push(p.str()?);
                        } else {
                            p.str_unread()?;
                        }
                    } else {
                        p.skip_any_but_number()?;
                    }
                    Some(())
                })?;
            } else {
                p.skip_any_but_number()?;
            }
            if keep {
                out.push((Str(Cow::Borrowed(std::str::from_utf8(key).ok()?)), items));
            }
            Some(())
        })
    }

    /// A value that serde reads with `deserialize_any` (so decodes a string, and computes a
    /// number, which can fail where skipping does not): a string is checked as decoded, a
    /// number is left to serde, anything else is skipped.
    fn skip_any_but_number(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.str_unread(),
            b'-' | b'0'..=b'9' => None,
            _ => self.skip(),
        }
    }

    /// `requestObject`, read for its `dryRun` only (see `event::dry_run_probe`).
    fn dry_run_probe(&mut self) -> Option<Option<bool>> {
        match self.peek()? {
            b'n' => {
                self.lit(b"null")?;
                Some(None)
            }
            b'{' => {
                let mut dry = false;
                self.object(|p, key| {
                    if key != b"dryRun" {
                        return p.skip();
                    }
                    if p.peek()? == b'[' {
                        let at = p.i;
                        p.i += 1;
                        p.ws();
                        dry |= p.peek()? != b']';
                        p.i = at;
                    }
                    p.skip_any_but_number()
                })?;
                Some(Some(dry))
            }
            _ => {
                self.skip_any_but_number()?;
                Some(Some(false))
            }
        }
    }

    pub(super) fn event(&mut self, e: &mut Event<'a>) -> Option<()> {
        let mut seen = 0u32;
        let mut others = false;
        self.object(|p, key| {
            match key {
                b"kind" => {
                    once!(seen, 0);
                    e.kind = p.str()?;
                }
                b"apiVersion" => {
                    once!(seen, 1);
                    e.api_version = p.str()?;
                }
                b"level" => {
                    once!(seen, 2);
                    e.level = p.str()?;
                }
                b"auditID" => {
                    once!(seen, 3);
                    e.audit_id = p.str()?;
                }
                b"stage" => {
                    once!(seen, 4);
                    e.stage = p.str()?;
                }
                b"requestURI" => {
                    once!(seen, 5);
                    e.request_uri = p.str()?;
                }
                b"verb" => {
                    once!(seen, 6);
                    e.verb = p.str()?;
                }
                b"user" => {
                    once!(seen, 7);
                    p.opt(&mut e.user, Self::user)?;
                }
                b"impersonatedUser" => {
                    once!(seen, 8);
                    p.opt(&mut e.impersonated_user, Self::user)?;
                }
                b"sourceIPs" => {
                    once!(seen, 9);
                    if p.fields.has(Fields::SOURCE_IPS) {
                        e.source_ips = p.str_list()?;
                    } else {
                        p.str_list_unread()?;
                    }
                }
                b"userAgent" => {
                    once!(seen, 10);
                    e.user_agent = p.str_if(Fields::USER_AGENT)?;
                }
                b"objectRef" => {
                    once!(seen, 11);
                    p.opt(&mut e.object_ref, Self::object_ref)?;
                }
                b"responseStatus" => {
                    once!(seen, 12);
                    p.opt(&mut e.response_status, Self::status)?;
                }
                b"requestReceivedTimestamp" => {
                    once!(seen, 13);
                    e.request_received_timestamp = p.str()?;
                }
                b"stageTimestamp" => {
                    once!(seen, 14);
                    e.stage_timestamp = p.str()?;
                }
                b"timestamp" => {
                    once!(seen, 15);
                    e.timestamp = p.str()?;
                }
                b"annotations" => {
                    once!(seen, 16);
                    p.opt(&mut e.annotations, Self::annotations)?;
                }
                b"requestObject" => {
                    once!(seen, 17);
                    others = true;
                    e.body_dry_run = p.dry_run_probe()?;
                }
                _ => {
                    // requestObject, responseObject, or a key written with escapes
                    others = true;
                    p.skip()?
                }
            }
            Some(())
        })?;
        e.no_bodies = !others;
        Some(())
    }
}
