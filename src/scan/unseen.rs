//! After a scan that matched nothing: which filter values no request in the inputs has, and the
//! near values they do have (`filter::unseen::Vocab`), read in a second scan of the same inputs
//! with no filter. Only when every input can be read again (files, not stdin or a FIFO), and
//! nothing is printed from that second scan but the notes.

use super::{Flow, Scan, Sink};
use crate::config::Config;
use crate::correlate::Request;
use crate::filter::Filter;
use crate::filter::unseen::Vocab;
use crate::input::InputFile;
use crate::term::Diag;

/// The notes for the values of `filter` that no request in `inputs` has, on `diag`: for a scan
/// that matched nothing (`Scan::run` calls it, unless told not to).
pub fn explain(cfg: &Config, filter: &Filter, inputs: &[InputFile], diag: &Diag) {
    let Some(vocab) = Vocab::new(filter) else {
        return;
    };
    if inputs.is_empty() || !inputs.iter().all(InputFile::opens_early) {
        return;
    }
    let all = Filter::default();
    let mut sink = VocabSink {
        filter,
        fresh: vocab.clone(),
        vocab,
    };
    let quiet = Diag { quiet: true };
    let again = Scan {
        cfg,
        filter: &all,
        prefilter: None,
        keep_raw: false,
        explain: false,
    };
    // (an input that cannot be read again was read once, and its error reported then)
    if again
        .run(inputs, &quiet, &mut sink)
        .is_ok_and(|s| s.failed_files == 0)
    {
        for n in sink.vocab.notes() {
            diag.note(&n);
        }
    }
}

struct VocabSink<'f> {
    /// The filter that matched nothing: what the values are looked for by.
    filter: &'f Filter,
    /// What a new part starts from.
    fresh: Vocab,
    vocab: Vocab,
}

/// A chunk's findings, with the filter to match by (a part is made on the merging thread and
/// folded on a worker, which has only the part).
struct Part<'f> {
    filter: &'f Filter,
    vocab: Vocab,
}

impl<'f> Sink for VocabSink<'f> {
    type Part = Part<'f>;
    const PREFILTER: bool = false;
    const FOLDS: bool = true;
    const COMMUTATIVE: bool = true;

    fn part(&self) -> Part<'f> {
        Part {
            filter: self.filter,
            vocab: self.fresh.clone(),
        }
    }

    fn fold(part: &mut Part<'f>, r: &Request<'_>) -> bool {
        part.vocab.see(r, part.filter);
        true
    }

    fn absorb(&mut self, part: Part<'f>) {
        self.vocab.combine(part.vocab);
    }

    fn combine(into: &mut Part<'f>, from: Part<'f>) {
        into.vocab.combine(from.vocab);
    }

    fn request(&mut self, r: Request<'_>) -> anyhow::Result<Flow> {
        self.vocab.see(&r, self.filter);
        Ok(Flow::More)
    }
}
