//! A patch body as `history` shows it when no diff can be made: one line per JSON patch
//! operation (`replace /spec/replicas: 2`), or one per merge-patch leaf (null: removed), each
//! value redacted by the path it writes to ([`crate::redact`], which also resolves JSON patch
//! paths against the object's state). It does not apply patches.

use serde_json::Value;

use super::diff::path_string;
use crate::redact::{Redactor, Seg, Shown, op_paths, well_formed};

/// One line of a patch body: `op` for JSON patch (`replace /spec/replicas`), else a merge-patch
/// leaf (`value` None: the field is removed).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PatchLine {
    pub(super) op: Option<String>,
    pub(super) path: String,
    pub(super) value: Option<Shown>,
}

/// History's patch lines with the redactor ([`crate::redact`]): each value redacted where it is
/// shown.
impl Redactor {
    /// The patch body as lines: one per JSON patch operation, or one per merge-patch leaf.
    pub(super) fn patch_lines(&self, p: &Value, state: Option<&Value>) -> Vec<PatchLine> {
        let mut out = Vec::new();
        match p {
            Value::Array(ops) => {
                for (op, segs) in ops.iter().zip(op_paths(ops, state)) {
                    let Some(mut segs) = segs else {
                        out.push(PatchLine {
                            op: Some("malformed operation".into()),
                            path: String::new(),
                            value: Some(self.whole(op)),
                        });
                        continue;
                    };
                    let name = op.get("op").and_then(Value::as_str).unwrap_or("?");
                    let at = op.get("path").and_then(Value::as_str).unwrap_or("");
                    let path = match op.get("from").and_then(Value::as_str) {
                        Some(from) => format!("{from} → {at}"),
                        None => at.to_string(),
                    };
                    out.push(PatchLine {
                        op: Some(name.to_string()),
                        path,
                        value: op.get("value").map(|v| self.redact(v, &mut segs)),
                    });
                }
            }
            Value::Object(_) => self.merge_lines(p, &mut Vec::new(), &mut out),
            Value::Null => {}
            other => out.push(PatchLine {
                op: None,
                path: String::new(),
                value: Some(self.whole(other)),
            }),
        }
        out
    }

    fn merge_lines(&self, v: &Value, path: &mut Vec<Seg>, out: &mut Vec<PatchLine>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, x) in m {
                    path.push(Seg::Key(k.clone()));
                    self.merge_lines(x, path, out);
                    path.pop();
                }
            }
            Value::Null => out.push(PatchLine {
                op: None,
                path: path_string(path),
                value: None,
            }),
            other => out.push(PatchLine {
                op: None,
                path: path_string(path),
                value: Some(self.redact(other, path)),
            }),
        }
    }
}

/// How many operations of a JSON patch are malformed.
pub(super) fn malformed_ops(p: &Value) -> usize {
    p.as_array().map_or(0, |ops| {
        ops.iter().filter(|o| well_formed(o).is_none()).count()
    })
}
