//! JSON output: one document (an array, written as records arrive) or one object per line.
//! Values are exact (no sanitizing): consumers are programs.

use std::io::Write;

use anyhow::Result;

use super::{Record, Rows};
use crate::term::Out;

pub struct JsonRows {
    array: bool,
    count: u64,
}

impl JsonRows {
    pub fn array() -> Self {
        JsonRows {
            array: true,
            count: 0,
        }
    }
    pub fn lines() -> Self {
        JsonRows {
            array: false,
            count: 0,
        }
    }
}

impl Rows for JsonRows {
    fn row(&mut self, out: &mut Out, rec: &dyn Record) -> Result<()> {
        if self.array {
            out.write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
        }
        serde_json::to_writer(&mut *out, &rec.json())?;
        if !self.array {
            out.write_all(b"\n")?;
        }
        self.count += 1;
        Ok(())
    }
    fn finish(&mut self, out: &mut Out) -> Result<()> {
        if self.array {
            out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        out.flush()?;
        Ok(())
    }
}
