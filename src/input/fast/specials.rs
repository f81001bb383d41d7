//! The special bytes of a 64-byte block as a bitmap (`"`, `\\` and control characters: where a
//! string ends, escapes, or is invalid), computed once per block with SSE2 (or eight bytes at a
//! time without it), so that the reader finds a string's end in a few instructions. It does not
//! read JSON (`cursor.rs`).

/// [`specials`] of the block at `block`, the last one of `b` and not a whole one (once a line:
/// kept out of line).
#[inline(never)]
pub(super) fn last_block(b: &[u8], block: usize) -> u64 {
    let len = b.len();
    if len >= 64 {
        // the 64 bytes that end the text, shifted into place
        specials(b[len - 64..].try_into().unwrap_or(&[0; 64])) >> (block + 64 - len)
    } else {
        // a text shorter than a block, padded with a byte that is not special
        let mut pad = [b' '; 64];
        let rest = b.get(block..).unwrap_or_default();
        pad[..rest.len()].copy_from_slice(rest);
        specials(&pad)
    }
}

/// Bit k set when `block[k]` is `"`, `\\` or a control character (below 0x20): where a string
/// ends, escapes, or is invalid.
#[inline(always)]
pub(super) fn specials(block: &[u8; 64]) -> u64 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    // SAFETY: `specials_sse2` only needs SSE2, which the cfg says this target has (every x86_64
    // CPU does)
    return unsafe { simd::specials_sse2(block) };
    #[expect(unreachable_code)]
    specials_swar(block)
}

/// [`specials`] eight bytes at a time in plain integers (SWAR), for targets without SSE2.
pub(super) fn specials_swar(block: &[u8; 64]) -> u64 {
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // the high bit of each byte of `x` that is zero (exact: no carry crosses a byte)
    let zero = |x: u64| !(((x & LOW7) + LOW7) | x | LOW7);
    let mut bits = 0u64;
    for (k, word) in block.chunks_exact(8).enumerate() {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let quote = zero(w ^ u64::from_ne_bytes([b'"'; 8]));
        let backslash = zero(w ^ u64::from_ne_bytes([b'\\'; 8]));
        // below 0x20: the high bit clear, and the low seven bits plus 0x60 below 0x80
        let control = !((w & LOW7) + u64::from_ne_bytes([0x60; 8])) & !w & HIGH;
        let high = (quote | backslash | control) & HIGH;
        // gather the eight high bits into one byte, byte i's at bit i
        let byte = (high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        bits |= byte << (8 * k);
    }
    bits
}

/// [`specials`] a byte at a time: the reference for tests.
#[cfg(test)]
pub(super) fn specials_scalar(block: &[u8; 64]) -> u64 {
    let mut bits = 0u64;
    for (k, &c) in block.iter().enumerate() {
        bits |= u64::from(c == b'"' || c == b'\\' || c < 0x20) << k;
    }
    bits
}

/// The SIMD version of [`specials`], the one reason for `unsafe` here. Measured on the bench log
/// (`parse::fast`, 32 MB of 1 KB lines): 14.5 ms with SSE2, 17.6 ms with `specials_swar`
/// (1.2x), 39.9 ms with the byte loop of `specials_scalar` (LLVM does not vectorize it). AVX2,
/// detected at run time, was no faster: a call to it cannot be inlined.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(super) mod simd {
    use std::arch::x86_64::*;

    #[target_feature(enable = "sse2")]
    pub fn specials_sse2(block: &[u8; 64]) -> u64 {
        let mut bits = 0u64;
        for k in 0..4 {
            // SAFETY: bytes 16k..16k+16 of a 64-byte array (an unaligned load)
            let v = unsafe { _mm_loadu_si128(block.as_ptr().add(16 * k).cast()) };
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            // unsigned v <= 0x1f: min(v, 0x1f) == v
            let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
            let m = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control));
            bits |= u64::from(m as u16) << (16 * k);
        }
        bits
    }
}
