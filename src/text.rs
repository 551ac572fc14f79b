//! Text built without `core::fmt`: numbers in decimal ([`Decimal`]) and the [`cat!`] macro that joins pieces (`&str`, `String`, unsigned integers) into a `String`. Every message,
//! subject and status text on the wasm paths is built with these: each `format!` or `to_string()`
//! of a number there would keep `alloc::fmt::format`, the integer `Display` impls and the error
//! types' `Display` code in the `.wasm` (docs/design.md "Size").
//!
//! Must not: pad, align or escape anything, or grow into a formatter: a piece that needs more
//! (hex, quoting) is written where it is used.

/// `n` in decimal, on the stack: the one digit writer of the crate (`proto::encode::push_u64`
/// appends it to the wire).
pub(crate) struct Decimal {
    /// The digits, right-aligned: u64::MAX has 20 decimal digits.
    digits: [u8; 20],
    /// Index of the first digit in `digits`.
    start: usize,
}

impl Decimal {
    pub fn new(mut n: u64) -> Self {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            // `n % 10` is below 10, so the cast cannot truncate.
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        Decimal { digits, start }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.digits[self.start..]
    }
}

/// One piece of a [`cat!`]: appends itself to the text being built.
pub(crate) trait Piece {
    fn push_to(&self, out: &mut String);
}

impl Piece for str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

/// The pieces joined, in order (what [`cat!`] calls).
#[inline(never)]
pub(crate) fn join(pieces: &[&dyn Piece]) -> String {
    let mut out = String::new();
    for p in pieces {
        p.push_to(&mut out);
    }
    out
}

impl Piece for u64 {
    fn push_to(&self, out: &mut String) {
        // ASCII digits are chars as they are: no UTF-8 check needed.
        out.extend(Decimal::new(*self).as_bytes().iter().map(|&d| char::from(d)));
    }
}

/// The narrower unsigned integers widen to u64: one digit writer in the .wasm, not one per type.
macro_rules! widening_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            #[inline]
            fn push_to(&self, out: &mut String) {
                u64::from(*self).push_to(out);
            }
        }
    )*};
}
widening_pieces!(u8, u16, u32);

impl Piece for usize {
    #[inline]
    fn push_to(&self, out: &mut String) {
        // usize is at most 64 bits on every target this crate builds for (wasm32 and 64-bit hosts).
        (*self as u64).push_to(out);
    }
}

/// `cat!(a, b, ...)`: the pieces (see [`Piece`]) joined into a new `String`, in order; the
/// `format!` of the wasm paths, for text that only concatenates. Each call site is one array of
/// `&dyn Piece` and one call to [`join`]: smaller than a `push_str` inlined per piece.
macro_rules! cat {
    ($($piece:expr),* $(,)?) => {
        $crate::text::join(&[$( &$piece as &dyn $crate::text::Piece ),*])
    };
}
pub(crate) use cat;

/// `display_as_piece!(T)`: `Display` for an error type that writes its own text as a [`Piece`],
/// for Rust users (`{e}`, `to_string()`); the package's wasm paths use the piece directly.
macro_rules! display_as_piece {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&$crate::text::cat!(self))
            }
        }
    };
}
pub(crate) use display_as_piece;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_matches_display() {
        for n in [0, 1, 9, 10, 99, 100, 4_294_967_295, 4_294_967_296, u64::MAX - 1, u64::MAX] {
            assert_eq!(Decimal::new(n).as_bytes(), n.to_string().as_bytes());
        }
    }

    #[test]
    fn cat_joins_every_kind_of_piece() {
        let owned = String::from("b");
        let s = cat!("a", owned, &owned, 7u8, 65_535u16, 42u32, u64::MAX, usize::MAX, "");
        assert_eq!(s, format!("abb765535{}{}{}", 42, u64::MAX, usize::MAX));
        assert_eq!(cat!(), "");
    }
}
