//! Shared by the fuzz targets: the properties (`check`) and the structure-aware mutator
//! (`mutate`) of the bounded fuzz test in tests/fuzz/, included by path so both run the same
//! code, and [`mutator`], which lets libFuzzer use that mutator next to its own.

#[path = "../../../tests/fuzz/check.rs"]
pub mod check;
#[path = "../../../tests/fuzz/mutate.rs"]
pub mod mutate;

/// libFuzzer's custom mutator: half of the time its own byte-level mutation, else one of
/// `mutate.rs`'s (truncation at JSON positions, envelopes, JSON tree edits...), kept within
/// `max_size`.
pub fn mutator(data: &mut [u8], size: usize, max_size: usize, seed: u32) -> usize {
    let mut rng = mutate::Rng::new(u64::from(seed));
    if rng.one_in(2) {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    }
    let mut v = data[..size].to_vec();
    let other = v.clone();
    mutate::one(&mut rng, &mut v, &other);
    let n = v.len().min(max_size);
    data[..n].copy_from_slice(&v[..n]);
    n
}
