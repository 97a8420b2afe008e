//! FarmHash's `Fingerprint32` (farmhashmk's `Hash32`), which the server hashes a nominal time and
//! the schedule's seed with to pick its jitter. Written from Go's `github.com/dgryski/go-farm`,
//! which the server uses, rather than taken from a crate: the function is short, its outputs are
//! fixed forever (a fingerprint), and the golden values below pin every length branch.

const C1: u32 = 0xcc9e_2d51;
const C2: u32 = 0x1b87_3593;

/// Murmur3's finaliser.
fn fmix(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Murmur3's helper combining two 32-bit values.
fn mur(a: u32, h: u32) -> u32 {
    let a = a.wrapping_mul(C1).rotate_right(17).wrapping_mul(C2);
    let h = (h ^ a).rotate_right(19);
    h.wrapping_mul(5).wrapping_add(0xe654_6b64)
}

/// The little-endian `u32` at `at`; callers keep `at + 4 <= bytes.len()`.
fn fetch(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(word)
}

fn len_0_to_4(bytes: &[u8]) -> u32 {
    let mut b: u32 = 0;
    let mut c: u32 = 9;
    for &byte in bytes {
        // Go reads each byte as an int8: bytes from 0x80 up are negative.
        let v = i8::from_ne_bytes([byte]) as u32;
        b = b.wrapping_mul(C1).wrapping_add(v);
        c ^= b;
    }
    fmix(mur(b, mur(bytes.len() as u32, c)))
}

fn len_5_to_12(bytes: &[u8]) -> u32 {
    let len = bytes.len();
    let mut a = len as u32;
    let mut b = (len as u32).wrapping_mul(5);
    let mut c: u32 = 9;
    let d = b;
    a = a.wrapping_add(fetch(bytes, 0));
    b = b.wrapping_add(fetch(bytes, len - 4));
    c = c.wrapping_add(fetch(bytes, (len >> 1) & 4));
    fmix(mur(c, mur(b, mur(a, d))))
}

fn len_13_to_24(bytes: &[u8]) -> u32 {
    let len = bytes.len();
    let mut a = fetch(bytes, (len >> 1) - 4);
    let b = fetch(bytes, 4);
    let c = fetch(bytes, len - 8);
    let d = fetch(bytes, len >> 1);
    let e = fetch(bytes, 0);
    let f = fetch(bytes, len - 4);
    let mut h = d.wrapping_mul(C1).wrapping_add(len as u32);
    a = a.rotate_right(12).wrapping_add(f);
    h = mur(c, h).wrapping_add(a);
    a = a.rotate_right(3).wrapping_add(c);
    h = mur(e, h).wrapping_add(a);
    a = a.wrapping_add(f).rotate_right(12).wrapping_add(d);
    h = mur(b, h).wrapping_add(a);
    fmix(h)
}

/// `Fingerprint32(bytes)`, equal to Go's `farm.Fingerprint32` for every input.
pub(crate) fn fingerprint32(bytes: &[u8]) -> u32 {
    let len = bytes.len();
    if len <= 4 {
        return len_0_to_4(bytes);
    }
    if len <= 12 {
        return len_5_to_12(bytes);
    }
    if len <= 24 {
        return len_13_to_24(bytes);
    }
    // Lengths are hashed modulo 2^32, as Go's uint32(len(s)).
    let len32 = len as u32;
    let mut h = len32;
    let mut g = C1.wrapping_mul(len32);
    let mut f = g;
    let mix = |at: usize| {
        fetch(bytes, at)
            .wrapping_mul(C1)
            .rotate_right(17)
            .wrapping_mul(C2)
    };
    let a0 = mix(len - 4);
    let a1 = mix(len - 8);
    let a2 = mix(len - 16);
    let a3 = mix(len - 12);
    let a4 = mix(len - 20);
    let step = |x: u32, a: u32| {
        (x ^ a)
            .rotate_right(19)
            .wrapping_mul(5)
            .wrapping_add(0xe654_6b64)
    };
    h = step(h, a0);
    h = step(h, a2);
    g = step(g, a1);
    g = step(g, a3);
    f = f.wrapping_add(a4).rotate_right(19).wrapping_add(113);
    let mut rest = bytes;
    while rest.len() > 20 {
        let a = fetch(rest, 0);
        let b = fetch(rest, 4);
        let c = fetch(rest, 8);
        let d = fetch(rest, 12);
        let e = fetch(rest, 16);
        h = h.wrapping_add(a);
        g = g.wrapping_add(b);
        f = f.wrapping_add(c);
        h = mur(d, h).wrapping_add(e);
        g = mur(c, g).wrapping_add(a);
        f = mur(b.wrapping_add(e.wrapping_mul(C1)), f).wrapping_add(d);
        f = f.wrapping_add(g);
        g = g.wrapping_add(f);
        rest = &rest[20..];
    }
    g = g.rotate_right(11).wrapping_mul(C1);
    g = g.rotate_right(17).wrapping_mul(C1);
    f = f.rotate_right(11).wrapping_mul(C1);
    f = f.rotate_right(17).wrapping_mul(C1);
    h = h.wrapping_add(g).rotate_right(19);
    h = h.wrapping_mul(5).wrapping_add(0xe654_6b64);
    h = h.rotate_right(17).wrapping_mul(C1);
    h = h.wrapping_add(f).rotate_right(19);
    h = h.wrapping_mul(5).wrapping_add(0xe654_6b64);
    h.rotate_right(17).wrapping_mul(C1)
}

#[cfg(test)]
mod tests {
    use super::fingerprint32;

    /// Golden values from go-farm's `farmhash_test.go`, covering each length branch.
    #[test]
    fn matches_go_farm_golden_values() {
        for (input, expected) in [
            ("", 0xdc56_d17a),
            ("a", 0x3c97_3d4d),
            ("ab", 0x4173_30fd),
            ("abcd", 0x98b5_1e95),
            ("abcde", 0xa3f3_66ac),
            ("abcdefgh", 0xfd7e_c8b9),
            ("0123456789-0", 0xf8cc_7928),
            ("0123456789~01", 0x0d92_cafb),
            ("0123456789^0123456789", 0x536d_1efd),
            ("0123456789$0123456789!0", 0xfa88_d020),
            ("size:  a.out:  bad magic", 0xc624_6b8d),
            ("Nepal premier won't resign.", 0x3229_84d9),
            ("0123456789%0123456789£", 0x1723_dd7a),
            ("C is as portable as Stonehedge!!", 0x2216_94e4),
            (
                "He who has a shady past knows that nice guys finish last.",
                0xf585_dfc4,
            ),
            (
                "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.",
                0xd402_abf8,
            ),
        ] {
            assert_eq!(fingerprint32(input.as_bytes()), expected, "{input:?}");
        }
    }
}
