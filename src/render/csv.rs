//! CSV output through the csv crate (RFC 4180 quoting); fields are exact, not sanitized.

use anyhow::Result;

use super::{Record, Rows};
use crate::term::Out;

pub struct CsvRows {
    columns: &'static [&'static str],
    headers: bool,
    started: bool,
}

impl CsvRows {
    pub fn new(columns: &'static [&'static str], headers: bool) -> Self {
        CsvRows {
            columns,
            headers,
            started: false,
        }
    }
}

/// Write one CSV record to `out`.
pub fn write_record<I, S>(out: &mut Out, fields: I) -> Result<()>
where
    I: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    let mut w = csv::WriterBuilder::new().from_writer(&mut *out);
    w.write_record(fields)?;
    w.flush()?;
    Ok(())
}

impl Rows for CsvRows {
    fn row(&mut self, out: &mut Out, rec: &dyn Record) -> Result<()> {
        if !self.started {
            self.started = true;
            if self.headers {
                write_record(out, self.columns.iter())?;
            }
        }
        write_record(out, rec.fields())
    }
    fn finish(&mut self, out: &mut Out) -> Result<()> {
        if !self.started && self.headers {
            write_record(out, self.columns.iter())?;
        }
        out.flush()?;
        Ok(())
    }
}
