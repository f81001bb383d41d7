//! A typed row's CSV form, derived from its `Serialize` impl, so that a field added to a row
//! struct appears in JSON, NDJSON and CSV alike, under the same name and in the same order.
//!
//! A row is a struct or a map (a `#[serde(flatten)]` map of fields chosen at run time, such
//! as `top --by`'s, too); each of its fields is one CSV cell, its key the CSV header:
//! - `null` (and `None`, unit) is an empty cell; strings, numbers and booleans are their text
//!   (a number written as JSON writes it, so both formats agree digit for digit);
//! - a list is its items joined by `;`, an item that is a struct or map its values joined by
//!   `=` (`alice=3;bob=1` for `[{"name": "alice", "count": 3}, ...]`);
//! - a struct or map as a cell is its compact JSON text (`{}` written as an empty cell), and so
//!   is any value nested deeper than that.
//!
//! Two forms are asked for by name, with a newtype struct that JSON does not see:
//! - [`PAIRS`]: a map of scalars written `key=value;...` (`200=5;403=2`), not as JSON text;
//! - a name starting with [`NULL_AS`]: inside a list item, `null` is written as the rest of the
//!   name (`(unnamed)=2` where JSON has `{"target": null, "count": 2}`).
//!
//! Cells are made safe by `csv::write_record`, not here. Nothing here writes; it only flattens.

use std::borrow::Cow;
use std::fmt::Display;

use serde::Serialize;
use serde::ser::{self, Impossible};

/// The newtype-struct name that asks for a value's JSON text as its cell.
pub const JSON_TEXT: &str = "kaudit::json";
/// The newtype-struct name that asks for a map to be written `key=value;...`.
pub const PAIRS: &str = "kaudit::pairs";
/// The prefix of a newtype-struct name whose rest is the text of a `null` inside a list item.
pub const NULL_AS: &str = "kaudit::null=";

/// A row flattened: its keys (the CSV header) and its cells.
///
/// One `Flat` flattens row after row ([`Flat::set`]): its key list and cell strings are kept
/// and written over, so that a stream of rows allocates nothing per cell.
#[derive(Debug, Default, PartialEq)]
pub struct Flat {
    /// A struct's field names as they are (no copy); a map's keys copied.
    pub keys: Vec<Cow<'static, str>>,
    pub cells: Vec<String>,
}

/// Flatten `row` (a struct or a map) into CSV keys and cells.
pub fn flatten<T: Serialize + ?Sized>(row: &T) -> Result<Flat, Error> {
    let mut f = Flat::default();
    f.set(row)?;
    Ok(f)
}

impl Flat {
    /// Flatten `row` into this `Flat`, in place of the row it held.
    pub fn set<T: Serialize + ?Sized>(&mut self, row: &T) -> Result<(), Error> {
        let mut fill = Fill { flat: self, n: 0 };
        row.serialize(Row(&mut fill))?;
        let n = fill.n;
        self.keys.truncate(n);
        self.cells.truncate(n);
        Ok(())
    }
}

/// The most room a cell keeps for the next row (64 KiB).
const KEEP: usize = 1 << 16;

/// A [`Flat`] being written: its first `n` keys and cells are this row's.
struct Fill<'f> {
    flat: &'f mut Flat,
    n: usize,
}

impl Fill<'_> {
    /// The next column: its key set (kept if it is the same as the last row's) and its cell,
    /// emptied, to be written.
    fn next(&mut self, key: impl Into<Cow<'static, str>> + AsRef<str>) -> &mut String {
        let (f, n) = (&mut *self.flat, self.n);
        self.n += 1;
        match f.keys.get_mut(n) {
            Some(k) if k.as_ref() == key.as_ref() => {}
            Some(k) => *k = key.into(),
            None => f.keys.push(key.into()),
        }
        if n == f.cells.len() {
            f.cells.push(String::new());
        }
        let cell = &mut f.cells[n];
        if cell.capacity() > KEEP {
            // the room of a huge cell of an earlier row is not kept for every later one
            *cell = String::new();
        }
        cell.clear();
        cell
    }
}

/// Why a row could not be flattened (it was not a struct or map; a map key was not text).
#[derive(Debug)]
pub struct Error(Cow<'static, str>);

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(Cow::Owned(msg.to_string()))
    }
}

/// Not a scalar: the caller writes the value another way (JSON text, or `k=v`).
const COMPOUND: &str = "kaudit::compound";

fn compound() -> Error {
    // borrowed: asked for every scalar field of every row, it allocates nothing
    Error(Cow::Borrowed(COMPOUND))
}

fn is_compound(e: &Error) -> bool {
    e.0 == COMPOUND
}

/// One cell, written to the empty `out`: a scalar's text; a list joined; anything else its JSON
/// text.
fn cell<T: Serialize + ?Sized>(out: &mut String, v: &T) -> Result<(), Error> {
    match v.serialize(Cell(&mut *out)) {
        Err(e) if is_compound(&e) => {
            out.clear();
            let s = super::json::to_string(v);
            if s != "{}" && s != "[]" {
                *out = s;
            }
            Ok(())
        }
        r => r,
    }
}

/// A float as serde_json writes it (`null`, an empty cell, when it is not finite).
fn float(out: &mut String, v: f64) {
    if let Some(n) = serde_json::Number::from_f64(v) {
        write_display(out, n);
    }
}

/// Append a value's `Display` text (writing to a `String` cannot fail).
fn write_display(out: &mut String, v: impl Display) {
    use std::fmt::Write as _;
    let _ = write!(out, "{v}");
}

/// The top level: a struct or a map, one cell per field.
struct Row<'a, 'f>(&'a mut Fill<'f>);

impl<'a, 'f> ser::Serializer for Row<'a, 'f> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = RowMap<'a, 'f>;
    type SerializeStruct = RowMap<'a, 'f>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<RowMap<'a, 'f>, Error> {
        Ok(RowMap(self.0, None))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<RowMap<'a, 'f>, Error> {
        Ok(RowMap(self.0, None))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_bool(self, _: bool) -> Result<(), Error> {
        Err(not_row())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Error> {
        Err(not_row())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Error> {
        Err(not_row())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Err(not_row())
    }
    fn serialize_str(self, _: &str) -> Result<(), Error> {
        Err(not_row())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(not_row())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(not_row())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(not_row())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Err(not_row())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Error> {
        Err(not_row())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(not_row())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(not_row())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(not_row())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(not_row())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(not_row())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(not_row())
    }
    scalars_via_i64_u64_f64!();
}

fn not_row() -> Error {
    Error("a CSV row must be a struct or a map".into())
}

struct RowMap<'a, 'f>(&'a mut Fill<'f>, Option<String>);

impl RowMap<'_, '_> {
    /// A field: a struct's fields each in a column of its own (`issued.time`), anything else
    /// one cell.
    fn field<T: Serialize + ?Sized>(&mut self, key: Cow<'static, str>, v: &T) -> Result<(), Error> {
        match v.serialize(Nested(&mut *self.0, &key)) {
            Err(e) if is_compound(&e) => cell(self.0.next(key), v),
            r => r,
        }
    }
}

impl ser::SerializeStruct for RowMap<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.field(Cow::Borrowed(key), v)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl ser::SerializeMap for RowMap<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let mut k = String::new();
        match key.serialize(Cell(&mut k)) {
            Ok(()) => {
                self.1 = Some(k);
                Ok(())
            }
            Err(_) => Err(Error("a CSV column name must be text".into())),
        }
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let key = self.1.take().unwrap_or_default();
        self.field(Cow::Owned(key), v)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// A field's value if it is a struct (its fields become `key.field` columns); [`COMPOUND`] for
/// anything else, which is then one cell (a null struct too: `emit::by_header` spreads its
/// empty cell over the struct's columns).
struct Nested<'a, 'f, 'k>(&'a mut Fill<'f>, &'k str);

impl<'a, 'f, 'k> ser::Serializer for Nested<'a, 'f, 'k> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Prefixed<'a, 'f, 'k>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Prefixed<'a, 'f, 'k>, Error> {
        Ok(Prefixed(RowMap(self.0, None), self.1))
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(compound())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(compound())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        // a named form is one cell; a plain newtype is what it wraps
        if name.starts_with("kaudit::") {
            return Err(compound());
        }
        v.serialize(self)
    }
    fn serialize_bool(self, _: bool) -> Result<(), Error> {
        Err(compound())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Error> {
        Err(compound())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Error> {
        Err(compound())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Err(compound())
    }
    fn serialize_str(self, _: &str) -> Result<(), Error> {
        Err(compound())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(compound())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Err(compound())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Error> {
        Err(compound())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(compound())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(compound())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(compound())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(compound())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(compound())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(compound())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(compound())
    }
    scalars_via_i64_u64_f64!();
}

/// A nested struct's fields, each named `prefix.field`.
struct Prefixed<'a, 'f, 'k>(RowMap<'a, 'f>, &'k str);

impl ser::SerializeStruct for Prefixed<'_, '_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        let key = Cow::Owned(format!("{}.{key}", self.1));
        self.0.field(key, v)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// Write the `serialize_*` of the integer and float types through `i64`, `u64` and `f64`.
macro_rules! scalars_via_i64_u64_f64 {
    () => {
        fn serialize_i8(self, v: i8) -> Result<Self::Ok, Error> {
            self.serialize_i64(v.into())
        }
        fn serialize_i16(self, v: i16) -> Result<Self::Ok, Error> {
            self.serialize_i64(v.into())
        }
        fn serialize_i32(self, v: i32) -> Result<Self::Ok, Error> {
            self.serialize_i64(v.into())
        }
        fn serialize_u8(self, v: u8) -> Result<Self::Ok, Error> {
            self.serialize_u64(v.into())
        }
        fn serialize_u16(self, v: u16) -> Result<Self::Ok, Error> {
            self.serialize_u64(v.into())
        }
        fn serialize_u32(self, v: u32) -> Result<Self::Ok, Error> {
            self.serialize_u64(v.into())
        }
        fn serialize_f32(self, v: f32) -> Result<Self::Ok, Error> {
            self.serialize_f64(v.into())
        }
        fn serialize_char(self, v: char) -> Result<Self::Ok, Error> {
            self.serialize_str(v.encode_utf8(&mut [0; 4]))
        }
    };
}
use scalars_via_i64_u64_f64;

/// A cell's value, written to its (empty) string: scalars as text, a list as its items joined
/// by `;`, a [`PAIRS`] map as `k=v;...`; a struct or other map is [`COMPOUND`] (its JSON text
/// is written instead).
struct Cell<'s>(&'s mut String);

impl<'s> ser::Serializer for Cell<'s> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Joined<'s>;
    type SerializeTuple = Joined<'s>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        write_display(self.0, v);
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        write_display(self.0, v);
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        float(self.0, v);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.push_str(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.0.push_str(&String::from_utf8_lossy(v));
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.0.push_str(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        if name == JSON_TEXT {
            self.0.push_str(&super::json::to_string(v));
            return Ok(());
        }
        if name == PAIRS {
            let mut p = Pairs {
                keyed: true,
                ..Pairs::default()
            };
            v.serialize(&mut p)?;
            self.0.push_str(&p.out.join(";"));
            return Ok(());
        }
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(compound())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Joined<'s>, Error> {
        Ok(Joined(self.0, false))
    }
    fn serialize_tuple(self, _: usize) -> Result<Joined<'s>, Error> {
        Ok(Joined(self.0, false))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(compound())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(compound())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(compound())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(compound())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(compound())
    }
    scalars_via_i64_u64_f64!();
}

/// A list's items, each appended to the cell after a `;` (the flag: an item was written).
struct Joined<'s>(&'s mut String, bool);

impl Joined<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        if std::mem::replace(&mut self.1, true) {
            self.0.push(';');
        }
        self.0.push_str(&item(v)?);
        Ok(())
    }
}

impl ser::SerializeSeq for Joined<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.push(v)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl ser::SerializeTuple for Joined<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.push(v)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// A list item: a scalar's text, or a struct's or map's values joined by `=`; anything deeper
/// is compound.
fn item<T: Serialize + ?Sized>(v: &T) -> Result<String, Error> {
    let mut p = Pairs::default();
    v.serialize(&mut p)?;
    Ok(p.out.join("="))
}

/// Collects scalars: the values of a struct or map item (keys left out, unless `keyed`: the
/// entries of a [`PAIRS`] map are `key=value`), or a lone scalar.
#[derive(Default)]
struct Pairs {
    out: Vec<String>,
    /// The text of a null (see [`NULL_AS`]); empty by default.
    null: Option<&'static str>,
    keyed: bool,
    /// A [`PAIRS`] map's key, until its value comes.
    key: Option<String>,
}

impl Pairs {
    fn scalar(&mut self, v: String) -> Result<(), Error> {
        self.out.push(v);
        Ok(())
    }
}

impl<'p> ser::Serializer for &'p mut Pairs {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = PairsMap<'p>;
    type SerializeStruct = PairsMap<'p>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.scalar(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.scalar(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.scalar(v.to_string())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        let mut text = String::new();
        float(&mut text, v);
        self.scalar(text)
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.scalar(v.to_string())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.scalar(String::from_utf8_lossy(v).into_owned())
    }
    fn serialize_none(self) -> Result<(), Error> {
        let null = self.null.unwrap_or_default().to_string();
        self.scalar(null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<(), Error> {
        self.scalar(v.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        let outer = self.null;
        if let Some(null) = name.strip_prefix(NULL_AS) {
            self.null = Some(null);
        }
        let r = v.serialize(&mut *self);
        self.null = outer;
        r
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(compound())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(compound())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(compound())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(compound())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(compound())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<PairsMap<'p>, Error> {
        Ok(PairsMap(self))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<PairsMap<'p>, Error> {
        Ok(PairsMap(self))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(compound())
    }
    scalars_via_i64_u64_f64!();
}

/// The entries of a struct or map: their values (`alice=3` is the item's values joined), or
/// for a [`PAIRS`] map, `key=value` each.
struct PairsMap<'p>(&'p mut Pairs);

impl PairsMap<'_> {
    /// One scalar value (anything else is compound), after its key for a [`PAIRS`] map.
    fn value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let mut inner = Pairs {
            null: self.0.null,
            ..Pairs::default()
        };
        v.serialize(&mut inner)?;
        let [value] = <[String; 1]>::try_from(inner.out).map_err(|_| compound())?;
        match self.0.key.take() {
            Some(k) => self.0.out.push(format!("{k}={value}")),
            None => self.0.out.push(value),
        }
        Ok(())
    }
}

impl ser::SerializeStruct for PairsMap<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.value(v)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl ser::SerializeMap for PairsMap<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), Error> {
        if self.0.keyed {
            let mut key = Pairs::default();
            k.serialize(&mut key)?;
            self.0.key = Some(key.out.concat());
        }
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.value(v)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize)]
    #[serde(rename = "kaudit::null=(unnamed)")]
    struct Target(Option<&'static str>);
    #[derive(Serialize)]
    struct Refused {
        target: Target,
        count: u64,
    }
    #[derive(Serialize)]
    #[serde(rename = "kaudit::pairs")]
    struct Codes(serde_json::Value);

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Row {
        user: &'static str,
        requests: u64,
        latency_ms: Option<f64>,
        first: Option<&'static str>,
        verbs: Vec<&'static str>,
        users: serde_json::Value,
        refused: Vec<Refused>,
        codes: Codes,
        annotations: serde_json::Value,
        empty: serde_json::Value,
        nested: serde_json::Value,
        ok: bool,
    }

    #[test]
    fn a_row_is_its_fields_in_order_each_one_cell() {
        let row = Row {
            user: "alice",
            requests: 3,
            latency_ms: Some(12.5),
            first: None,
            verbs: vec!["get", "list"],
            users: json!([{"name": "alice", "count": 3}, {"name": "bob", "count": 1}]),
            refused: vec![
                Refused {
                    target: Target(Some("admin")),
                    count: 1,
                },
                Refused {
                    target: Target(None),
                    count: 2,
                },
            ],
            codes: Codes(json!({"200": 5, "403": 2})),
            annotations: json!({"a": "x;y=z"}),
            empty: json!({}),
            nested: json!([[1, 2]]),
            ok: true,
        };
        let f = flatten(&row).unwrap();
        assert_eq!(
            f.keys,
            [
                "user",
                "requests",
                "latencyMs",
                "first",
                "verbs",
                "users",
                "refused",
                "codes",
                "annotations",
                "empty",
                "nested",
                "ok"
            ]
        );
        assert_eq!(
            f.cells,
            [
                "alice",
                "3",
                "12.5",
                "",
                "get;list",
                "alice=3;bob=1",
                "admin=1;(unnamed)=2",
                "200=5;403=2",
                r#"{"a":"x;y=z"}"#,
                "",
                "[[1,2]]",
                "true"
            ]
        );
        // JSON sees none of the names
        assert_eq!(
            serde_json::to_value(&row.refused).unwrap(),
            json!([{"target": "admin", "count": 1}, {"target": null, "count": 2}])
        );
    }

    /// One `Flat` reused row after row holds exactly what a fresh one would: no key or cell
    /// of an earlier row (longer, or with other keys) is left over.
    #[test]
    fn a_reused_flat_holds_only_the_last_row() {
        let rows = [
            json!({"user": "alice", "verbs": ["get", "list"], "extra": {"a": 1}, "n": 3}),
            json!({"user": "bob", "n": 1}),
            json!({"verb": "delete", "user": "", "n": 2.5}),
            json!({}),
            json!({"user": "x".repeat(1 << 17), "n": 4}),
            json!({"user": "carol", "verbs": [], "extra": {}, "n": null}),
        ];
        let mut reused = Flat::default();
        for row in &rows {
            reused.set(row).unwrap();
            assert_eq!(reused, flatten(row).unwrap(), "{row}");
        }
        assert!(reused.set(&json!([1])).is_err());
    }

    #[test]
    fn a_map_row_has_its_keys_as_columns() {
        let f = flatten(&json!({"user": "eve", "requests": 1, "share": 0.5})).unwrap();
        assert_eq!(f.keys, ["user", "requests", "share"]);
        assert_eq!(f.cells, ["eve", "1", "0.5"]);
        assert!(flatten(&json!([1])).is_err());
        assert!(flatten(&"text").is_err());
    }
}
