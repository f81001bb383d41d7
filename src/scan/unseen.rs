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
    let quiet = Diag { quiet: true };
    // first, cheaply, a scan per value with that value alone (its prefilter reads few lines):
    // a no-match whose values all occur (a quiet hour) needs nothing more
    let mut vocab = vocab;
    for (i, spec) in vocab.alone().into_iter().enumerate() {
        let Ok(alone) = Filter::compile(&spec, cfg.now, cfg.local) else {
            continue;
        };
        let prefilter = alone.prefilter();
        let once = Scan {
            cfg,
            filter: &alone,
            prefilter: prefilter.as_ref(),
            keep_raw: false,
            explain: false,
        };
        match once.run(inputs, &quiet, &mut Seen) {
            Ok(s) if s.failed_files == 0 => {
                if s.matched > 0 {
                    vocab.found(i);
                }
            }
            // (read once already, and its error reported then)
            _ => return,
        }
    }
    if vocab.all_found() {
        return;
    }
    let all = Filter::default();
    let mut sink = VocabSink {
        filter,
        fresh: vocab.clone(),
        vocab,
    };
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

/// A sink that keeps nothing: the scan's count of matches is the answer.
struct Seen;

impl Sink for Seen {
    type Part = ();
    const FOLDS: bool = true;
    const COMMUTATIVE: bool = true;

    fn part(&self) {}

    fn fold(_: &mut (), _: &Request<'_>) -> bool {
        true
    }

    fn absorb(&mut self, _: ()) {}

    fn combine(_: &mut (), _: ()) {}

    fn request(&mut self, _: Request<'_>) -> anyhow::Result<Flow> {
        Ok(Flow::Stop)
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
